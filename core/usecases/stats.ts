/**
 * The `stats` function: the community's figures for staff, computed from the records themselves.
 * Every figure — the overview, the period before it, each month of the trend, the monthly report —
 * comes from one fold (core/stats.ts `Tally`) over one reader (`readPeriod`), so they cannot disagree.
 */
import type { StatsComparison, StatsOverview, TrendMonth } from '../contract';
import { MAX_TREND_MONTHS } from '../contract/stats';
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { type Affair, COLLECTIONS, type Community, type Grid, type LedgerEntry, type Order, type ServiceRecord } from '../model';
import type { Collection, Deps, Where } from '../ports';
import { newTally, overviewOf, type Tally, tallyAffair, tallyEntry, tallyOrder, tallyRecord } from '../stats';
import { addMonths, DAY_MS, localDay, localMonth, monthPeriod } from '../time';
import { valueAt } from '../where';
import { staffCommunity } from './shared/access';
import { OLDEST_FIRST, type OrderBy } from './shared/paging';
import { quotaKey, takeDailyQuota } from './shared/quota';

/** How many times one staff member may read the 12-month trend a day. */
export const TRENDS_PER_DAY = 30;

export const DEFAULT_DAYS = 30;
/** A longer period would mean reading more than a cloud function's time allows. */
export const MAX_DAYS = 366;

/**
 * The first batch of each collection (all three come in one read, which may return at most 1 MB),
 * and the pages read on after it. With the fields the figures never use left out, an order is a
 * few hundred bytes.
 */
export const FIRST_BATCH = 300;
const PAGE = 500;
/**
 * Affairs bring their timeline (at most MAX_AFFAIR_EVENTS steps, read as when and to what only:
 * some 4 KB at the very most, under 1 KB as a rule), so they come in smaller batches and pages.
 */
export const AFFAIR_FIRST_BATCH = 100;
export const AFFAIR_PAGE = 200;

const BY_DATE: OrderBy = [
  ['date', 'asc'],
  ['_id', 'asc'],
];
/** What the figures never look at: texts, timelines, people's details (and, for orders, where exactly). */
const ORDER_OMIT = [
  'events',
  'declines',
  'description',
  'completion',
  'photos',
  'contactPhone',
  'contactName',
  'preferredTime',
  'rating.comment',
  'rating.onBehalf.name',
  'score',
  'reviewNote',
  'address.building',
  'address.unit',
  'address.room',
  'serviceName',
  'skills',
  'assigneeName',
  'clientRequestId',
];
const RECORD_OMIT = ['content', 'place', 'activityName', 'organiser', 'personInCharge', 'volunteerName', 'category', 'recordedBy', 'ref', 'pendingCorrectionId'];
const LEDGER_OMIT = ['reason', 'ref', 'by'];
/** An affair's figures are counts and times: nothing anyone wrote, photographed or was named in. */
export const AFFAIR_OMIT = [
  'clientRequestId',
  'description',
  'parties',
  'photos',
  'place.building',
  'place.detail',
  'reporterOpenid',
  'reporterName',
  'createdBy',
  'handler',
  'resolution.summary',
  'resolution.photos',
  'resolution.by',
  'resolution.byName',
  'rating.comment',
  'events.by',
  'events.byName',
  'events.from',
  'events.note',
  'events.tier',
];

/** The first and last Beijing calendar days that [from, to) touches, as service records date them. */
export const daysOf = (from: Date, to: Date): { first: string; last: string } => ({ first: localDay(from), last: localDay(to.getTime() - 1) });

/** Where each document of a period goes. */
export interface PeriodVisitor {
  order(order: Order): void;
  record(record: ServiceRecord): void;
  entry(entry: LedgerEntry): void;
  affair(affair: Affair): void;
}

/**
 * A read from its first batch on, page by page in the read's order, until a document is past the
 * period (`past`): a query takes one bound per field, so the end of a range is where reading stops.
 */
async function visitUntil<T extends { _id: string }>(
  collection: Collection<T>,
  where: Where,
  orderBy: OrderBy,
  omit: readonly string[],
  batch: T[],
  past: (doc: T) => boolean,
  visit: (doc: T) => void,
  sizes: { first: number; page: number } = { first: FIRST_BATCH, page: PAGE },
): Promise<void> {
  let page = batch;
  let size = sizes.first;
  for (;;) {
    for (const doc of page) {
      if (past(doc)) return;
      visit(doc);
    }
    const last = page[page.length - 1];
    if (page.length < size || !last) return;
    size = sizes.page;
    page = await collection.find(where, { orderBy, after: orderBy.map(([field]) => valueAt(last as Record<string, unknown>, field)), limit: size, omit });
  }
}

