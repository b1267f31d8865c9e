/**
 * Resident home: the community's services to order from (社区供单), my open orders and my love
 * points, from one cloud call.
 */
import type { HomeView } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { largeText } from '../../utils/format';
import { ORDER_STATUS_TAG, ORDER_STATUS_TEXT } from '../../utils/labels';

Component({
  behaviors: [refreshPage],
  data: {
    loading: true,
    error: '',
    home: null as HomeView | null,
    registered: false,
    largeText: false,
    statusText: ORDER_STATUS_TEXT,
    statusTag: ORDER_STATUS_TAG,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      this.setData({ largeText: largeText() });
    },
    async load() {
      this.setData({ loading: true, error: '', largeText: largeText() });
      const reply = await call('user.home', {}, { toast: false });
      if (reply.ok) this.setData({ loading: false, home: reply.data, registered: reply.data.me.profile !== undefined });
      else this.setData({ loading: false, error: reply.error.message });
    },
    onOrderService(event: WechatMiniprogram.BaseEvent) {
      const serviceId = String(event.currentTarget.dataset.id);
      wx.navigateTo({ url: `/pages/order-form/index?serviceId=${encodeURIComponent(serviceId)}` });
    },
    onOpenOrder(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/pages/order-detail/index?id=${encodeURIComponent(String(event.currentTarget.dataset.id))}` });
    },
    onAllOrders() {
      wx.switchTab({ url: '/pages/orders/index' });
    },
    /** 上报问题 (the affair report form; following it up is under 我的 → 我的问题). */
    onReportAffair() {
      wx.navigateTo({ url: '/affair/report/index' });
    },
    onPoints() {
      wx.navigateTo({ url: '/pages/points/index' });
    },
    onRegister() {
      wx.switchTab({ url: '/pages/me/index' });
    },
  },
});
