/**
 * Volunteer review (志愿者审核): applications waiting for the community. Approve, or reject with a
 * reason (the applicant sees it, so it is required).
 */
import type { VolunteerView } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage, listState, loadFirstPage } from '../../services/paging';
import { reviewMethods, reviewState } from '../../services/review';

type Status = 'pending' | 'approved' | 'rejected';

Component({
  data: {
    status: 'pending' as Status,
    ...listState<VolunteerView>(),
    ...reviewState(),
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
    load() {
      const status = this.data.status;
      this.setData({ rejecting: '' });
      return loadFirstPage(this, 'items', () => call('volunteer.list', { status }, { toast: false }), undefined, () => status === this.data.status);
    },
    loadMore() {
      const status = this.data.status;
      return appendNextPage(this, 'items', (cursor) => call('volunteer.list', { status, cursor }), undefined, () => status === this.data.status);
    },
    ...reviewMethods({
      key: 'openid',
      approve: (openid) => call('volunteer.review', { openid, decision: 'approve' }, { loading: '正在提交' }),
      approved: (volunteer) => `已通过${volunteer.realName}的申请`,
      reject: (openid, note) => call('volunteer.review', { openid, decision: 'reject', note }, { loading: '正在提交', toast: false }),
      rejected: '已退回申请',
      noteMissing: '请填写不通过的原因，申请人会看到',
    }),
  },
});
