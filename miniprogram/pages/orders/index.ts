/** My orders (TAB): open or finished, newest first, paged; tap one for its detail. */
import type { OrderSummary } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { formatTime, largeText } from '../../utils/format';
import { ORDER_STATUS_TAG, ORDER_STATUS_TEXT } from '../../utils/labels';

type Filter = 'open' | 'done';
type Row = OrderSummary & { createdText: string };

const toRow = (order: OrderSummary): Row => ({ ...order, createdText: formatTime(order.createdAt) });

Component({
  behaviors: [listPage<Row>()],
  data: {
    largeText: false,
    filter: 'open' as Filter,
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
      void this.refresh();
    },
    listKey() {
      return this.data.filter;
    },
    async fetchList(cursor?: string) {
      return rows(await call('order.listMine', { status: this.data.filter, limit: 20, cursor }, { toast: false }), toRow);
    },
    onFilter(event: WechatMiniprogram.BaseEvent) {
      const filter = event.currentTarget.dataset.tab as Filter;
      if (filter === this.data.filter) return;
      this.setData({ filter });
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