/**
 * Every order, ledger entry and affair created in [from, to) and every service-hour record dated
 * (Beijing) on its days, handed to `visitor` a page at a time: memory holds a page, not the period.
 * The first batch of all four comes in one request, joined onto the community's document (which is
 * where the four hang); a full batch is read on after. Returns the community's grids.
 */
export async function readPeriod(deps: Deps, communityId: string, from: Date, to: Date, visitor: PeriodVisitor): Promise<readonly Grid[]> {
  const { store } = deps;
  const ordersWhere: Where = { communityId, createdAt: { gte: from } };
  const days = daysOf(from, to);
  const recordsWhere: Where = { communityId, date: { gte: days.first } };
  const ledgerWhere: Where = ordersWhere;
  const affairsWhere: Where = ordersWhere;
  const [root] = await store.collection<Community>(COLLECTIONS.communities).findJoined<{ orders: Order; records: ServiceRecord; ledger: LedgerEntry; affairs: Affair }>(
    { _id: communityId },
    { limit: 1, omit: ['settings'] },
    {
      orders: { from: COLLECTIONS.orders, where: ordersWhere, orderBy: OLDEST_FIRST, limit: FIRST_BATCH, omit: ORDER_OMIT },
      records: { from: COLLECTIONS.serviceRecords, where: recordsWhere, orderBy: BY_DATE, limit: FIRST_BATCH, omit: RECORD_OMIT },
      ledger: { from: COLLECTIONS.pointsLedger, where: ledgerWhere, orderBy: OLDEST_FIRST, limit: FIRST_BATCH, omit: LEDGER_OMIT },
      affairs: { from: COLLECTIONS.affairs, where: affairsWhere, orderBy: OLDEST_FIRST, limit: AFFAIR_FIRST_BATCH, omit: AFFAIR_OMIT },
    },
  );
  if (!root) throw new DomainError('NOT_FOUND', '社区不存在');
  const createdPast = (doc: { createdAt: Date }) => new Date(doc.createdAt).getTime() >= to.getTime();
  await Promise.all([
    visitUntil(store.collection<Order>(COLLECTIONS.orders), ordersWhere, OLDEST_FIRST, ORDER_OMIT, root.orders, createdPast, (order) => visitor.order(order)),
    visitUntil(
      store.collection<ServiceRecord>(COLLECTIONS.serviceRecords),
      recordsWhere,
      BY_DATE,
      RECORD_OMIT,
      root.records,
      (record) => record.date > days.last,
      (record) => visitor.record(record),
    ),
    visitUntil(store.collection<LedgerEntry>(COLLECTIONS.pointsLedger), ledgerWhere, OLDEST_FIRST, LEDGER_OMIT, root.ledger, createdPast, (entry) => visitor.entry(entry)),
    visitUntil(store.collection<Affair>(COLLECTIONS.affairs), affairsWhere, OLDEST_FIRST, AFFAIR_OMIT, root.affairs, createdPast, (affair) => visitor.affair(affair), {
      first: AFFAIR_FIRST_BATCH,
      page: AFFAIR_PAGE,
    }),
  ]);
  return root.grids;
}

export interface Period {
  from: Date;
  to: Date;
}

/** The period before: the previous calendar month for a month, else the same length just before. */
export function periodBefore(period: Period, month?: string): Period {
  if (month) return monthPeriod(addMonths(month, -1));
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: period.from };
}

/** Only the orders and affairs of these grids count (hours and points belong to people, not grids: all of them count). */
export type GridFilter = ReadonlySet<string> | null;

/**
 * A period's figures and those of the period just before it, in one read of both: each document is
 * tallied into the period it falls in. `grids`: only these grids' orders and rows (a grid's report).
 */
