/**
 * 我代下的订单: the orders a staff member or grid worker placed for residents (代点单), open or
 * finished, newest first. Tapping one opens the order, where they record the elder's rating once it
 * is served (代评, offered by the order's `allowed`).
 */
import type { OrderSummary } from '../../../core/contract';
import { call } from '../../api/api';
import { listPage, rows } from '../../behaviors/list-page';
import { formatTime } from '../../utils/format';
import { ORDER_STATUS_TAG, ORDER_STATUS_TEXT } from '../../utils/labels';

type Filter = 'open' | 'done';
type Row = OrderSummary & { createdText: string };

const toRow = (order: OrderSummary): Row => ({ ...order, createdText: formatTime(order.createdAt) });

Component({
  behaviors: [listPage<Row>()],
  data: {
    filter: 'open' as Filter,
    statusText: ORDER_STATUS_TEXT,
    statusTag: ORDER_STATUS_TAG,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      // Back from an order rated on the elder's behalf: the list may have changed.
      if (!this.data.loading) void this.refresh();
    },
    listKey() {
      return this.data.filter;
    },
    async fetchList(cursor?: string) {
      return rows(await call('order.listMine', { placed: true, status: this.data.filter, limit: 20, cursor }, { toast: false }), toRow);
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
  },
});
