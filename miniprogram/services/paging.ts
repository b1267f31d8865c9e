/** Loading a list and its next pages, the same way on every list page. */
import type { Page } from '../../core/contract';
import type { ApiReply } from './api';

interface ListPage {
  data: Record<string, unknown> & { nextCursor: string | null; loadingMore: boolean };
  setData(data: Record<string, unknown>): void;
}

/** The view state of a paged list (spread into a page's `data`): loading, error, rows, cursor. */
export function listState<R>() {
  return { loading: true, error: '', items: [] as R[], nextCursor: null as string | null, loadingMore: false };
}

/**
 * Loads the first page into `this.data[field]`, showing the loading state and, on failure, the
 * error the page offers a retry for (`fetch` should not toast it). A reply that arrives after the
 * person switched to another list (`stillCurrent` false) is dropped: that list's own load is on.
 */
export async function loadFirstPage<T, R = T>(
  page: ListPage,
  field: string,
  fetch: () => Promise<ApiReply<Page<T>>>,
  toRow: (item: T) => R = (item) => item as unknown as R,
  stillCurrent: () => boolean = () => true,
): Promise<void> {
  page.setData({ loading: true, error: '' });
  const reply = await fetch();
  if (!stillCurrent()) return;
  if (reply.ok) page.setData({ loading: false, [field]: reply.data.items.map(toRow), nextCursor: reply.data.nextCursor });
  else page.setData({ loading: false, error: reply.error.message });
}

/**
 * Appends the next page to `this.data[field]` when there is one and none is loading. `fetch` gets
 * the cursor; `toRow` shapes each item for the view. If `stillCurrent` says the list was switched
 * meanwhile (another tab), the late page is dropped.
 */
export async function appendNextPage<T, R = T>(
  page: ListPage,
  field: string,
  fetch: (cursor: string) => Promise<ApiReply<Page<T>>>,
  toRow: (item: T) => R = (item) => item as unknown as R,
  stillCurrent: () => boolean = () => true,
): Promise<void> {
  const cursor = page.data.nextCursor;
  if (!cursor || page.data.loadingMore) return;
  page.setData({ loadingMore: true });
  const reply = await fetch(cursor);
  // A late page of a list that was switched away from is dropped; loading may go on.
  if (!reply.ok || !stillCurrent()) {
    page.setData({ loadingMore: false });
    return;
  }
  const current = (page.data[field] as R[] | undefined) ?? [];
  page.setData({ loadingMore: false, [field]: current.concat(reply.data.items.map(toRow)), nextCursor: reply.data.nextCursor });
}
