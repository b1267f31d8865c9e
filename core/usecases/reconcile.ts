/**
 * Reconciliation: the `points` function's timer at 03:00 Beijing time, every day, and on demand
 * (`reconcileNow`, for staff: a few times a day per community). For a community it recounts what the
 * app keeps as running totals and writes down what does not add up:
 *
 * - every points account against its ledger (Σ delta = balance, and issued / redeemed the way
 *   postPoints moves them), and ledger entries of someone with no account;
 * - every goods item's stock against its stock ledger (stock = Σ moves: 期初 + 入库 − 兑换 + 退回 −
 *   损耗), moves naming an item that is gone, and that stock is a non-negative integer;
 * - every volunteer's counters against their orders.
 *
 * Money and stock are never written: a finding there is for staff to look into (the ledger is the
 * record; "fixing" a balance silently would hide whatever went wrong). The volunteer counters are a
 * ranking aid, recounted from the orders, so a drifted one is reset — by a conditional write, so a
 * transition made since it was read is never overwritten.
 *
 * Each run writes a new `reconciliations` document, never changed after: the timer's is
 * `<communityId>:<day>` (a second run the same day leaves the first one's findings as they are), an
 * on-demand one `<communityId>:<day>:<HHmmssSSS>`. The timer's first run of a month marks itself as
 * the closing reconciliation of the month before (`closesMonth`, read by closingReconciliation for
 * the monthly report). Staff read the newest with `points.reconciliation`.
 */
import type { DiscrepancyView, ReconciliationView } from '../contract';
import { DomainError } from '../errors';
import type { Handlers, TimerJob } from '../handlers';
import {
  COLLECTIONS,
  type Community,
  type Discrepancy,
  type Goods,
  type LedgerEntry,
  type Order,
  type OrderStatus,
  type PointsAccount,
  type Reconciliation,
  type StockMove,
  type User,
  type Volunteer,
} from '../model';
import type { ActionContext, Clock, Collection, Deps, FindOptions, Where } from '../ports';
import { DAY_MS, inZone, iso, localDay } from '../time';
import { valueAt } from '../where';
import { staffCommunity } from './shared/access';
import { NEWEST_FIRST, OLDEST_FIRST } from './shared/paging';
import { quotaKey, takeDailyQuota } from './shared/quota';
import { READ_LIMIT, readAll, readByIds } from './shared/store';

// ---- the arithmetic (pure) ------------------------------------------------------------------------

export interface LedgerTotals {
  balance: number;
  issued: number;
  redeemed: number;
}

export const NO_ENTRIES: LedgerTotals = { balance: 0, issued: 0, redeemed: 0 };

/**
 * The totals after one more entry, exactly as postPoints moves an account: a redemption and its
 * refund count (negated) in `redeemed`, a forfeit in neither, every other source in `issued`, all of
 * them in the balance.
 */
export function addEntry(totals: LedgerTotals, entry: Pick<LedgerEntry, 'delta' | 'source'>): LedgerTotals {
  const spending = entry.source === 'redeem' || entry.source === 'redeem_refund';
  // A forfeit (the balance of a deleted account) is neither earned nor spent.
  const earning = !spending && entry.source !== 'forfeit';
  return {
    balance: totals.balance + entry.delta,
    issued: totals.issued + (earning ? entry.delta : 0),
    redeemed: totals.redeemed + (spending ? -entry.delta : 0),
  };
}

/** What an account should say, given all of its ledger entries. */
export function expectedTotals(entries: Iterable<Pick<LedgerEntry, 'delta' | 'source'>>): LedgerTotals {
  let totals = NO_ENTRIES;
  for (const entry of entries) totals = addEntry(totals, entry);
  return totals;
}

const TOTAL_FIELDS = ['balance', 'issued', 'redeemed'] as const;

/**
 * Where an account disagrees with its ledger. No account at all (entries were posted for someone
 * whose account is gone) is one finding: kind `balance`, field `account`, stored 0.
 */
