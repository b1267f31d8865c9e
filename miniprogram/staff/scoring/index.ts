/**
 * Scoring (评分): completed orders waiting for the community's score, with the resident's own
 * rating. Staff give 1–5 and an optional note; the reply says how many points the volunteer got.
 */
import type { OrderSummary } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage } from '../../services/paging';

Component({
  data: {
    loading: true,
    error: '',
    items: [] as OrderSummary[],
    nextCursor: null as string | null,
    loadingMore: false,
    /** The order being scored and its form. */
    openOrderId: '',
    score: 5,
    note: '',
    busy: false,
    lastResult: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },
    async load() {
      this.setData({ loading: true, error: '', openOrderId: '' });
      const reply = await call('scoring.pending', {}, { toast: false });
      if (reply.ok) this.setData({ loading: false, items: reply.data.items, nextCursor: reply.data.nextCursor });
      else this.setData({ loading: false, error: reply.error.message });
    },
    loadMore() {
      return appendNextPage(this, 'items', (cursor) => call('scoring.pending', { cursor }));
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      const orderId = String(event.currentTarget.dataset.id);
      const order = this.data.items.find((item) => item.id === orderId);
      // Start from the resident's stars: most of the time staff agree with them.
      this.setData({ openOrderId: orderId, score: order?.rating?.stars ?? 5, note: '' });
    },
    onCancel() {
      this.setData({ openOrderId: '' });
    },
    onScore(event: WechatMiniprogram.BaseEvent & { detail: number }) {
      this.setData({ score: event.detail });
    },
    onNote(event: WechatMiniprogram.BaseEvent & { detail: string }) {
      this.setData({ note: event.detail });
    },
    async onSubmit() {
      const orderId = this.data.openOrderId;
      const score = this.data.score;
      if (!orderId || this.data.busy) return;
      if (!Number.isInteger(score) || score < 1 || score > 5) {
        wx.showToast({ title: '请选择 1–5 分', icon: 'none' });
        return;
      }
      const note = this.data.note.trim();
      this.setData({ busy: true });
      const reply = await call('scoring.score', { orderId, score, ...(note ? { note } : {}) }, { loading: '正在提交' });
      this.setData({ busy: false });
      if (reply.ok) {
        const name = reply.data.order.assignee?.name ?? '志愿者';
        const lastResult = `已评 ${score} 分，${name}获得 ${reply.data.points} 积分`;
        wx.showToast({ title: lastResult, icon: 'none', duration: 2500 });
        this.setData({ lastResult, openOrderId: '', items: this.data.items.filter((item) => item.id !== orderId) });
      } else if (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND') {
        await this.load();
      }
    },
  },
});
