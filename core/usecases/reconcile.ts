/**
 * The daily reconciliation: the `points` function's timer, at 03:00 Beijing time. For every
 * community it recounts what the app keeps as running totals and writes down what does not add up:
 *
 * - every points account against its ledger (Σ delta = balance, and issued / redeemed the way
 *   postPoints moves them), and ledger entries of someone with no account;
 * - every goods item's stock (a non-negative integer);
 * - every volunteer's counters against their orders and service records.
 *
 * Money and stock are never written: a finding there is for staff to look into (the ledger is the
 * record; "fixing" a balance silently would hide whatever went wrong). The volunteer counters are a
 * ranking aid, recounted from the orders, so a drifted one is reset — by a conditional write, so a
 * transition made since it was read is never overwritten. One `reconciliations` document per
 * community and day keeps the findings; staff read the newest with `points.reconciliation`.
 */
import type { DiscrepancyView, ReconciliationView } from '../contract';
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
  type User,
  type Volunteer,
} from '../model';
import type { Collection, Deps, FindOptions, Where } from '../ports';
import { DAY_MS, iso, localDay } from '../time';
import { valueAt } from '../where';
import { staffCommunity } from './shared/access';
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

/**
 * Stock must be a non-negative integer. (There is no stock ledger yet — a later issue adds one —
 * so this is the only check on goods; `expected` is the nearest valid stock.)
 */
export function stockDiscrepancy(goods: Pick<Goods, '_id' | 'stock'>): Discrepancy | null {
  const { stock } = goods;
  if (Number.isInteger(stock) && stock >= 0) return null;
  const expected = Number.isFinite(stock) ? Math.max(0, Math.floor(stock)) : 0;
  return { kind: 'negative_stock', subject: goods._id, field: 'stock', stored: stock, expected, action: 'reported' };
}

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

export const reconciliationId = (communityId: string, day: string): string => `${communityId}:${day}`;

const KIND_ORDER: readonly Discrepancy['kind'][] = ['balance', 'issued', 'redeemed', 'negative_stock', 'volunteer_counter'];

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
/** Accounts whose mismatch is read again on its own (see confirmAccount); beyond this, reported as swept. */
const MAX_RECHECKS = 100;
/**
 * The function has 60 s: no new community is started after this much. The first community moves on
 * by one each day, so a run that runs out of time does not always leave out the same ones.
 */
const TIME_BUDGET_MS = 40_000;
/** Fields of an order the recount does not need: keeps a 1000-order page small. */
const ORDER_OMIT = ['events', 'declines', 'photos', 'description'] as const;

type OrderBy = NonNullable<FindOptions['orderBy']>;
const BY_ID: OrderBy = [['_id', 'asc']];

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
): Promise<number> {
  let after: unknown[] | undefined;
  let read = 0;
  for (;;) {
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
 * reading was read with exactly the entries read. Null when it moved (the next run looks again).
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

interface Findings {
  doc: Reconciliation;
  found: number;
  countersReset: number;
  written: boolean;
}

async function reconcileCommunity(deps: Deps, communityId: string, day: string, now: Date): Promise<Findings> {
  const { store } = deps;
  const found: Discrepancy[] = [];

  // Points: the ledger summed per openid (a few numbers per account), then each account against it.
  const totals = new Map<string, LedgerTotals>();
  const ledgerEntries = await eachPage(
    store.collection<LedgerEntry>(COLLECTIONS.pointsLedger),
    { communityId },
    [
      ['createdAt', 'asc'],
      ['_id', 'asc'],
    ],
    (entry) => totals.set(entry.openid, addEntry(totals.get(entry.openid) ?? NO_ENTRIES, entry)),
    ['reason', 'ref', 'by'],
  );
  // Mismatches as swept, by openid; each is then read again on its own (see confirmAccount).
  const swept = new Map<string, Discrepancy[]>();
  const accounts = await eachPage(store.collection<PointsAccount>(COLLECTIONS.pointsAccounts), { communityId }, BY_ID, (account) => {
    const mismatches = accountDiscrepancies(account._id, account, totals.get(account._id) ?? NO_ENTRIES);
    if (mismatches.length > 0) swept.set(account._id, mismatches);
    totals.delete(account._id);
  });
  // What is left was posted for an openid with no account in this community.
  for (const [openid, expected] of totals) swept.set(openid, accountDiscrepancies(openid, null, expected));
  totals.clear();
  let rechecks = 0;
  for (const [openid, mismatches] of swept) {
    // Past the cap (a mass drift, not a race) they are reported as swept.
    found.push(...(rechecks++ < MAX_RECHECKS ? ((await confirmAccount(deps, openid)) ?? []) : mismatches));
  }

  // Goods: stock only (no stock ledger yet).
  const goods = await eachPage(store.collection<Goods>(COLLECTIONS.goods), { communityId }, BY_ID, (item) => {
    const finding = stockDiscrepancy(item);
    if (finding) found.push(finding);
  });

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
  );
  let countersReset = 0;
  for (const [openid, stored] of stats) {
    const drift = counterDrift(stored, recount.get(openid) ?? NO_COUNTS);
    if (drift.length === 0) continue;
    const set = Object.fromEntries(drift.map(({ field, expected }) => [`stats.${field}`, expected]));
    const reset = (await volunteersOf.update(countersUnchanged(openid, stored), { set })) > 0;
    if (reset) countersReset += drift.length;
    // A write that matched nothing met a transition made since the read: reported, left for the next run.
    const action = reset ? 'counter_reset' : 'reported';
    for (const { field, stored: was, expected } of drift) found.push({ kind: 'volunteer_counter', subject: openid, field: `stats.${field}`, stored: was, expected, action });
  }

  found.sort(byKindThenSubject);
  const doc: Reconciliation = {
    _id: reconciliationId(communityId, day),
    communityId,
    day,
    ranAt: now,
    accounts,
    ledgerEntries,
    goods,
    volunteers,
    discrepancies: found.slice(0, MAX_STORED_DISCREPANCIES),
    ...(found.length > MAX_STORED_DISCREPANCIES ? { discrepancyCount: found.length } : {}),
  };
  // Written once a day: a second run the same day leaves the first one's findings as they are.
  const written = await store.collection<Reconciliation>(COLLECTIONS.reconciliations).add(doc);
  return { doc, found: found.length, countersReset, written };
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
      const findings = await reconcileCommunity(deps, community._id, day, deps.clock.now());
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
      console.error(`[points] 对账 ${community._id} ${day} 失败`, error);
    }
  }
  return { communities: done, discrepancies, countersReset, ...(failed ? { failed } : {}) };
};