export function accountDiscrepancies(openid: string, account: LedgerTotals | null, expected: LedgerTotals): Discrepancy[] {
  if (!account) return [{ kind: 'balance', subject: openid, field: 'account', stored: 0, expected: expected.balance, action: 'reported' }];
  return TOTAL_FIELDS.filter((field) => account[field] !== expected[field]).map((field) => ({
    kind: field,
    subject: openid,
    field,
    stored: account[field],
    expected: expected[field],
    action: 'reported',
  }));
}

/** Stock must be a non-negative integer; `expected` is the nearest valid stock. */
export function stockDiscrepancy(goods: Pick<Goods, '_id' | 'stock'>): Discrepancy | null {
  const { stock } = goods;
  if (Number.isInteger(stock) && stock >= 0) return null;
  const expected = Number.isFinite(stock) ? Math.max(0, Math.floor(stock)) : 0;
  return { kind: 'negative_stock', subject: goods._id, field: 'stock', stored: stock, expected, action: 'reported' };
}

/**
 * Where a goods item disagrees with its stock ledger: its stock against the sum of its moves, and
 * the stock itself (a negative stock whose moves add up to it is still reported, as negative_stock).
 */
export function goodsDiscrepancies(goods: Pick<Goods, '_id' | 'stock'>, movesSum: number): Discrepancy[] {
  const found: Discrepancy[] = [];
  if (goods.stock !== movesSum) found.push({ kind: 'stock', subject: goods._id, field: 'stock', stored: goods.stock, expected: movesSum, action: 'reported' });
  const invalid = stockDiscrepancy(goods);
  if (invalid) found.push(invalid);
  return found;
}

/** Moves that name a goods item that is gone: the item held their sum, and nothing holds it now. */
export const missingGoodsDiscrepancy = (goodsId: string, movesSum: number): Discrepancy => ({
  kind: 'stock',
  subject: goodsId,
  field: 'goods',
  stored: 0,
  expected: movesSum,
  action: 'reported',
});

export type CounterField = keyof Volunteer['stats'];
export type CounterRecount = Record<CounterField, number>;

export const COUNTER_FIELDS: readonly CounterField[] = ['activeOrders', 'completedOrders', 'ratingSum', 'ratingCount'];

export const NO_COUNTS: CounterRecount = { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 };

const ACTIVE: readonly OrderStatus[] = ['accepted', 'in_service'];
const COMPLETED: readonly OrderStatus[] = ['completed', 'closed'];

/** The counters after one more order of the volunteer's (one whose assignee they are). */
export function countOrder(counts: CounterRecount, order: Pick<Order, 'status' | 'rating'>): CounterRecount {
  const stars = order.rating?.stars;
  return {
    ...counts,
    activeOrders: counts.activeOrders + (ACTIVE.includes(order.status) ? 1 : 0),
    completedOrders: counts.completedOrders + (COMPLETED.includes(order.status) ? 1 : 0),
    ratingSum: counts.ratingSum + (typeof stars === 'number' ? stars : 0),
    ratingCount: counts.ratingCount + (typeof stars === 'number' ? 1 : 0),
  };
}

export interface CounterDrift {
  field: CounterField;
  stored: number;
  expected: number;
}

/** The counters that differ from the recount (an absent counter reads as 0). */
export function counterDrift(stats: Volunteer['stats'], recount: CounterRecount): CounterDrift[] {
  return COUNTER_FIELDS.flatMap((field) => {
    const stored = stats[field] ?? 0;
    return stored === recount[field] ? [] : [{ field, stored, expected: recount[field] }];
  });
}

/**
 * The condition of a counter reset: every counter still has the value read. Any transition since
 * (which moves at least one of them) makes the write match nothing, so it is never overwritten.
 */
export function countersUnchanged(volunteerId: string, stats: Volunteer['stats']): Where {
  const where: Where = { _id: volunteerId };
  for (const field of COUNTER_FIELDS) {
    const value = stats[field];
    where[`stats.${field}`] = value === undefined ? { exists: false } : value;
  }
  return where;
}

