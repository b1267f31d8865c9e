/**
 * Volunteer review (志愿者审核): applications waiting for the community. Approve, or reject with a
 * reason (the applicant sees it, so it is required).
 */
import type { VolunteerView } from '../../../core/contract';
import { listPage } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { reviewMethods, reviewState } from '../../api/review';

type Status = 'pending' | 'approved' | 'rejected';

Component({
  behaviors: [listPage<VolunteerView>()],
  data: {
    status: 'pending' as Status,
    ...reviewState(),
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ status: event.currentTarget.dataset.status as Status });
    },
    beforeLoad() {
      this.setData({ rejecting: '' });
    },
    listKey() {
      return this.data.status;
    },
    fetchList(cursor?: string) {
      return call('volunteer.list', { status: this.data.status, cursor }, { toast: false });
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
