/**
 * Lists page by keyset: the cursor holds the last item's values of the sort fields, and the next
 * page starts after them. Work queues shrink as people act on them; an offset would skip items.
 */
import type { Page } from '../../contract';
import { DomainError } from '../../errors';
import type { Collection, FindOptions, Join, Where } from '../../ports';
import { valueAt } from '../../where';

export const DEFAULT_PAGE_SIZE = 20;

export type OrderBy = Array<[field: string, direction: 'asc' | 'desc']>;

/** Newest first; `createdAt` ties are split by _id, so no entry is lost or repeated between pages. */
export const NEWEST_FIRST: OrderBy = [
  ['createdAt', 'desc'],
  ['_id', 'desc'],
];

/** Oldest first, ties split by _id: the order a period is read in, page after page. */
export const OLDEST_FIRST: OrderBy = [
  ['createdAt', 'asc'],
  ['_id', 'asc'],
];
type Key = string | number | boolean | Date | null;

function encodeCursor(values: Key[]): string {
  return JSON.stringify(values.map((value) => (value instanceof Date ? { d: value.toISOString() } : value)));
}

const INVALID_CURSOR = '分页参数无效，请从第一页重新加载';

function decodeCursor(cursor: string | undefined, length: number, message = INVALID_CURSOR): Key[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const invalid = () => new DomainError('INVALID_INPUT', message);
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
    // Dot paths (address.building) sort too.
    const value = valueAt(doc, field);
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

/**
 * One page of `where` in `orderBy` order (which must end with _id), after the cursor.
 * `invalidCursor`: the message for a cursor this did not make (some lists word it their own way).
 */
export async function keysetPage<T extends { _id: string }, V>(
  collection: Collection<T>,
  where: Where,
  orderBy: OrderBy,
  input: { cursor?: string; limit?: number },
  view: (item: T) => V,
  { invalidCursor, ...options }: Pick<FindOptions, 'omit'> & { invalidCursor?: string } = {},
): Promise<Page<V>> {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(input.cursor, orderBy.length, invalidCursor);
  const rows = await collection.find(where, { orderBy, after, limit: limit + 1, ...options });
  return pageFrom(rows, limit, orderBy, view);
}

/** The same with other documents joined onto each row in the same request (see Collection.findJoined). */
export async function keysetPageJoined<T extends { _id: string }, J extends Record<string, object>, V>(
  collection: Collection<T>,
  where: Where,
  orderBy: OrderBy,
  input: { cursor?: string; limit?: number },
  joins: { [K in keyof J]: Join },
  view: (item: T & { [K in keyof J]: J[K][] }) => V,
  options: Pick<FindOptions, 'omit'> = {},
): Promise<Page<V>> {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(input.cursor, orderBy.length);
  const rows = await collection.findJoined<J>(where, { orderBy, after, limit: limit + 1, ...options }, joins);
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

/**
 * Every document a query finds, in `orderBy` order (which must end with _id), read a page at a time
 * after the last one read and handed on one by one: whoever consumes it holds one page, however
 * many there are (an export of 50,000 orders). `read` makes one page: a find, or a findJoined when
 * each document brings others. `past` ends the scan at the first document beyond what is wanted
 * (a condition takes one operator, so the end of a range is found in the order): the order must
 * make it monotonic.
 */
export async function* keysetScan<T extends { _id: string }>(
  read: (after: readonly unknown[] | undefined, limit: number) => Promise<T[]>,
  orderBy: OrderBy,
  pageSize: number,
  past: (doc: T) => boolean = () => false,
): AsyncGenerator<T> {
  let after: unknown[] | undefined;
  for (;;) {
    const page = await read(after, pageSize);
    for (const doc of page) {
      if (past(doc)) return;
      yield doc;
    }
    const last = page[page.length - 1];
    if (page.length < pageSize || !last) return;
    after = orderBy.map(([field]) => valueAt(last, field));
  }
}