export async function compareWithPrevious(deps: Deps, communityId: string, current: Period, previous: Period, grids: GridFilter = null): Promise<StatsComparison> {
  const now = newTally();
  const before = newTally();
  const tallyAt = (time: Date | string): Tally | null => {
    const ms = new Date(time).getTime();
    if (ms >= current.from.getTime() && ms < current.to.getTime()) return now;
    if (ms >= previous.from.getTime() && ms < previous.to.getTime()) return before;
    return null;
  };
  const currentDays = daysOf(current.from, current.to);
  const previousDays = daysOf(previous.from, previous.to);
  const communityGrids = await readPeriod(deps, communityId, previous.from, current.to, {
    order: (order) => {
      const tally = tallyAt(order.createdAt);
      if (tally && (!grids || grids.has(order.address.gridId))) tallyOrder(tally, order);
    },
    // Records are dated by day: a day both periods touch (a period not starting at midnight) counts in the current one.
    record: (record) => {
      if (record.date >= currentDays.first && record.date <= currentDays.last) tallyRecord(now, record);
      else if (record.date >= previousDays.first && record.date <= previousDays.last) tallyRecord(before, record);
    },
    entry: (entry) => {
      const tally = tallyAt(entry.createdAt);
      if (tally) tallyEntry(tally, entry);
    },
    affair: (affair) => {
      const tally = tallyAt(affair.createdAt);
      if (tally && (!grids || grids.has(affair.place.gridId))) tallyAffair(tally, affair);
    },
  });
  const shown = grids ? communityGrids.filter((grid) => grids.has(grid.id)) : communityGrids;
  return { ...overviewOf(now, { ...current, grids: shown }), previous: overviewOf(before, { ...previous, grids: shown }) };
}

/** The figures of a Beijing calendar month and of the month before it (stats.overview and the monthly report). */
export function monthlyFigures(deps: Deps, communityId: string, month: string, grids: GridFilter = null): Promise<StatsComparison> {
  const current = monthPeriod(month);
  return compareWithPrevious(deps, communityId, current, periodBefore(current, month), grids);
}

const trendMonth = (month: string, overview: StatsOverview): TrendMonth => ({
  month,
  orders: Object.values(overview.ordersByStatus).reduce((sum, count) => sum + count, 0),
  completionRate: overview.completionRate,
  averageStars: overview.averageStars,
  ratedOrders: overview.ratedOrders,
  volunteerHours: overview.volunteerHours,
  pointsIssued: overview.pointsIssued,
  pointsRedeemed: overview.pointsRedeemed,
  affairsReceived: overview.affairs.received,
  affairsClosed: overview.affairs.closed,
});

/** The last `count` calendar months up to and including `now`'s, oldest first, read in one pass. */
export async function monthlyTrend(deps: Deps, communityId: string, now: Date, count: number): Promise<TrendMonth[]> {
  const last = localMonth(now);
  const months = Array.from({ length: count }, (_, index) => addMonths(last, index - count + 1));
  const tallies = new Map(months.map((month) => [month, newTally()]));
  const first = months[0] ?? last;
  const grids = await readPeriod(deps, communityId, monthPeriod(first).from, monthPeriod(last).to, {
    order: (order) => {
      const tally = tallies.get(localMonth(order.createdAt));
      if (tally) tallyOrder(tally, order);
    },
    record: (record) => {
      const tally = tallies.get(record.date.slice(0, 7));
      if (tally) tallyRecord(tally, record);
    },
    entry: (entry) => {
      const tally = tallies.get(localMonth(entry.createdAt));
      if (tally) tallyEntry(tally, entry);
    },
    affair: (affair) => {
      const tally = tallies.get(localMonth(affair.createdAt));
      if (tally) tallyAffair(tally, affair);
    },
  });
  return months.map((month) => trendMonth(month, overviewOf(tallies.get(month) ?? newTally(), { ...monthPeriod(month), grids })));
}

export const statsHandlers: Handlers<'stats'> = {
  'stats.overview': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    let current: Period;
    if (input.month) current = monthPeriod(input.month);
    else {
      const to = input.to ? new Date(input.to) : deps.clock.now();
      current = { from: input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS), to };
    }
    if (current.from.getTime() >= current.to.getTime()) throw new DomainError('INVALID_INPUT', '开始时间必须早于结束时间');
    if (current.to.getTime() - current.from.getTime() > MAX_DAYS * DAY_MS) throw new DomainError('INVALID_INPUT', `统计区间不能超过 ${MAX_DAYS} 天`);
    return compareWithPrevious(deps, communityId, current, periodBefore(current, input.month));
  },

  'stats.trend': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const now = deps.clock.now();
    // A year of every figure reads the year's records: a day's looking, not a loop that spends the community's database quota.
    await deps.store.transaction((tx) => takeDailyQuota(tx, quotaKey('stats_trend', caller.openid), TRENDS_PER_DAY, now, `您今天已查看 ${TRENDS_PER_DAY} 次趋势，请明天再看`));
    return { months: await monthlyTrend(deps, communityId, now, input.months ?? MAX_TREND_MONTHS) };
  },
};
