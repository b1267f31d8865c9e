/**
 * Volunteer review (志愿者审核): applications waiting for the community. Approve, or reject with a
 * reason (the applicant sees it, so it is required).
 */
import type { VolunteerView } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage } from '../../services/paging';

type Status = 'pending' | 'approved' | 'rejected';

Component({
  data: {
    status: 'pending' as Status,
    loading: true,
    error: '',
    items: [] as VolunteerView[],
    nextCursor: null as string | null,
    loadingMore: false,
    rejecting: '',
    reason: '',
    formError: '',
    busy: '',
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
    onTab(event: WechatMiniprogram.BaseEvent) {
      const status = event.currentTarget.dataset.status as Status;
      if (status === this.data.status) return;
      this.setData({ status, items: [] });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '', rejecting: '' });
      const reply = await call('volunteer.list', { status: this.data.status }, { toast: false });
      if (reply.ok) this.setData({ loading: false, items: reply.data.items, nextCursor: reply.data.nextCursor });
      else this.setData({ loading: false, error: reply.error.message });
    },
    loadMore() {
      const status = this.data.status;
      return appendNextPage(this, 'items', (cursor) => call('volunteer.list', { status, cursor }), undefined, () => status === this.data.status);
    },
    async onApprove(event: WechatMiniprogram.BaseEvent) {
      const openid = String(event.currentTarget.dataset.openid);
      if (this.data.busy) return;
      this.setData({ busy: openid });
      const reply = await call('volunteer.review', { openid, decision: 'approve' }, { loading: '正在提交' });
      this.setData({ busy: '' });
      if (reply.ok) {
        wx.showToast({ title: `已通过${reply.data.realName}的申请`, icon: 'none' });
        this.setData({ items: this.data.items.filter((item) => item.openid !== openid) });
      }
    },
    onReject(event: WechatMiniprogram.BaseEvent) {
      this.setData({ rejecting: String(event.currentTarget.dataset.openid), reason: '', formError: '' });
    },
    onCancelReject() {
      this.setData({ rejecting: '', formError: '' });
    },
    onReason(event: WechatMiniprogram.BaseEvent & { detail: string }) {
      this.setData({ reason: event.detail });
    },
    async onSubmitReject() {
      const openid = this.data.rejecting;
      const note = this.data.reason.trim();
      if (!note) return this.setData({ formError: '请填写不通过的原因，申请人会看到' });
      if (this.data.busy) return;
      this.setData({ busy: openid, formError: '' });
      const reply = await call('volunteer.review', { openid, decision: 'reject', note }, { loading: '正在提交', toast: false });
      this.setData({ busy: '' });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      wx.showToast({ title: '已退回申请', icon: 'none' });
      this.setData({ rejecting: '', items: this.data.items.filter((item) => item.openid !== openid) });
    },
  },
});
