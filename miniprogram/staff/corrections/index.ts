/**
 * Service-record review (服务记录审核): volunteers' correction requests, each with the record as it
 * stands beside what they ask it to become and their reason; staff approve, or reject with a
 * reason (the volunteer sees it, so it is required), where the request's `allowed` says they may
 * (not their own). A second tab lists those already reviewed,
 * and a third the services still without a record 8+ working days on (the limit is 10), with
 * the page where staff record them.
 */
import type { CorrectionView, RecordAlertView, ServiceRecordView } from '../../../core/contract';
import type { CorrectableField } from '../../../core/model';
import { type ListPage, listPage, rows } from '../../behaviors/list-page';
import { type ApiReply, call } from '../../api/api';
import { reviewMethods, reviewState } from '../../api/review';
import { formatTime } from '../../utils/format';
import { RECORD_FIELD_TEXT, REVIEW_STATUS_TAG, REVIEW_STATUS_TEXT } from '../../utils/labels';

type Tab = 'pending' | 'done' | 'alerts';
type Reviewed = 'approved' | 'rejected';
type Correction = CorrectionView & { record: ServiceRecordView };
type CorrectionRow = Correction & {
  compare: Array<{ field: CorrectableField; label: string; before: string; after: string }>;
  requestedText: string;
  reviewedText: string;
};
type AlertRow = RecordAlertView & { key: string; leftText: string; urgent: boolean; url: string; linkText: string };

const FIELDS: CorrectableField[] = ['date', 'minutes', 'place', 'content'];

function toRow(correction: Correction): CorrectionRow {
  const compare = FIELDS.filter((field) => correction.changes[field] !== undefined).map((field) => ({
    field,
    label: RECORD_FIELD_TEXT[field],
    before: String(correction.record[field]),
    after: String(correction.changes[field]),
  }));
  return { ...correction, compare, requestedText: formatTime(correction.requestedAt), reviewedText: formatTime(correction.reviewedAt) };
}

function leftText(days: number): string {
  if (days > 0) return `剩余 ${days} 个工作日`;
  if (days === 0) return '今天截止';
  return `已逾期 ${-days} 个工作日`;
}

function toAlertRow(alert: RecordAlertView): AlertRow {
  const order = alert.kind === 'order';
  return {
    ...alert,
    key: `${alert.kind}-${alert.ref}-${alert.volunteerName}`,
    leftText: leftText(alert.workingDaysLeft),
    // Two working days are all it takes to miss the deadline over a weekend.
    urgent: alert.workingDaysLeft <= 2,
    url: order ? '/staff/scoring/index' : `/staff/activity/index?id=${alert.ref}`,
    linkText: order ? '去评分' : '去签到管理',
  };
}

Component({
  behaviors: [listPage<CorrectionRow>()],
  data: {
    tab: 'pending' as Tab,
    reviewed: 'approved' as Reviewed,
    alerts: [] as AlertRow[],
    ...reviewState(),
    statusText: REVIEW_STATUS_TEXT,
    statusTag: REVIEW_STATUS_TAG,
  },
  methods: {
    onLoad(query: { tab?: string } = {}) {
      if (query.tab === 'alerts' || query.tab === 'done') this.setData({ tab: query.tab });
      void this.load();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab }, { alerts: [] });
    },
    onReviewed(event: WechatMiniprogram.BaseEvent) {
      const reviewed = event.currentTarget.dataset.status as Reviewed;
      if (reviewed === this.data.reviewed) return;
      this.setData({ reviewed, items: [] });
      void this.load();
    },
    /** The status the list on screen asks for (none on the alerts tab). */
    listStatus(): 'pending' | Reviewed | null {
      if (this.data.tab === 'alerts') return null;
      return this.data.tab === 'pending' ? 'pending' : this.data.reviewed;
    },
    beforeLoad() {
      this.setData({ rejecting: '' });
    },
    listKey() {
      return this.listStatus() ?? 'alerts';
    },
    async fetchList(cursor?: string): Promise<ApiReply<ListPage<CorrectionRow>>> {
      const status = this.listStatus();
      if (status) return rows(await call('record.corrections', { status, cursor }, { toast: false }), toRow);
      // The alerts come whole (a few per community), shown beside the list's rows, which stay empty.
      const alerts = await call('record.alerts', {}, { toast: false });
      return alerts.ok ? { ok: true, data: { items: [], nextCursor: null, view: { alerts: alerts.data.map(toAlertRow) } } } : alerts;
    },
    onGo(event: WechatMiniprogram.BaseEvent) {
      void wx.navigateTo({ url: String(event.currentTarget.dataset.url) });
    },

    ...reviewMethods({
      key: 'id',
      approve: (correctionId) => call('record.reviewCorrection', { correctionId, decision: 'approve' }, { loading: '正在提交' }),
      approved: ({ correction }) => `已通过，${correction.volunteerName}的记录已更正`,
      reject: (correctionId, note) => call('record.reviewCorrection', { correctionId, decision: 'reject', note }, { loading: '正在提交', toast: false }),
      rejected: '已退回更正申请',
      noteMissing: '请填写不通过的原因，志愿者会看到',
    }),
  },
});
