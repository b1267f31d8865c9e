/** Reading a whole set when the database returns at most 1000 documents per read. */
import type { Collection, FindOptions, Where } from '../ports';

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
