/**
 * Order detail: status, timeline, who serves, what was done, the rating; and what I may do next
 * (cancel with a reason, rate with stars and a comment), as the cloud's `allowed` says. Whoever
 * placed an order for an elder without WeChat records the elder's rating here (代评).
 */
import type { OrderView } from '../../../core/contract';
import { call } from '../../api/api';
import { imageUrl } from '../../api/files';
import { refreshPage } from '../../behaviors/refresh';
import { formatAddress, formatTime, largeText } from '../../utils/format';
import { ORDER_STATUS_TAG, ORDER_STATUS_TEXT } from '../../utils/labels';

interface Step {
  text: string;
  desc: string;
}

function stepsOf(order: OrderView): Step[] {
  return order.timeline.map((entry) => ({
    text: ORDER_STATUS_TEXT[entry.status],
    desc: [formatTime(entry.at), entry.note].filter(Boolean).join(' '),
  }));
}

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    loading: true,
    error: '',
    orderId: '',
    order: null as OrderView | null,
    photoUrls: [] as string[],
    steps: [] as Step[],
    createdText: '',
    addressText: '',
    canCancel: false,
    canRate: false,
    /** 代评: the rating form, filled in by the one who placed the order, after asking the elder. */
    canRateOnBehalf: false,
    stars: 0,
    comment: '',
    rateError: '',
    busy: false,
    statusText: ORDER_STATUS_TEXT,
    statusTag: ORDER_STATUS_TAG,
  },
  methods: {
    onLoad(query: { id?: string }) {
      this.setData({ largeText: largeText(), orderId: query.id ?? '' });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const reply = await call('order.get', { orderId: this.data.orderId }, { toast: false });
      if (reply.ok) this.show(reply.data.order);
      else this.setData({ loading: false, error: reply.error.message });
    },
    show(order: OrderView) {
      this.setData({
        loading: false,
        order,
        steps: stepsOf(order),
        createdText: formatTime(order.createdAt),
        addressText: formatAddress(order.address),
        canCancel: order.allowed.includes('cancel'),
        canRate: order.allowed.includes('rate'),
        canRateOnBehalf: order.allowed.includes('rateOnBehalf'),
        photoUrls: (order.photos ?? []).map(imageUrl),
      });
    },
    onPreviewPhoto(event: WechatMiniprogram.BaseEvent) {
      wx.previewImage({ urls: this.data.photoUrls, current: String(event.currentTarget.dataset.url) });
    },
    onCancel() {
      if (this.data.busy) return;
      wx.showModal({
        title: '取消订单',
        editable: true,
        placeholderText: '请填写取消原因',
        confirmText: '确认取消',
        cancelText: '再想想',
        success: (result) => {
          if (!result.confirm) return;
          const reason = (result.content ?? '').trim();
          if (!reason) {
            wx.showToast({ title: '请填写取消原因', icon: 'none' });
            return;
          }
          void this.cancel(reason);
        },
      });
    },
    async cancel(reason: string) {
      this.setData({ busy: true });
      const reply = await call('order.cancel', { orderId: this.data.orderId, reason }, { loading: '正在取消' });
      this.setData({ busy: false });
      if (reply.ok) {
        this.show(reply.data.order);
        wx.showToast({ title: '订单已取消', icon: 'success' });
      }
    },
    onStars(event: Vant.RateChange) {
      this.setData({ stars: event.detail, rateError: '' });
    },
    onComment(event: Vant.FieldChange) {
      this.setData({ comment: event.detail });
    },
    async onRate() {
      if (this.data.busy) return;
      if (this.data.stars < 1) {
        this.setData({ rateError: '请点星星打分' });
        return;
      }
      if (this.data.comment.trim().length > 300) {
        this.setData({ rateError: '评价不能超过 300 个字' });
        return;
      }
      this.setData({ busy: true });
      const comment = this.data.comment.trim();
      const input = { orderId: this.data.orderId, stars: this.data.stars, ...(comment ? { comment } : {}) };
      const onBehalf = this.data.canRateOnBehalf;
      const reply = onBehalf ? await call('order.rateOnBehalf', input, { loading: '正在提交' }) : await call('order.rate', input, { loading: '正在提交' });
      this.setData({ busy: false });
      if (reply.ok) {
        this.show(reply.data.order);
        wx.showToast({ title: onBehalf ? '已代居民评价' : '感谢您的评价', icon: 'success' });
      }
    },
  },
});
