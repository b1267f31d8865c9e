/**
 * The community overview computed from plain records (orders, service-hour records, ledger
 * entries), with no database in sight: the use case reads the records, this turns them into
 * numbers, and a test can check every number by hand.
 */
import { type AffairTally, affairStatsOf, newAffairTally, type StatsAffair, addAffair } from './affair-stats';
import type { GridStats, StatsOverview } from './contract';
import type { Grid, LedgerEntry, Order, OrderStatus, ServiceRecord } from './model';
import { sumHours } from './volunteer-hours';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending_review',
  'pending',
  'assigned',
  'accepted',
  'in_service',
  'completed',
  'closed',
  'cancelled',
  'rejected',
];

export type StatsOrder = Pick<Order, 'status' | 'createdAt' | 'acceptedAt' | 'completedAt' | 'rating'> & {
  address: Pick<Order['address'], 'gridId'>;
};
export type StatsRecord = Pick<ServiceRecord, 'openid' | 'minutes'> & { hours?: number };
export type StatsEntry = Pick<LedgerEntry, 'delta' | 'source'>;

export interface OverviewInput {
  from: Date;
  to: Date;
  grids: ReadonlyArray<Pick<Grid, 'id' | 'name'>>;
  /** Orders created in [from, to). */
  orders: readonly StatsOrder[];
  /** Service-hour records of the period. */
  serviceRecords: readonly StatsRecord[];
  /** Ledger entries created in [from, to). */
  ledger: readonly StatsEntry[];
  /** Affairs reported in [from, to). */
  affairs?: readonly StatsAffair[];
}

export const round = (value: number, places: number): number => {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
};

/** The middle value; the mean of the two middle values for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

const FINISHED: ReadonlySet<OrderStatus> = new Set(['completed', 'closed']);
/** Orders that never became work: they do not count against the completion rate. */
const WITHDRAWN: ReadonlySet<OrderStatus> = new Set(['cancelled', 'rejected']);

const minutesBetween = (start: Date, end: Date): number => (new Date(end).getTime() - new Date(start).getTime()) / 60_000;

/** What one set of orders adds up to: the whole community's, or one grid's. */
interface OrderCounts {
  orders: number;
  /** Not cancelled or rejected: the denominator of 办结率. */
  counted: number;
  finished: number;
  closed: number;
  stars: number[];
}

const noOrders = (): OrderCounts => ({ orders: 0, counted: 0, finished: 0, closed: 0, stars: [] });

function countOrder(counts: OrderCounts, order: StatsOrder): void {
  counts.orders += 1;
  if (!WITHDRAWN.has(order.status)) counts.counted += 1;
  if (FINISHED.has(order.status)) counts.finished += 1;
  if (order.status === 'closed') counts.closed += 1;
  if (order.rating) counts.stars.push(order.rating.stars);
}

/**
 * The running totals of a period, fed one document at a time: the overview (stats.overview), the
 * monthly report and each month of the trend all come out of this one fold, so their figures
 * cannot disagree, and a reader can stream a period page by page instead of holding it.
 */
export interface Tally {
  ordersByStatus: Record<OrderStatus, number>;
  all: OrderCounts;
  onBehalfStars: number[];
  responseMinutes: number[];
  completionMinutes: number[];
  byGrid: Map<string, OrderCounts>;
  /** Recorded (rounded) hours, as certificates state them; records from before rounding have only minutes. */
  recordedHours: number[];
  unroundedMinutes: number;
  volunteers: Set<string>;
  pointsIssued: number;
  pointsRedeemed: number;
  affairs: AffairTally;
}

export function newTally(): Tally {
  return {
    ordersByStatus: Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>,
    all: noOrders(),
    onBehalfStars: [],
    responseMinutes: [],
    completionMinutes: [],
    byGrid: new Map(),
    recordedHours: [],
    unroundedMinutes: 0,
    volunteers: new Set(),
    pointsIssued: 0,
    pointsRedeemed: 0,
    affairs: newAffairTally(),
  };
}

