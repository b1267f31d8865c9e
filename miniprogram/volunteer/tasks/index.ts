/**
 * My tasks: orders assigned to or accepted by me (进行中) and the ones I finished (已完成). What a
 * card offers comes from the order's `allowed` list: accept, decline with a reason, start, and
 * complete with a summary and the minutes served.
 */
import type { OrderSummary } from '../../../core/contract';
import { listPage } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { askToSubscribe } from '../../api/subscribe';
import { ORDER_STATUS_TAG, ORDER_STATUS_TEXT } from '../../utils/labels';

type Tab = 'open' | 'done';
type Sheet = '' | 'decline' | 'complete';

Component({
  behaviors: [listPage<OrderSummary>()],
  data: {
    tab: 'open' as Tab,
    statusText: ORDER_STATUS_TEXT,
    statusTag: ORDER_STATUS_TAG,
    sheet: '' as Sheet,
    sheetOrderId: '',
    reason: '',
    summary: '',
    minutes: '',
    formError: '',
    busy: false,
  },
  methods: {
    onLoad(query?: { tab?: string }) {
      if (query?.tab === 'done') this.setData({ tab: 'done' });
      void this.load();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab });
    },
    listKey() {
      return this.data.tab;
    },
    fetchList(cursor?: string) {
      return call('dispatch.mine', { status: this.data.tab, cursor }, { toast: false });
    },
    /** Puts the changed order in place, or drops it when it left this tab. */
    replace(order: OrderSummary) {
      const stillOpen = order.status === 'assigned' || order.status === 'accepted' || order.status === 'in_service';
      const items = this.data.items
        .map((item) => (item.id === order.id ? order : item))
        .filter((item) => item.id !== order.id || (this.data.tab === 'open') === stillOpen);
      this.setData({ items });
    },
    async onAccept(event: WechatMiniprogram.BaseEvent) {
      // For the next order staff assign, and for this one's cancellation and reminder. Within the
      // tap, before any await (WeChat's rule); not awaited.
      void askToSubscribe(['order_assigned', 'order_cancelled', 'order_reminder']);
      const reply = await call('dispatch.accept', { orderId: String(event.currentTarget.dataset.id) }, { loading: '正在接单' });
      if (reply.ok) {
        this.replace(reply.data.order);
        wx.showToast({ title: '已接单', icon: 'success' });
      } else if (reply.error.code === 'CONFLICT') await this.load();
    },
    async onStart(event: WechatMiniprogram.BaseEvent) {
      const reply = await call('dispatch.start', { orderId: String(event.currentTarget.dataset.id) }, { loading: '正在提交' });
      if (reply.ok) {
        this.replace(reply.data.order);
        wx.showToast({ title: '已开始服务', icon: 'success' });
      } else if (reply.error.code === 'CONFLICT') await this.load();
    },
    onDecline(event: WechatMiniprogram.BaseEvent) {
      this.setData({ sheet: 'decline', sheetOrderId: String(event.currentTarget.dataset.id), reason: '', formError: '' });
    },
    onComplete(event: WechatMiniprogram.BaseEvent) {
      const order = this.data.items.find((item) => item.id === String(event.currentTarget.dataset.id));
      this.setData({
        sheet: 'complete',
        sheetOrderId: String(event.currentTarget.dataset.id),
        summary: '',
        minutes: order ? String(order.expectedMinutes) : '',
        formError: '',
      });
    },
    onCloseSheet() {
      this.setData({ sheet: '', formError: '' });
    },
    onReason(event: Vant.FieldChange) {
      this.setData({ reason: event.detail });
    },
    onSummary(event: Vant.FieldChange) {
      this.setData({ summary: event.detail });
    },
    onMinutes(event: Vant.FieldChange) {
      this.setData({ minutes: event.detail });
    },
    async onSubmitDecline() {
      const reason = this.data.reason.trim();
      if (!reason) return this.setData({ formError: '请填写婉拒原因，方便社区改派' });
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '' });
      const reply = await call('dispatch.decline', { orderId: this.data.sheetOrderId, reason }, { loading: '正在提交', toast: false });
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      this.setData({ sheet: '' });
      this.replace(reply.data.order);
      wx.showToast({ title: '已婉拒，社区会改派他人', icon: 'none' });
    },
    async onSubmitComplete() {
      const summary = this.data.summary.trim();
      const minutes = Number(this.data.minutes.trim());
      if (!summary) return this.setData({ formError: '请填写服务小结' });
      if (!Number.isInteger(minutes) || minutes < 1) return this.setData({ formError: '服务时长请填写整分钟数（至少 1 分钟）' });
      if (minutes > 24 * 60) return this.setData({ formError: '单次服务时长不能超过 24 小时' });
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '' });
      const reply = await call('dispatch.complete', { orderId: this.data.sheetOrderId, summary, minutes }, { loading: '正在提交', toast: false });
      this.setData({ busy: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      this.setData({ sheet: '' });
      this.replace(reply.data.order);
      wx.showToast({ title: '服务已完成，感谢您的付出', icon: 'none' });
    },
    onHall() {
      wx.navigateTo({ url: '/volunteer/hall/index' });
    },
  },
});