/** The timer's record of a community and day. */
export const reconciliationId = (communityId: string, day: string): string => `${communityId}:${day}`;

/** An on-demand record: the day and the Beijing time to the millisecond, so it never replaces another. */
export const onDemandReconciliationId = (communityId: string, at: Date): string => `${communityId}:${localDay(at)}:${inZone(at).format('HHmmssSSS')}`;

/** YYYY-MM of the month before the one `day` (YYYY-MM-DD) falls in. */
export function previousMonth(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/**
 * The timer's run on one of a month's first days closes the month before, if no run has closed it
 * yet: normally the 1st's; a 1st on which the community was skipped (out of time, a failure) is
 * made up by the next day's run.
 */
export const CLOSING_WINDOW_DAYS = 7;

const KIND_ORDER: readonly Discrepancy['kind'][] = ['balance', 'issued', 'redeemed', 'stock', 'negative_stock', 'volunteer_counter'];

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Money first, then stock, then counters; within a kind by subject, so a run's list reads the same each time. */
export const byKindThenSubject = (a: Discrepancy, b: Discrepancy): number =>
  KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareText(a.subject, b.subject) || compareText(a.field, b.field);

// ---- reading and writing ------------------------------------------------------------------------

/**
 * A document and a reply must stay well under 1 MB: a mass drift (a bug, a bad import) keeps the
 * first ones and the count of all.
 */
export const MAX_STORED_DISCREPANCIES = 1000;
/** What `points.reconciliation` shows of them. */
export const MAX_SHOWN_DISCREPANCIES = 200;
/** Accounts (and goods items) whose mismatch is read again on its own (see confirmAccount); beyond this, reported as swept. */
const MAX_RECHECKS = 100;
/**
 * The function has 60 s: no new community is started after this much. The first community moves on
 * by one each day, so a run that runs out of time does not always leave out the same ones.
 */
const TIME_BUDGET_MS = 40_000;
/**
 * Past this, a community's sweep stops (between two pages) and writes nothing: its record would
 * say "nothing found" of what it never read. For the timer, from its start (the community counts as
 * failed and is checked again the next day); on demand, from the request.
 */
export const TIMER_DEADLINE_MS = 55_000;
export const ON_DEMAND_DEADLINE_MS = 45_000;
/** On-demand runs per community and day: enough to check again after fixing something, not to flood the records. */
export const RECONCILIATIONS_ON_DEMAND_PER_DAY = 5;
/** Of those, one person's. */
export const RECONCILIATIONS_ON_DEMAND_PER_PERSON = 3;
/** Items gone from `goods` whose name is looked up in their stock moves, for the findings shown. */
const MAX_GONE_GOODS_NAMES = 20;
/** Fields of an order the recount does not need: keeps a 1000-order page small. */
const ORDER_OMIT = ['events', 'declines', 'photos', 'description'] as const;

type OrderBy = NonNullable<FindOptions['orderBy']>;
const BY_ID: OrderBy = [['_id', 'asc']];
/** A sweep that ran out of time (see TIMER_DEADLINE_MS): nothing of it is written. */
export class OutOfTime extends Error {
  constructor() {
    super('reconciliation ran out of time');
    this.name = 'OutOfTime';
  }
}

/** Throws OutOfTime once the clock has passed `deadline` (ms since the epoch). */
const timeCheck =
  (clock: Clock, deadline: number | undefined): (() => void) =>
  () => {
    if (deadline !== undefined && clock.now().getTime() > deadline) throw new OutOfTime();
  };

/**
 * Every document matching `where`, a page at a time, keyset-paged on `orderBy` (which ends with
 * _id): memory holds one page, not the set, and a document moving meanwhile is neither skipped nor
 * read twice. Returns how many were read.
 */
async function eachPage<T extends { _id: string }>(
  collection: Collection<T>,
  where: Where,
  orderBy: OrderBy,
  visit: (doc: T) => void,
  omit?: readonly string[],
  inTime: () => void = () => undefined,
): Promise<number> {
  let after: unknown[] | undefined;
  let read = 0;
  for (;;) {
    inTime();
    const page = await collection.find(where, { orderBy, limit: READ_LIMIT, ...(after ? { after } : {}), ...(omit ? { omit } : {}) });
    page.forEach(visit);
    read += page.length;
    const last = page[page.length - 1];
    if (page.length < READ_LIMIT || !last) return read;
    after = orderBy.map(([field]) => valueAt(last, field));
  }
}

const sameTotals = (a: PointsAccount | null, b: PointsAccount | null): boolean =>
  a === null || b === null
    ? a === b
    : a.balance === b.balance && a.issued === b.issued && a.redeemed === b.redeemed && new Date(a.updatedAt).getTime() === new Date(b.updatedAt).getTime();

/**
 * A mismatch seen in the sweep, read again on its own: the account, all of the openid's entries,
 * the account again. The sweep reads the ledger and the accounts seconds apart, so a posting in between
 * looks like a mismatch; a posting moves the account, so an account unchanged across the second
 * reading was read with exactly the entries read. Null when it moved (see confirmed).
 */
async function confirmAccount(deps: Deps, openid: string): Promise<Discrepancy[] | null> {
  const accounts = deps.store.collection<PointsAccount>(COLLECTIONS.pointsAccounts);
  const before = await accounts.get(openid);
  const entries = await readAll(deps.store.collection<LedgerEntry>(COLLECTIONS.pointsLedger), { openid }, { orderBy: BY_ID });
  const after = await accounts.get(openid);
  if (!sameTotals(before, after)) return null;
  if (!after && entries.length === 0) return [];
  return accountDiscrepancies(openid, after, expectedTotals(entries));
}

/**
 * A mismatch of a goods item seen in the sweep, read again on its own: the item, all of its moves,
 * the item again (every move changes the stock, so an item unchanged across the second reading was
 * read with exactly its moves). Null when it moved meanwhile, or is gone (see confirmed).
 */
async function confirmGoods(deps: Deps, goodsId: string): Promise<Discrepancy[] | null> {
  const goods = deps.store.collection<Goods>(COLLECTIONS.goods);
  const before = await goods.get(goodsId);
  const moves = await readAll(deps.store.collection<StockMove>(COLLECTIONS.stockMoves), { goodsId }, { orderBy: NEWEST_FIRST });
  const after = await goods.get(goodsId);
  if (!before || !after || before.stock !== after.stock) return null;
  return goodsDiscrepancies(after, moves.reduce((sum, move) => sum + move.delta, 0));
}

/** How often a mismatch is read again while what it is about keeps moving. */
const CONFIRM_ATTEMPTS = 3;

/**
 * A swept mismatch read again on its own until a reading holds still. One that never does (an item
 * redeemed over and over during the run) is kept as swept, marked `unconfirmed`: dropping it would
 * let whoever keeps an item or an account busy turn a real finding into a clean record.
 */
export async function confirmed(confirm: () => Promise<Discrepancy[] | null>, swept: readonly Discrepancy[]): Promise<Discrepancy[]> {
  for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt += 1) {
    const reading = await confirm();
    if (reading) return reading;
  }
  return swept.map((finding) => ({ ...finding, action: 'unconfirmed' }));
}

