/**
 * My points and service hours. Balance and ledger come from the points function. There is no
 * service-record action yet, so hours are the minutes of my finished orders (dispatch.mine done),
 * summed here; all their pages are read, because a partial sum would under-report.
 */
import type { LedgerEntryView, OrderView } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage } from '../../services/paging';
import { POINTS_SOURCE_TEXT } from '../../utils/labels';

interface LedgerRow extends LedgerEntryView {
  day: string;
  sign: string;
}

const MAX_DONE_PAGES = 20;

function toRow(entry: LedgerEntryView): LedgerRow {
  return { ...entry, day: entry.at.slice(0, 10), sign: entry.delta > 0 ? '+' : '' };
}

Component({
  data: {
    loading: true,
    error: '',
    balance: 0,
    issued: 0,
    redeemed: 0,
    hours: '0',
    serviceCount: 0,
    ledger: [] as LedgerRow[],
    nextCursor: null as string | null,
    loadingMore: false,
    sourceText: POINTS_SOURCE_TEXT,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      // Points change when staff score my work: a return to this page shows the new balance.
      if (!this.data.loading) void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },
    async loadDone(): Promise<{ ok: true; orders: OrderView[] } | { ok: false; message: string }> {
      const orders: OrderView[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_DONE_PAGES; page += 1) {
        const reply = await call('dispatch.mine', { status: 'done', limit: 50, ...(cursor ? { cursor } : {}) }, { toast: false });
        if (!reply.ok) return { ok: false, message: reply.error.message };
        orders.push(...reply.data.items);
        if (!reply.data.nextCursor) break;
        cursor = reply.data.nextCursor;
      }
      return { ok: true, orders };
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const [overview, done] = await Promise.all([call('points.overview', {}, { toast: false }), this.loadDone()]);
      if (!overview.ok) return this.setData({ loading: false, error: overview.error.message });
      if (!done.ok) return this.setData({ loading: false, error: done.message });
      const served = done.orders.filter((order) => order.completion);
      const minutes = served.reduce((sum, order) => sum + (order.completion?.minutes ?? 0), 0);
      const { ledger, balance, issued, redeemed } = overview.data;
      this.setData({
        loading: false,
        balance,
        issued,
        redeemed,
        hours: String(Math.round((minutes / 60) * 10) / 10),
        serviceCount: served.length,
        ledger: ledger.items.map(toRow),
        nextCursor: ledger.nextCursor,
      });
    },
    loadMore() {
      return appendNextPage(this, 'ledger', (cursor) => call('points.ledger', { cursor }), toRow);
    },
    onTasks() {
      wx.navigateTo({ url: '/volunteer/tasks/index?tab=done' });
    },
  },
});
