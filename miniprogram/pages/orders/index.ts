/** My orders (TAB): open or finished, newest first, paged; tap one for its detail. */
import type { OrderSummary } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage } from '../../services/paging';
import { formatTime, largeText } from '../../utils/format';
import { ORDER_STATUS_TAG, ORDER_STATUS_TEXT } from '../../utils/labels';

type Filter = 'open' | 'done';
type Row = OrderSummary & { createdText: string };

Component({
  data: {
    largeText: false,
    filter: 'open' as Filter,
    loading: true,
    error: '',
    orders: [] as Row[],
    nextCursor: null as string | null,
    loadingMore: false,
    loaded: false,
    statusText: ORDER_STATUS_TEXT,
    statusTag: ORDER_STATUS_TAG,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      // Back from a detail or the order form: the list may have changed.
      if (this.data.loaded) void this.load(true);
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },
    async load(quiet = false) {
      if (!quiet) this.setData({ loading: true, error: '' });
      const filter = this.data.filter;
      const reply = await call('order.listMine', { status: filter, limit: 20 }, { toast: false });
      if (filter !== this.data.filter) return; // the person switched tabs meanwhile
      if (reply.ok) {
        this.setData({ loading: false, loaded: true, error: '', orders: reply.data.items.map(toRow), nextCursor: reply.data.nextCursor });
      } else if (!quiet) {
        this.setData({ loading: false, error: reply.error.message });
      }
    },
    loadMore() {
      const filter = this.data.filter;
      return appendNextPage(this, 'orders', (cursor) => call('order.listMine', { status: filter, limit: 20, cursor }), toRow, () => filter === this.data.filter);
    },
    onFilter(event: WechatMiniprogram.BaseEvent & { detail: { name: Filter } }) {
      if (event.detail.name === this.data.filter) return; // van-tabs also reports its first tab
      this.setData({ filter: event.detail.name, orders: [], nextCursor: null });
      void this.load();
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/pages/order-detail/index?id=${encodeURIComponent(String(event.currentTarget.dataset.id))}` });
    },
    onHome() {
      wx.switchTab({ url: '/pages/home/index' });
    },
  },
});

function toRow(order: OrderSummary): Row {
  return { ...order, createdText: formatTime(order.createdAt) };
}