interface Findings {
  doc: Reconciliation;
  found: number;
  countersReset: number;
  written: boolean;
}

/** What a run is: its record's id and day, when it ran, what started it, and by when it must be done. */
interface Run {
  id: string;
  day: string;
  now: Date;
  trigger: 'timer' | 'on_demand';
  requestedBy?: string;
  closesMonth?: string;
  /** Ms since the epoch; past it the sweep throws OutOfTime. */
  deadline?: number;
}

async function reconcileCommunity(deps: Deps, communityId: string, run: Run): Promise<Findings> {
  const { store } = deps;
  const found: Discrepancy[] = [];
  const inTime = timeCheck(deps.clock, run.deadline);

  // Points: the ledger summed per openid (a few numbers per account), then each account against it.
  const totals = new Map<string, LedgerTotals>();
  const ledgerEntries = await eachPage(
    store.collection<LedgerEntry>(COLLECTIONS.pointsLedger),
    { communityId },
    OLDEST_FIRST,
    (entry) => totals.set(entry.openid, addEntry(totals.get(entry.openid) ?? NO_ENTRIES, entry)),
    ['reason', 'ref', 'by'],
    inTime,
  );
  // Mismatches as swept, by openid; each is then read again on its own (see confirmAccount).
  const swept = new Map<string, Discrepancy[]>();
  const accounts = await eachPage(
    store.collection<PointsAccount>(COLLECTIONS.pointsAccounts),
    { communityId },
    BY_ID,
    (account) => {
      const mismatches = accountDiscrepancies(account._id, account, totals.get(account._id) ?? NO_ENTRIES);
      if (mismatches.length > 0) swept.set(account._id, mismatches);
      totals.delete(account._id);
    },
    undefined,
    inTime,
  );
  // What is left was posted for an openid with no account in this community.
  for (const [openid, expected] of totals) swept.set(openid, accountDiscrepancies(openid, null, expected));
  totals.clear();
  let rechecks = 0;
  for (const [openid, mismatches] of swept) {
    inTime();
    // Past the cap (a mass drift, not a race) they are reported as swept.
    found.push(...(rechecks++ < MAX_RECHECKS ? await confirmed(() => confirmAccount(deps, openid), mismatches) : mismatches));
  }

  // Goods: the stock ledger summed per item (moves first, as the ledger before the accounts), then
  // each item against it; a mismatch is read again on its own, like an account's.
  const movesSum = new Map<string, number>();
  const stockMoves = await eachPage(
    store.collection<StockMove>(COLLECTIONS.stockMoves),
    { communityId },
    OLDEST_FIRST,
    (move) => movesSum.set(move.goodsId, (movesSum.get(move.goodsId) ?? 0) + move.delta),
    ['note', 'reason', 'donor', 'byName'],
    inTime,
  );
  const goodsSwept = new Map<string, Discrepancy[]>();
  const goods = await eachPage(
    store.collection<Goods>(COLLECTIONS.goods),
    { communityId },
    BY_ID,
    (item) => {
      const mismatches = goodsDiscrepancies(item, movesSum.get(item._id) ?? 0);
      if (mismatches.length > 0) goodsSwept.set(item._id, mismatches);
      movesSum.delete(item._id);
    },
    undefined,
    inTime,
  );
  // What is left was moved for an item that is no longer there (the app never deletes goods).
  for (const [goodsId, sum] of movesSum) found.push(missingGoodsDiscrepancy(goodsId, sum));
  let goodsRechecks = 0;
  for (const [goodsId, mismatches] of goodsSwept) {
    inTime();
    // Only a stock/moves mismatch can be a race; a negative stock that adds up is what it is.
    const racy = mismatches.some((d) => d.kind === 'stock');
    found.push(...(racy && goodsRechecks++ < MAX_RECHECKS ? await confirmed(() => confirmGoods(deps, goodsId), mismatches) : mismatches));
  }

  // Volunteers: counters read first, orders and records after. A transition after the counters were
  // read moves a counter, so the conditional reset below then matches nothing; reading the orders
  // first would let a transition in between be undone by the reset.
  const stats = new Map<string, Volunteer['stats']>();
  const volunteersOf = store.collection<Volunteer>(COLLECTIONS.volunteers);
  const volunteers = await eachPage(
    volunteersOf,
    { communityId },
    BY_ID,
    (volunteer) => {
      stats.set(volunteer._id, volunteer.stats);
    },
    ['idNumber'],
    inTime,
  );
  const recount = new Map<string, CounterRecount>();
  await eachPage(
    store.collection<Order>(COLLECTIONS.orders),
    { communityId, assignee: { exists: true } },
    BY_ID,
    (order) => {
      if (order.assignee && stats.has(order.assignee)) recount.set(order.assignee, countOrder(recount.get(order.assignee) ?? NO_COUNTS, order));
    },
    ORDER_OMIT,
    inTime,
  );
  let countersReset = 0;
  // Everything is read: from here the run finishes. Resets stop at the deadline (reported, not reset).
  const resetsUntil = run.deadline ?? Infinity;
  for (const [openid, stored] of stats) {
    const drift = counterDrift(stored, recount.get(openid) ?? NO_COUNTS);
    if (drift.length === 0) continue;
    const set = Object.fromEntries(drift.map(({ field, expected }) => [`stats.${field}`, expected]));
    const reset = deps.clock.now().getTime() <= resetsUntil && (await volunteersOf.update(countersUnchanged(openid, stored), { set })) > 0;
    if (reset) countersReset += drift.length;
    // A write that matched nothing met a transition made since the read (or was not made, out of
    // time): reported, left for the next run.
    const action = reset ? 'counter_reset' : 'reported';
    for (const { field, stored: was, expected } of drift) found.push({ kind: 'volunteer_counter', subject: openid, field: `stats.${field}`, stored: was, expected, action });
  }

  found.sort(byKindThenSubject);
  const doc: Reconciliation = {
    _id: run.id,
    communityId,
    day: run.day,
    ranAt: run.now,
    trigger: run.trigger,
    ...(run.requestedBy ? { requestedBy: run.requestedBy } : {}),
    ...(run.closesMonth ? { closesMonth: run.closesMonth } : {}),
    accounts,
    ledgerEntries,
    goods,
    stockMoves,
    volunteers,
    discrepancies: found.slice(0, MAX_STORED_DISCREPANCIES),
    ...(found.length > MAX_STORED_DISCREPANCIES ? { discrepancyCount: found.length } : {}),
  };
  // Never overwritten: a second timer run the same day leaves the first one's findings as they are.
  const written = await store.collection<Reconciliation>(COLLECTIONS.reconciliations).add(doc);
  return { doc, found: found.length, countersReset, written };
}

