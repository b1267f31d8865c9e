/**
 * What the `order`, `dispatch` and `scoring` use cases share: loading an order, the one way it
 * changes status (a conditional write on the order as it was read), the volunteer's counters that
 * move with it, and the order page notifications open.
 */
import { DomainError, found } from '../errors';
import { COLLECTIONS, type Order, type OrderEvent, type OrderStatus, type Volunteer } from '../model';
import { ORDER_STATUS_TEXT } from '../labels';
import { TRANSITIONS } from '../order-machine';
import type { ActionContext, Collection, Deps, Update, Where } from '../ports';
import { matchesWhere } from '../where';
import { takeDailyQuota } from './shared/quota';
import { compact, prereadOrGet } from './shared/store';

export const ordersOf = (deps: Deps): Collection<Order> => deps.store.collection<Order>(COLLECTIONS.orders);
export const volunteersOf = (deps: Deps): Collection<Volunteer> => deps.store.collection<Volunteer>(COLLECTIONS.volunteers);

/** The order an action is about; read with the caller when its contract declares `readsOrder`. */
export async function loadOrder(deps: Deps, orderId: string, preread?: ActionContext['preread']): Promise<Order> {
  return found(await prereadOrGet(ordersOf(deps), orderId, preread, 'order'), '订单不存在');
}

export const conflict = (order: Pick<Order, 'status'>, doing: string): DomainError =>
  new DomainError('CONFLICT', `订单当前为“${ORDER_STATUS_TEXT[order.status]}”，不能${doing}`);

export function orderEvent(at: Date, by: string, from: OrderStatus | null, to: OrderStatus, note?: string): OrderEvent {
  return compact({ at, by, from, to, note });
}

export interface Change {
  set?: Record<string, unknown>;
  unset?: Array<keyof Order & string>;
  /** Pushed besides the event, e.g. a decline. */
  push?: Record<string, unknown>;
  /** More conditions, e.g. that the caller is still the assignee. */
  where?: Where;
  note?: string;
  /** The message when someone else changed the order first. */
  conflictMessage?: string;
  /** The volunteer's counters this transition moves, once the order's write has succeeded. */
  counters?: CounterChange;
  /** A daily limit this transition counts against (see quota.ts): written in one transaction with the order. */
  quota?: { key: string; limit: number; message: string };
}

/** A change to a volunteer's counters (activeOrders, completedOrders, ratingSum, ratingCount). */
export interface CounterChange {
  openid: string;
  inc: Partial<Record<keyof Volunteer['stats'], number>>;
}

/**
 * Moves a volunteer's counters after the order's conditional write: one conditional write, no read.
 * The counters are derived from the orders (a list's load and ranking, never points), so a write
 * lost between the two is found and reset by the daily reconciliation. The active count never goes
 * below zero, even if it had drifted.
 */
export async function moveCounters(deps: Deps, change: CounterChange): Promise<void> {
  const volunteers = volunteersOf(deps);
  const inc = Object.fromEntries(Object.entries(change.inc).map(([field, delta]) => [`stats.${field}`, delta]));
  if (Object.keys(inc).length === 0) return;
  const lowersActive = (change.inc.activeOrders ?? 0) < 0;
  const written = await volunteers.update(lowersActive ? { _id: change.openid, 'stats.activeOrders': { gt: 0 } } : { _id: change.openid }, { inc });
  if (written > 0 || !lowersActive) return;
  // Already at zero (drifted): move the other counters only.
  const { 'stats.activeOrders': _zero, ...others } = inc;
  if (Object.keys(others).length > 0) await volunteers.update({ _id: change.openid }, { inc: others });
}

/**
 * The write condition that makes a change apply to exactly the order as read: its status and its
 * number of events. Every transition appends an event, so an order that left this status and came
 * back (assigned, declined, pending again) no longer matches, and neither does anything else that
 * changed it meanwhile.
 */
export const unchangedSince = (order: Pick<Order, '_id' | 'status' | 'events'>): Where => ({
  _id: order._id,
  status: order.status,
  [`events.${order.events.length}`]: { exists: false },
});

/**
 * Moves `order` by `command`, with one conditional write on the order exactly as it was read (see
 * unchangedSince), so the rules checked on that reading hold: if anyone changed the order
 * meanwhile, nothing is written and the caller gets CONFLICT. A daily quota is taken in one
 * transaction with the write; the volunteer's counters move after it (see moveCounters).
 */
export async function transition(
  deps: Deps,
  order: Order,
  command: keyof typeof TRANSITIONS,
  by: string,
  change: Change,
  doing: string,
): Promise<Order> {
  const { from, to } = TRANSITIONS[command];
  if (!to) throw new Error(`${command} does not change the status`);
  if (!from.includes(order.status)) throw conflict(order, doing);
  const now = deps.clock.now();
  const event = orderEvent(now, by, order.status, to, change.note);
  const update: Update = { set: { status: to, ...change.set }, push: { events: event, ...change.push } };
  if (change.unset?.length) update.unset = change.unset;
  const condition: Where = { ...unchangedSince(order), ...change.where };
  const changedFirst = () => new DomainError('CONFLICT', change.conflictMessage ?? '订单状态已变化，请刷新后重试');
  const { quota } = change;
  if (quota) {
    await deps.store.transaction(async (tx) => {
      const orders = tx.collection<Order>(COLLECTIONS.orders);
      const current = await orders.get(order._id);
      if (!current || !matchesWhere(current, condition)) throw changedFirst();
      await takeDailyQuota(tx, quota.key, quota.limit, now, quota.message);
      await orders.update(order._id, update);
    });
  } else {
    const written = await ordersOf(deps).update(condition, update);
    if (written === 0) throw changedFirst();
  }
  if (change.counters) await moveCounters(deps, change.counters);
  // The write succeeded under its condition, so the order is now what it was plus this change.
  const next: Record<string, unknown> = { ...order, ...change.set, status: to, events: [...order.events, event] };
  for (const field of change.unset ?? []) delete next[field];
  for (const [field, value] of Object.entries(change.push ?? {})) next[field] = [...((next[field] as unknown[]) ?? []), value];
  return next as unknown as Order;
}

export const orderPage = (orderId: string) => `pages/order-detail/index?id=${encodeURIComponent(orderId)}`;
/** The volunteer's own list of what they were assigned and took on, where they accept, start and complete. */
export const TASKS_PAGE = 'volunteer/tasks/index';
