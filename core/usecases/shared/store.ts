/**
 * Reading and writing documents, for every use case: a community by id, a whole set (the database
 * returns at most 1000 documents per read), documents by id, and a document without undefined fields.
 */
import { found } from '../../errors';
import { COLLECTIONS, type Community } from '../../model';
import type { ActionContext, Caller, Collection, Deps, FindOptions, Where } from '../../ports';

/** A community by id; the caller's own came with the caller (core/caller.ts), so it is not read again. */
export async function loadCommunity(deps: Deps, communityId: string, caller?: Pick<Caller, 'community'>): Promise<Community> {
  if (caller?.community?._id === communityId) return caller.community;
  return found(await deps.store.collection<Community>(COLLECTIONS.communities).get(communityId), '社区不存在');
}

/**
 * A document by id: the one the action's contract `reads` brought with the caller under `key`, or
 * read now when those reads were not made.
 */
export async function prereadOrGet<T extends { _id: string }>(
  collection: Collection<T>,
  id: string,
  preread: ActionContext['preread'] | undefined,
  key: string,
): Promise<T | null> {
  const docs = preread?.[key] as readonly T[] | undefined;
  return docs ? (docs.find((doc) => doc._id === id) ?? null) : collection.get(id);
}

/** Drops undefined fields: the database would store them as null (or refuse them). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

export const READ_LIMIT = 1000;

export interface ReadAllOptions<T> {
  /** A stable order (end it with _id), so pages neither skip nor repeat. */
  orderBy: NonNullable<FindOptions['orderBy']>;
  /** Read no more than this many. */
  max?: number;
  /** Ends the reading at the first document past what is needed (the order must make that monotonic). */
  stop?: (doc: T) => boolean;
}

export async function readAll<T extends { _id: string }>(collection: Collection<T>, where: Where, options: ReadAllOptions<T>): Promise<T[]> {
  const max = options.max ?? Infinity;
  const all: T[] = [];
  for (let skip = 0; all.length < max; skip += READ_LIMIT) {
    const page = await collection.find(where, { orderBy: options.orderBy, skip, limit: Math.min(READ_LIMIT, max - all.length) });
    for (const doc of page) {
      if (options.stop?.(doc)) return all;
      all.push(doc);
    }
    if (page.length < READ_LIMIT) break;
  }
  return all;
}

/** Ids per `in` read: small enough for any query size limit, large enough to need few reads. */
const IDS_PER_READ = 100;

/** Documents by _id (missing ones are simply absent), a hundred ids per read. */
export async function readByIds<T extends { _id: string }>(collection: Collection<T>, ids: Iterable<string>): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const byId = new Map<string, T>();
  for (let start = 0; start < unique.length; start += IDS_PER_READ) {
    const docs = await collection.find({ _id: { in: unique.slice(start, start + IDS_PER_READ) } }, { limit: IDS_PER_READ });
    for (const doc of docs) byId.set(doc._id, doc);
  }
  return byId;
}