/** The month this timer run closes (see CLOSING_WINDOW_DAYS), if any: one read on days 2–7, none otherwise. */
async function monthToClose(deps: Deps, communityId: string, day: string): Promise<string | undefined> {
  const dayOfMonth = Number(day.slice(8, 10));
  if (dayOfMonth > CLOSING_WINDOW_DAYS) return undefined;
  const month = previousMonth(day);
  if (dayOfMonth === 1) return month;
  return (await closingRecord(deps, communityId, month)) ? undefined : month;
}

/**
 * Daily at 03:00: reconciles every community, one at a time (memory holds one community's
 * per-account totals and one page of documents). Returns, over all communities, how many were
 * reconciled, the discrepancies found and the volunteer counters (fields) reset; `skipped` and
 * `failed` only when there were any.
 */
export const reconcileTimer: TimerJob = async (deps) => {
  const started = deps.clock.now();
  const day = localDay(started);
  const communities = await readAll(deps.store.collection<Community>(COLLECTIONS.communities), {}, { orderBy: BY_ID });
  // The start moves on by one community a day (see TIME_BUDGET_MS).
  const offset = communities.length === 0 ? 0 : Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS) % communities.length;
  const order = [...communities.slice(offset), ...communities.slice(0, offset)];
  let done = 0;
  let discrepancies = 0;
  let countersReset = 0;
  let failed = 0;
  for (const [index, community] of order.entries()) {
    if (deps.clock.now().getTime() - started.getTime() > TIME_BUDGET_MS) {
      console.warn(`[points] 对账 ${day}：时间用尽，${order.length - index} 个社区留待明天`);
      return { communities: done, discrepancies, countersReset, skipped: order.length - index, ...(failed ? { failed } : {}) };
    }
    try {
      const closesMonth = await monthToClose(deps, community._id, day);
      const findings = await reconcileCommunity(deps, community._id, {
        id: reconciliationId(community._id, day),
        day,
        now: deps.clock.now(),
        trigger: 'timer',
        closesMonth,
        deadline: started.getTime() + TIMER_DEADLINE_MS,
      });
      done += 1;
      discrepancies += findings.found;
      countersReset += findings.countersReset;
      if (findings.found > 0) {
        const kinds = [...new Set(findings.doc.discrepancies.map((d) => d.kind))].join('、');
        console.warn(
          `[points] 对账 ${community._id} ${day}：${findings.found} 处不一致（${kinds}），其中 ${findings.countersReset} 个志愿者计数已按重新统计的值重置${findings.written ? '' : '（今天已有对账记录，未覆盖）'}`,
        );
      }
    } catch (error) {
      // One community's bad document must not keep the others from being checked.
      failed += 1;
      if (error instanceof OutOfTime) console.error(`[points] 对账 ${community._id} ${day}：时间用尽，未写入结果，留待明天`);
      else console.error(`[points] 对账 ${community._id} ${day} 失败`, error);
    }
  }
  return { communities: done, discrepancies, countersReset, ...(failed ? { failed } : {}) };
};

