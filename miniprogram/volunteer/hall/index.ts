/**
 * Volunteer task hall (抢单): pending orders this volunteer is eligible for. The first volunteer to
 * accept gets the order; if someone was quicker, the page says so and refreshes the list.
 */
import type { OrderSummary } from '../../../core/contract';
import { listPage } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { askToSubscribe } from '../../api/subscribe';

Component({
  behaviors: [listPage<OrderSummary>()],
  data: {
    accepting: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },
    fetchList(cursor?: string) {
      return call('dispatch.hall', { cursor }, { toast: false });
    },
    async onAccept(event: WechatMiniprogram.BaseEvent) {
      const orderId = String(event.currentTarget.dataset.id);
      if (this.data.accepting) return;
      // Someone taking orders wants to hear of the next one staff assign them, and of this one: a
      // cancellation, and the reminder before its time. Within the tap, before any await (WeChat's
      // rule); not awaited, so the 抢单 is not held up.
      void askToSubscribe(['order_assigned', 'order_cancelled', 'order_reminder']);
      this.setData({ accepting: orderId });
      const reply = await call('dispatch.accept', { orderId }, { loading: '正在抢单', toast: false });
      this.setData({ accepting: '' });
      if (reply.ok) {
        wx.showToast({ title: '抢单成功，请按时上门服务', icon: 'none', duration: 2500 });
        this.setData({ items: this.data.items.filter((item) => item.id !== orderId) });
        return;
      }
      // Someone was quicker (or the order changed): say so in plain words and show the current list.
      const message = reply.error.code === 'CONFLICT' ? '该订单已被其他志愿者接单' : reply.error.message;
      wx.showToast({ title: message, icon: 'none', duration: 2500 });
      if (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND') await this.load();
    },
    onTasks() {
      wx.navigateTo({ url: '/volunteer/tasks/index' });
    },
  },
});
