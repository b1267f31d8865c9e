/**
 * The list page, as a behaviour (in the style of vant's mixins): what every page that shows a
 * list does the same way. The first load shows the loading state and, on failure, the error with
 * 重新加载; pull-down reloads; reaching the bottom loads the next page (cursor paging) until there
 * is none; a reply for a list the person has left (another tab) or that a newer load replaced is
 * dropped; a second load of the same list while one is on waits for that one instead of asking
 * again.
 *
 * A page adds `behaviors: [listPage<Row>()]`, calls `this.load()` in onLoad, and defines
 *   fetchList(cursor?)  the first page (no cursor) or the page after `cursor`, its rows shaped for
 *                       the view (`rows` below does that); called with { toast: false }: the
 *                       behaviour shows the error (the error state, or a toast for a later page).
 *   listKey()           optional: which list is showing (a tab, a filter), when the page has several.
 *   beforeLoad()        optional: closes what belongs to the list on screen (an open form) as a
 *                       first page is asked for.
 * The view reads `loading`, `error`, `items`, `nextCursor` and `loadingMore`, and shows the states
 * with the templates of templates/states.wxml.
 */
import type { Page } from '../../core/contract';
import type { ApiReply } from '../api/api';

/** A page of rows, and other fields of the same reply to set with them (a balance, totals). */
export interface ListPage<Row> extends Page<Row> {
  view?: Record<string, unknown>;
}

export type ListData<Row> = {
  /** The first page is loading (the loading state replaces the list). */
  loading: boolean;
  /** Why the first page could not be loaded ('' when it was). */
  error: string;
  items: Row[];
  /** Where the next page starts; null at the end. */
  nextCursor: string | null;
  loadingMore: boolean;
};

export type ListMethods = {
  /** Loads the first page, showing the loading state; the retry of the error state. */
  load(): Promise<void>;
  /** Reloads the first page without the loading state (coming back to the page); a failure keeps the list shown. */
  refresh(): Promise<void>;
  /** Appends the next page, if there is one and nothing is loading. */
  loadMore(): Promise<void>;
  /**
   * Shows another list of the page (a tab): sets `choice` (e.g. { tab: 'done' }) and `reset`, empties
   * the rows and loads; nothing when `choice` is what is shown already.
   */
  switchList(choice: Record<string, string>, reset?: Record<string, unknown>): void;
  onPullDownRefresh(): void;
  onReachBottom(): void;
};

interface ListHost {
  data: ListData<unknown>;
  setData(data: Record<string, unknown>): void;
  fetchList(cursor?: string): Promise<ApiReply<ListPage<unknown>>>;
  listKey?(): string;
  beforeLoad?(): void;
}

/** Per page instance, not view data: which load is current. */
interface Flight {
  /** Counts the loads and refreshes begun: a reply of an earlier one is dropped. */
  generation: number;
  /** The load or refresh on now, and the list it is for. */
  running?: Promise<void>;
  key: string;
  /** A first page was shown (a quiet refresh has something to keep). */
  shown: boolean;
}

const flights = new WeakMap<object, Flight>();

function flightOf(page: object): Flight {
  let flight = flights.get(page);
  if (!flight) {
    flight = { generation: 0, key: '', shown: false };
    flights.set(page, flight);
  }
  return flight;
}

const FAILED: ApiReply<never> = { ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } };

/** The page's fetch; a page that throws gets the error state (with its retry), not an endless spinner. */
async function fetchPage(page: ListHost, cursor?: string): Promise<ApiReply<ListPage<unknown>>> {
  try {
    return await page.fetchList(cursor);
  } catch (error) {
    console.error('[list] fetchList failed', error);
    return FAILED;
  }
}

function startFirstPage(page: ListHost, flight: Flight, loud: boolean): Promise<void> {
  const generation = ++flight.generation;
  flight.key = page.listKey?.() ?? '';
  page.beforeLoad?.();
  // A page still loading below the list belongs to the list being replaced.
  page.setData(loud ? { loading: true, error: '', loadingMore: false } : { loadingMore: false });
  const running = fetchPage(page)
    .then((reply) => {
      if (generation !== flight.generation) return;
      if (reply.ok) {
        flight.shown = true;
        page.setData({ ...reply.data.view, loading: false, error: '', items: reply.data.items, nextCursor: reply.data.nextCursor });
      } else if (loud || !flight.shown) {
        page.setData({ loading: false, error: reply.error.message });
      }
    })
    .finally(() => {
      if (flight.running === running) flight.running = undefined;
    });
  flight.running = running;
  return running;
}

const listBehavior = Behavior({
  data: { loading: true, error: '', items: [] as unknown[], nextCursor: null as string | null, loadingMore: false },
  methods: {
    load(): Promise<void> {
      const page = this as unknown as ListHost;
      const flight = flightOf(page);
      if (flight.running && flight.key === (page.listKey?.() ?? '')) return flight.running;
      return startFirstPage(page, flight, true);
    },
    refresh(): Promise<void> {
      const page = this as unknown as ListHost;
      const flight = flightOf(page);
      if (flight.running) return flight.running;
      return startFirstPage(page, flight, !flight.shown);
    },
    async loadMore(): Promise<void> {
      const page = this as unknown as ListHost;
      const flight = flightOf(page);
      const cursor = page.data.nextCursor;
      if (!cursor || page.data.loadingMore || flight.running) return;
      const generation = flight.generation;
      page.setData({ loadingMore: true });
      const reply = await fetchPage(page, cursor);
      // Reloaded or switched meanwhile: the new first page stands, this one belongs to the old list.
      if (generation !== flight.generation) return;
      if (!reply.ok) {
        page.setData({ loadingMore: false });
        wx.showToast({ title: reply.error.message, icon: 'none', duration: 2500 });
        return;
      }
      page.setData({ ...reply.data.view, loadingMore: false, items: page.data.items.concat(reply.data.items), nextCursor: reply.data.nextCursor });
    },
    switchList(choice: Record<string, string>, reset: Record<string, unknown> = {}) {
      const page = this as unknown as ListHost & ListMethods;
      const shown = page.data as unknown as Record<string, unknown>;
      if (Object.entries(choice).every(([field, value]) => shown[field] === value)) return;
      page.setData({ ...choice, ...reset, items: [] });
      void page.load();
    },
    onPullDownRefresh() {
      void (this as unknown as ListMethods).load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void (this as unknown as ListMethods).loadMore();
    },
  },
});

/** The behaviour, typed with the page's rows (one behaviour at run time, whatever the rows). */
export function listPage<Row>(): WechatMiniprogram.Behavior.Identifier<ListData<Row>, {}, ListMethods> {
  return listBehavior as unknown as WechatMiniprogram.Behavior.Identifier<ListData<Row>, {}, ListMethods>;
}

/** A page of the cloud's items (or a list it sends whole, as the only page) as a page of rows for the view. */
export function rows<T, R>(reply: ApiReply<Page<T> | T[]>, toRow: (item: T) => R, view?: Record<string, unknown>): ApiReply<ListPage<R>> {
  if (!reply.ok) return reply;
  const page = Array.isArray(reply.data) ? { items: reply.data, nextCursor: null } : reply.data;
  return { ok: true, data: { items: page.items.map(toRow), nextCursor: page.nextCursor, ...(view ? { view } : {}) } };
}