// ---- what staff read ----------------------------------------------------------------------------

const PERSON_KINDS: ReadonlySet<Discrepancy['kind']> = new Set(['balance', 'issued', 'redeemed', 'volunteer_counter']);
const GOODS_KINDS: ReadonlySet<Discrepancy['kind']> = new Set(['stock', 'negative_stock']);

const nameKey = (d: Pick<Discrepancy, 'kind' | 'subject'>): string => `${GOODS_KINDS.has(d.kind) ? 'goods' : 'person'}:${d.subject}`;

export function reconciliationView(doc: Reconciliation, names: ReadonlyMap<string, string>): ReconciliationView {
  const shown = doc.discrepancies.slice(0, MAX_SHOWN_DISCREPANCIES);
  return {
    day: doc.day,
    ranAt: iso(doc.ranAt),
    trigger: doc.trigger ?? 'timer',
    ...(doc.closesMonth ? { closesMonth: doc.closesMonth } : {}),
    accounts: doc.accounts,
    ledgerEntries: doc.ledgerEntries,
    goods: doc.goods,
    stockMoves: doc.stockMoves ?? 0,
    volunteers: doc.volunteers,
    discrepancyCount: doc.discrepancyCount ?? doc.discrepancies.length,
    discrepancies: shown.map((d): DiscrepancyView => {
      const name = names.get(nameKey(d));
      const { kind, subject, field, stored, expected, action } = d;
      return { kind, subject, ...(name ? { name } : {}), field, stored, expected, action };
    }),
  };
}

