/**
 * Rule changes (积分规则审核): four eyes on what pays. A change of a service's base points, an
 * activity's points per hour, or a setting that changes what is paid is only proposed by the staff
 * member who makes it; another staff member approves it here (then it applies) or rejects it with a
 * reason. 待审核 lists the proposals oldest first; 变更记录 is the log of everything decided or
 * applied, newest first. One's own proposals show no buttons: the cloud would refuse them.
 */
import type { RuleChangeView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { reviewMethods, reviewState } from '../../api/review';
import { formatTime } from '../../utils/format';
import { RULE_CHANGE_STATUS_TAG, RULE_CHANGE_STATUS_TEXT } from '../../utils/labels';

type Tab = 'pending' | 'decided';

interface Row extends RuleChangeView {
  statusText: string;
  statusTag: string;
  proposedText: string;
  decidedText: string;
}

const toRow = (change: RuleChangeView): Row => ({
  ...change,
  statusText: RULE_CHANGE_STATUS_TEXT[change.status],
  statusTag: RULE_CHANGE_STATUS_TAG[change.status],
  proposedText: formatTime(change.proposedAt),
  decidedText: formatTime(change.decidedAt),
});

Component({
  behaviors: [listPage<Row>()],
  data: {
    tab: 'pending' as Tab,
    ...reviewState(),
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab });
    },
    beforeLoad() {
      this.setData({ rejecting: '' });
    },
    listKey() {
      return this.data.tab;
    },
    async fetchList(cursor?: string) {
      return rows(await call('community.ruleChanges', { status: this.data.tab, cursor }, { toast: false }), toRow);
    },
    ...reviewMethods({
      key: 'id',
      approve: (changeId) => call('community.reviewRuleChange', { changeId, decision: 'approve' }, { loading: '正在提交' }),
      approved: (change) => (change.publishOnApproval ? '已通过，积分已生效，服务已上架' : '已通过，新的积分规则已生效'),
      reject: (changeId, note) => call('community.reviewRuleChange', { changeId, decision: 'reject', note }, { loading: '正在提交', toast: false }),
      rejected: '已标记为不通过，规则保持不变',
      noteMissing: '请填写不通过的原因，提出调整的工作人员会看到',
    }),
  },
});