/** An order created in the period. */
export function tallyOrder(tally: Tally, order: StatsOrder): void {
  tally.ordersByStatus[order.status] += 1;
  countOrder(tally.all, order);
  if (order.rating?.onBehalf) tally.onBehalfStars.push(order.rating.stars);
  if (order.acceptedAt) tally.responseMinutes.push(minutesBetween(order.createdAt, order.acceptedAt));
  if (order.completedAt) tally.completionMinutes.push(minutesBetween(order.createdAt, order.completedAt));
  const gridId = order.address.gridId;
  let grid = tally.byGrid.get(gridId);
  if (!grid) tally.byGrid.set(gridId, (grid = noOrders()));
  countOrder(grid, order);
}

/** A service-hour record dated in the period. */
export function tallyRecord(tally: Tally, record: StatsRecord): void {
  if (record.hours === undefined) tally.unroundedMinutes += record.minutes;
  else tally.recordedHours.push(record.hours);
  tally.volunteers.add(record.openid);
}

/** A ledger entry created in the period. */
export function tallyEntry(tally: Tally, entry: StatsEntry): void {
  // A redemption is negative and its refund positive: their sum is what was really spent.
  if (entry.source === 'redeem' || entry.source === 'redeem_refund') tally.pointsRedeemed -= entry.delta;
  else if (entry.delta > 0) tally.pointsIssued += entry.delta;
}

/** An affair (社区事务) reported in the period (core/affair-stats.ts). */
export function tallyAffair(tally: Tally, affair: StatsAffair): void {
  addAffair(tally.affairs, affair);
}

/** 办结率 = finished / (all − cancelled − rejected), null when nothing was left to finish. */
const completionRate = (counts: OrderCounts): number | null => (counts.counted === 0 ? null : round(counts.finished / counts.counted, 4));

const averageOf = (stars: readonly number[]): number | null =>
  stars.length === 0 ? null : round(stars.reduce((sum, value) => sum + value, 0) / stars.length, 2);

const roundOrNull = (value: number | null, places: number) => (value === null ? null : round(value, places));

function gridStats(grid: Pick<Grid, 'id' | 'name'>, counts: OrderCounts): GridStats {
  return {
    gridId: grid.id,
    gridName: grid.name,
    orders: counts.orders,
    finished: counts.finished,
    closed: counts.closed,
    completionRate: completionRate(counts),
    averageStars: averageOf(counts.stars),
  };
}

/** The overview of a period whose documents have all been tallied. */
export function overviewOf(tally: Tally, period: Pick<OverviewInput, 'from' | 'to' | 'grids'>): StatsOverview {
  const onBehalf = averageOf(tally.onBehalfStars);
  // Every grid of the community, even without orders, then any grid the orders name that the
  // community no longer lists (renamed or removed), so no order drops out of the breakdown.
  const known = new Set(period.grids.map((grid) => grid.id));
  const unknown = [...tally.byGrid.keys()].filter((id) => !known.has(id)).sort();
  const byGrid = [...period.grids, ...unknown.map((id) => ({ id, name: id }))].map((grid) => gridStats(grid, tally.byGrid.get(grid.id) ?? noOrders()));

  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    ordersByStatus: { ...tally.ordersByStatus },
    completionRate: completionRate(tally.all),
    averageStars: averageOf(tally.all.stars),
    ratedOrders: tally.all.stars.length,
    ...(onBehalf === null ? {} : { ratedOnBehalf: { ratedOrders: tally.onBehalfStars.length, averageStars: onBehalf } }),
    medianResponseMinutes: roundOrNull(median(tally.responseMinutes), 1),
    medianCompletionMinutes: roundOrNull(median(tally.completionMinutes), 1),
    volunteerHours: round(sumHours(tally.recordedHours) + tally.unroundedMinutes / 60, 2),
    activeVolunteers: tally.volunteers.size,
    pointsIssued: tally.pointsIssued,
    pointsRedeemed: tally.pointsRedeemed,
    byGrid,
    affairs: affairStatsOf(tally.affairs, period.grids),
  };
}

export function computeOverview(input: OverviewInput): StatsOverview {
  const tally = newTally();
  for (const order of input.orders) tallyOrder(tally, order);
  for (const record of input.serviceRecords) tallyRecord(tally, record);
  for (const entry of input.ledger) tallyEntry(tally, entry);
  for (const affair of input.affairs ?? []) tallyAffair(tally, affair);
  return overviewOf(tally, input);
}