/**
 * Names for the subjects shown: a registered name, else a volunteer's real name; a goods item's
 * name, or for an item that is gone the name its newest stock move recorded.
 */
async function subjectNames(deps: Deps, discrepancies: readonly Discrepancy[]): Promise<Map<string, string>> {
  const people = discrepancies.filter((d) => PERSON_KINDS.has(d.kind)).map((d) => d.subject);
  const goodsIds = [...new Set(discrepancies.filter((d) => GOODS_KINDS.has(d.kind)).map((d) => d.subject))];
  const names = new Map<string, string>();
  const users = await readByIds(deps.store.collection<User>(COLLECTIONS.users), people);
  const volunteers = await readByIds(
    deps.store.collection<Volunteer>(COLLECTIONS.volunteers),
    people.filter((openid) => !users.has(openid)),
  );
  for (const [openid, user] of users) names.set(`person:${openid}`, user.name);
  for (const [openid, volunteer] of volunteers) names.set(`person:${openid}`, volunteer.realName);
  const goods = await readByIds(deps.store.collection<Goods>(COLLECTIONS.goods), goodsIds);
  for (const [goodsId, item] of goods) names.set(`goods:${goodsId}`, item.name);
  const moves = deps.store.collection<StockMove>(COLLECTIONS.stockMoves);
  for (const goodsId of goodsIds.filter((id) => !goods.has(id)).slice(0, MAX_GONE_GOODS_NAMES)) {
    const [newest] = await moves.find({ goodsId }, { orderBy: NEWEST_FIRST, limit: 1, omit: ['note', 'donor'] });
    if (newest) names.set(`goods:${goodsId}`, newest.goodsName);
  }
  return names;
}

