import type { Page } from '../../contract';
import { DomainError } from '../../errors';
import type { Collection, Where } from '../../ports';

/**
 * A newest-first cursor: the createdAt of the last item shown and how many items with exactly that
 * createdAt have been shown. The next page reads `createdAt ≤ at`, in (createdAt, _id) descending
 * order, skipping those. Unlike an offset, it does not shift when new entries arrive on top (they
 * are newer than `at`), and unlike a bare timestamp it does not lose entries that share one.
 */
interface Cursor {
  at: number;
  skip: number;
}

const CURSOR = /^(\d{1,15})~(\d{1,6})$/;

function decodeCursor(cursor: string | undefined): Cursor | null {
  if (cursor === undefined || cursor === '') return null;
  const match = CURSOR.exec(cursor);
  if (!match) throw new DomainError('INVALID_INPUT', '分页参数无效，请刷新后重试');
  return { at: Number(match[1]), skip: Number(match[2]) };
}

const encodeCursor = ({ at, skip }: Cursor): string => `${at}~${skip}`;

export async function newestFirst<T extends { _id: string; createdAt: Date }>(
  collection: Collection<T>,
  where: Where,
  paging: { cursor?: string; limit?: number },
): Promise<Page<T>> {
  const limit = paging.limit ?? 20;
  const cursor = decodeCursor(paging.cursor);
  const found = await collection.find(cursor ? { ...where, createdAt: { lte: new Date(cursor.at) } } : where, {
    orderBy: [
      ['createdAt', 'desc'],
      ['_id', 'desc'],
    ],
    skip: cursor?.skip ?? 0,
    // One more than asked tells whether another page exists without a count.
    limit: limit + 1,
  });
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  if (found.length <= limit || !last) return { items, nextCursor: null };
  const at = new Date(last.createdAt).getTime();
  const sameInstant = items.filter((item) => new Date(item.createdAt).getTime() === at).length;
  const skip = cursor && cursor.at === at ? cursor.skip + sameInstant : sameInstant;
  return { items, nextCursor: encodeCursor({ at, skip }) };
}
