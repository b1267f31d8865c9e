/**
 * The community overview computed from plain records (orders, service-hour records, ledger
 * entries), with no database in sight: the use case reads the records, this turns them into
 * numbers, and a test can check every number by hand.
 */
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

/** 办结率 = finished / (all − cancelled − rejected), null when nothing was left to finish. */
function completionRate(orders: readonly StatsOrder[]): number | null {
  const counted = orders.filter((order) => !WITHDRAWN.has(order.status));
  if (counted.length === 0) return null;
  return round(counted.filter((order) => FINISHED.has(order.status)).length / counted.length, 4);
}

function averageStars(orders: readonly StatsOrder[]): { average: number | null; rated: number } {
  const stars = orders.flatMap((order) => (order.rating ? [order.rating.stars] : []));
  if (stars.length === 0) return { average: null, rated: 0 };
  return { average: round(stars.reduce((sum, value) => sum + value, 0) / stars.length, 2), rated: stars.length };
}

const roundOrNull = (value: number | null, places: number) => (value === null ? null : round(value, places));

function gridStats(grid: Pick<Grid, 'id' | 'name'>, orders: readonly StatsOrder[]): GridStats {
  return {
    gridId: grid.id,
    gridName: grid.name,
    orders: orders.length,
    finished: orders.filter((order) => FINISHED.has(order.status)).length,
    closed: orders.filter((order) => order.status === 'closed').length,
    completionRate: completionRate(orders),
    averageStars: averageStars(orders).average,
  };
}

export function computeOverview(input: OverviewInput): StatsOverview {
  const { orders } = input;
  const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
  for (const order of orders) ordersByStatus[order.status] += 1;

  const response = orders.flatMap((order) => (order.acceptedAt ? [minutesBetween(order.createdAt, order.acceptedAt)] : []));
  const completion = orders.flatMap((order) => (order.completedAt ? [minutesBetween(order.createdAt, order.completedAt)] : []));
  const stars = averageStars(orders);
  const onBehalf = averageStars(orders.filter((order) => order.rating?.onBehalf));

  // The recorded (rounded) hours, as certificates state them; records from before rounding have only minutes.
  const unrounded = input.serviceRecords.filter((record) => record.hours === undefined).reduce((sum, record) => sum + record.minutes, 0);
  const recordedHours = sumHours(input.serviceRecords.flatMap((record) => (record.hours === undefined ? [] : [record.hours])));

  let pointsIssued = 0;
  let pointsRedeemed = 0;
  for (const entry of input.ledger) {
    // A redemption is negative and its refund positive: their sum is what was really spent.
    if (entry.source === 'redeem' || entry.source === 'redeem_refund') pointsRedeemed -= entry.delta;
    else if (entry.delta > 0) pointsIssued += entry.delta;
  }

  // Every grid of the community, even without orders, then any grid the orders name that the
  // community no longer lists (renamed or removed), so no order drops out of the breakdown.
  const byGridId = new Map<string, StatsOrder[]>();
  for (const order of orders) {
    const list = byGridId.get(order.address.gridId);
    if (list) list.push(order);
    else byGridId.set(order.address.gridId, [order]);
  }
  const known = new Set(input.grids.map((grid) => grid.id));
  const unknown = [...byGridId.keys()].filter((id) => !known.has(id)).sort();
  const byGrid = [...input.grids, ...unknown.map((id) => ({ id, name: id }))].map((grid) => gridStats(grid, byGridId.get(grid.id) ?? []));

  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    ordersByStatus,
    completionRate: completionRate(orders),
    averageStars: stars.average,
    ratedOrders: stars.rated,
    ...(onBehalf.average === null ? {} : { ratedOnBehalf: { ratedOrders: onBehalf.rated, averageStars: onBehalf.average } }),
    medianResponseMinutes: roundOrNull(median(response), 1),
    medianCompletionMinutes: roundOrNull(median(completion), 1),
    volunteerHours: round(recordedHours + unrounded / 60, 2),
    activeVolunteers: new Set(input.serviceRecords.map((record) => record.openid)).size,
    pointsIssued,
    pointsRedeemed,
    byGrid,
  };
}