async function viewWithNames(deps: Deps, doc: Reconciliation): Promise<ReconciliationView> {
  return reconciliationView(doc, await subjectNames(deps, doc.discrepancies.slice(0, MAX_SHOWN_DISCREPANCIES)));
}

/** The record that closed `month` (YYYY-MM) for the community, if one has (the earliest, should two). */
async function closingRecord(deps: Deps, communityId: string, month: string): Promise<Reconciliation | null> {
  const [closing] = await deps.store
    .collection<Reconciliation>(COLLECTIONS.reconciliations)
    .find({ communityId, closesMonth: month }, { orderBy: [['ranAt', 'asc']], limit: 1 });
  return closing ?? null;
}

/**
 * The closing reconciliation of a month (YYYY-MM) for the monthly report to cite: the timer's first
 * run of the next month, with names; null when none has run yet (the month is not over, or the
 * community is newer).
 */
export async function closingReconciliation(deps: Deps, communityId: string, month: string): Promise<ReconciliationView | null> {
  const closing = await closingRecord(deps, communityId, month);
  return closing ? viewWithNames(deps, closing) : null;
}

/**
 * Reconciles the caller's community now (staff only) and writes a new dated record. A daily cap per
 * community keeps one account from flooding the records; a sweep that cannot finish in time
 * (ON_DEMAND_DEADLINE_MS) writes nothing and says so. Served by the
 * report function as report.reconcile.
 */
export async function reconcileNow(_input: unknown, { caller, deps }: Pick<ActionContext, 'caller' | 'deps'>): Promise<{ reconciliation: ReconciliationView }> {
  const communityId = staffCommunity(caller);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    // Per person too, so one staff member cannot use up the community's runs for the others.
    await takeDailyQuota(
      tx,
      quotaKey('reconcile_person', caller.openid),
      RECONCILIATIONS_ON_DEMAND_PER_PERSON,
      now,
      `您今天已手动对账 ${RECONCILIATIONS_ON_DEMAND_PER_PERSON} 次，请明天再试（每天凌晨 3:00 还会自动对账）`,
    );
    await takeDailyQuota(
      tx,
      quotaKey('reconcile', communityId),
      RECONCILIATIONS_ON_DEMAND_PER_DAY,
      now,
      `本社区今天已手动对账 ${RECONCILIATIONS_ON_DEMAND_PER_DAY} 次，请明天再试（每天凌晨 3:00 还会自动对账）`,
    );
  });
  let findings: Findings;
  try {
    findings = await reconcileCommunity(deps, communityId, {
      id: onDemandReconciliationId(communityId, now),
      day: localDay(now),
      now,
      trigger: 'on_demand',
      requestedBy: caller.openid,
      deadline: now.getTime() + ON_DEMAND_DEADLINE_MS,
    });
  } catch (error) {
    if (error instanceof OutOfTime) throw new DomainError('LIMIT_REACHED', '本社区数据较多，本次对账未能在时限内完成，没有写入结果，请稍后再试');
    throw error;
  }
  if (!findings.written) throw new DomainError('CONFLICT', '刚刚已有一次对账，请稍后查看结果');
  return { reconciliation: await viewWithNames(deps, findings.doc) };
}

export const reconciliationHandlers: Pick<Handlers<'points'>, 'points.reconciliation'> = {
  'points.reconciliation': async (_input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    // The newest run, daily or on demand.
    const [latest] = await deps.store.collection<Reconciliation>(COLLECTIONS.reconciliations).find(
      { communityId },
      {
        orderBy: [
          ['ranAt', 'desc'],
          ['_id', 'desc'],
        ],
        limit: 1,
      },
    );
    if (!latest) return { latest: null };
    return { latest: await viewWithNames(deps, latest) };
  },
};