// ---- what staff read ----------------------------------------------------------------------------

const PERSON_KINDS: ReadonlySet<Discrepancy['kind']> = new Set(['balance', 'issued', 'redeemed', 'volunteer_counter']);

export function reconciliationView(doc: Reconciliation, names: ReadonlyMap<string, string>): ReconciliationView {
  const shown = doc.discrepancies.slice(0, MAX_SHOWN_DISCREPANCIES);
  return {
    day: doc.day,
    ranAt: iso(doc.ranAt),
    accounts: doc.accounts,
    ledgerEntries: doc.ledgerEntries,
    goods: doc.goods,
    volunteers: doc.volunteers,
    discrepancyCount: doc.discrepancyCount ?? doc.discrepancies.length,
    discrepancies: shown.map((d): DiscrepancyView => {
      const name = names.get(`${d.kind === 'negative_stock' ? 'goods' : 'person'}:${d.subject}`);
      const { kind, subject, field, stored, expected, action } = d;
      return { kind, subject, ...(name ? { name } : {}), field, stored, expected, action };
    }),
  };
}

/** Names for the subjects shown: a registered name, else a volunteer's real name; a goods item's name. */
async function subjectNames(deps: Deps, discrepancies: readonly Discrepancy[]): Promise<Map<string, string>> {
  const people = discrepancies.filter((d) => PERSON_KINDS.has(d.kind)).map((d) => d.subject);
  const goodsIds = discrepancies.filter((d) => d.kind === 'negative_stock').map((d) => d.subject);
  const names = new Map<string, string>();
  const users = await readByIds(deps.store.collection<User>(COLLECTIONS.users), people);
  const volunteers = await readByIds(
    deps.store.collection<Volunteer>(COLLECTIONS.volunteers),
    people.filter((openid) => !users.has(openid)),
  );
  for (const [openid, user] of users) names.set(`person:${openid}`, user.name);
  for (const [openid, volunteer] of volunteers) names.set(`person:${openid}`, volunteer.realName);
  for (const [goodsId, item] of await readByIds(deps.store.collection<Goods>(COLLECTIONS.goods), goodsIds)) names.set(`goods:${goodsId}`, item.name);
  return names;
}

export const reconciliationHandlers: Pick<Handlers<'points'>, 'points.reconciliation'> = {
  'points.reconciliation': async (_input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const [latest] = await deps.store
      .collection<Reconciliation>(COLLECTIONS.reconciliations)
      .find({ communityId }, { orderBy: [['day', 'desc']], limit: 1 });
    if (!latest) return { latest: null };
    const names = await subjectNames(deps, latest.discrepancies.slice(0, MAX_SHOWN_DISCREPANCIES));
    return { latest: reconciliationView(latest, names) };
  },
};
