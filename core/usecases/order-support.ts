/**
 * What the `order`, `dispatch` and `scoring` use cases share: loading, the one way an order changes
 * status (a conditional write on the status it was read in), the text check, paging and
 * best-effort notifications.
 */
import { DomainError, found } from '../errors';
import { COLLECTIONS, type Community, type Order, type OrderEvent, type OrderStatus, type Volunteer } from '../model';
import { TRANSITIONS } from '../order-machine';
import type { Page } from '../contract';
import type { Caller, Collection, Deps, Notification, Update, Where } from '../ports';

export const ordersOf = (deps: Deps): Collection<Order> => deps.store.collection<Order>(COLLECTIONS.orders);
export const volunteersOf = (deps: Deps): Collection<Volunteer> => deps.store.collection<Volunteer>(COLLECTIONS.volunteers);

export async function loadOrder(deps: Deps, orderId: string): Promise<Order> {
  return found(await ordersOf(deps).get(orderId), '订单不存在');
}

export async function loadCommunity(deps: Deps, communityId: string): Promise<Community> {
  return found(await deps.store.collection<Community>(COLLECTIONS.communities).get(communityId), '社区不存在');
}

export const STATUS_LABELS: Record<OrderStatus, string> = {
  pending_review: '待审核',
  pending: '待派单',
  assigned: '已派单',
  accepted: '已接单',
  in_service: '服务中',
  completed: '待评分',
  closed: '已办结',
  cancelled: '已取消',
  rejected: '未通过审核',
};

export const conflict = (order: Pick<Order, 'status'>, doing: string): DomainError =>
  new DomainError('CONFLICT', `订单当前为“${STATUS_LABELS[order.status]}”，不能${doing}`);

/** Drops undefined fields: the database would store them as null (or refuse them). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

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
}

/**
 * Moves `order` by `command`. The write's condition is the status the order was read in (always
 * one of the command's `from`), so the side effects worked out from that reading hold: if anyone
 * changed the order meanwhile, nothing is written and the caller gets CONFLICT.
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
  const written = await ordersOf(deps).update({ _id: order._id, status: order.status, ...change.where }, update);
  if (written === 0) throw new DomainError('CONFLICT', change.conflictMessage ?? '订单状态已变化，请刷新后重试');
  // The write succeeded under its condition, so the order is now what it was plus this change.
  const next: Record<string, unknown> = { ...order, ...change.set, status: to, events: [...order.events, event] };
  for (const field of change.unset ?? []) delete next[field];
  for (const [field, value] of Object.entries(change.push ?? {})) next[field] = [...((next[field] as unknown[]) ?? []), value];
  return next as unknown as Order;
}

/**
 * Free text others will read goes through WeChat's content check; `review` (a person should look)
 * is let through, since the check is a safeguard, not a moderation queue.
 */
export async function checkText(deps: Deps, caller: Caller, text: string | undefined, label: string, scene: 'comment' | 'forum' = 'forum'): Promise<void> {
  if (!text) return;
  const verdict = await deps.content.check(text, caller.openid, scene);
  if (verdict === 'risky') throw new DomainError('CONTENT_RISKY', `${label}含有不适宜发布的内容，请修改后再提交`);
}

/** Moves a volunteer's counters; the active count never goes below zero even if it drifted. */
export async function bumpStats(deps: Deps, openid: string, inc: Partial<Record<keyof Volunteer['stats'], number>>): Promise<void> {
  const update = Object.fromEntries(Object.entries(inc).map(([field, delta]) => [`stats.${field}`, delta as number]));
  const where: Where = { _id: openid };
  if ((inc.activeOrders ?? 0) < 0) where['stats.activeOrders'] = { gt: 0 };
  const written = await volunteersOf(deps).update(where, { inc: update });
  if (written === 0 && (inc.activeOrders ?? 0) < 0 && Object.keys(inc).length > 1) {
    // The active count was already zero: still record the rest.
    const rest = Object.fromEntries(Object.entries(update).filter(([field]) => field !== 'stats.activeOrders'));
    await volunteersOf(deps).update({ _id: openid }, { inc: rest });
  }
}

/** Subscribe messages are best effort: a failed send must never undo or fail the action. */
export async function notify(deps: Deps, notification: Notification): Promise<void> {
  if (!notification.touser) return;
  try {
    await deps.notifier.notify(notification);
  } catch {
    // The person simply gets no message; the order page shows the state anyway.
  }
}

/** Template values: `thing` fields hold at most 20 characters, `name` fields 10. */
export const clip = (text: string, max: number): string => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);

export const orderPage = (orderId: string) => `pages/order-detail/index?id=${encodeURIComponent(orderId)}`;

// ---- paging ------------------------------------------------------------------------------------

export const DEFAULT_PAGE_SIZE = 20;

export type OrderBy = Array<[field: string, direction: 'asc' | 'desc']>;
type Key = string | number | boolean | Date | null;

/**
 * Lists page by keyset: the cursor holds the last item's values of the sort fields, and the next
 * page starts after them. Work queues shrink as people act on them; an offset would skip items.
 */
function encodeCursor(values: Key[]): string {
  return JSON.stringify(values.map((value) => (value instanceof Date ? { d: value.toISOString() } : value)));
}

function decodeCursor(cursor: string | undefined, length: number): Key[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const invalid = () => new DomainError('INVALID_INPUT', '分页参数无效，请从第一页重新加载');
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== length) throw invalid();
  return parsed.map((value: unknown) => {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as Key;
    const date = typeof (value as { d?: unknown })?.d === 'string' ? new Date((value as { d: string }).d) : null;
    if (!date || Number.isNaN(date.getTime())) throw invalid();
    return date;
  });
}

function keyOf(doc: Record<string, unknown>, orderBy: OrderBy): Key[] {
  return orderBy.map(([field]) => {
    const value = doc[field];
    return value instanceof Date || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
  });
}

function compareKey(a: Key, b: Key): number {
  const rank = (value: Key) => (value instanceof Date ? value.getTime() : value);
  const x = rank(a);
  const y = rank(b);
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

function pageFrom<T, V>(rows: T[], limit: number, orderBy: OrderBy, view: (item: T) => V): Page<V> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last as Record<string, unknown>, orderBy)) : null,
  };
}

/** One page of `where` in `orderBy` order (which must end with _id), after the cursor. */
export async function keysetPage<T extends { _id: string }, V>(
  collection: Collection<T>,
  where: Where,
  orderBy: OrderBy,
  input: { cursor?: string; limit?: number },
  view: (item: T) => V,
): Promise<Page<V>> {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(input.cursor, orderBy.length);
  const rows = await collection.find(where, { orderBy, after, limit: limit + 1 });
  return pageFrom(rows, limit, orderBy, view);
}

/** The same over a list already in memory and sorted by `orderBy` (filtered in code). */
export function keysetPageOfList<T extends { _id: string }, V>(
  list: readonly T[],
  orderBy: OrderBy,
  input: { cursor?: string; limit?: number },
  view: (item: T) => V,
): Page<V> {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(input.cursor, orderBy.length);
  const isAfter = (item: T) => {
    const key = keyOf(item as unknown as Record<string, unknown>, orderBy);
    for (const [index, [, direction]] of orderBy.entries()) {
      const order = compareKey(key[index] ?? null, after![index] ?? null) * (direction === 'asc' ? 1 : -1);
      if (order !== 0) return order > 0;
    }
    return false;
  };
  const rest = after ? list.filter(isAfter) : [...list];
  return pageFrom(rest.slice(0, limit + 1), limit, orderBy, view);
}

