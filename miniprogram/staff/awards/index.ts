/**
 * Good deeds and role models (好人好事/先进典型): staff and grid workers nominate a resident by the
 * phone they registered with; another staff member approves or rejects (four eyes), and only an
 * approval posts the points. One clientRequestId per filled-in form, kept until it succeeds, so a
 * second tap after a lost reply does not nominate twice.
 */
import type { NominationView } from '../../../core/contract';
import { call, newRequestId } from '../../services/api';
import { appendNextPage, listState, loadFirstPage } from '../../services/paging';
import { reviewMethods, reviewState } from '../../services/review';
import { formatTime, isPhone } from '../../utils/format';
import { AWARD_KIND_TEXT, REVIEW_STATUS_TAG, REVIEW_STATUS_TEXT } from '../../utils/labels';

type Status = 'pending' | 'approved' | 'rejected';
type Kind = 'good_deed' | 'role_model';
type Field = 'phone' | 'reason';

interface Row extends NominationView {
  kindText: string;
  statusText: string;
  statusTag: string;
  createdText: string;
  reviewedText: string;
}

const toRow = (item: NominationView): Row => ({
  ...item,
  kindText: AWARD_KIND_TEXT[item.kind],
  statusText: REVIEW_STATUS_TEXT[item.status],
  statusTag: REVIEW_STATUS_TAG[item.status],
  createdText: formatTime(item.createdAt),
  reviewedText: formatTime(item.reviewedAt),
});

const EMPTY_FORM = { phone: '', kind: 'good_deed' as Kind, points: 10, reason: '' };

Component({
  data: {
    form: { ...EMPTY_FORM },
    errors: {} as Partial<Record<Field, string>>,
    requestId: '',
    submitting: false,
    status: 'pending' as Status,
    ...listState<Row>(),
    ...reviewState(),
  },
  methods: {
    onLoad() {
      this.setData({ requestId: newRequestId() });
      void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },

    // ---- the nomination form ----------------------------------------------------------------
    onField(event: WechatMiniprogram.BaseEvent & { detail: string }) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
    },
    onKind(event: WechatMiniprogram.BaseEvent & { detail: Kind }) {
      this.setData({ 'form.kind': event.detail });
    },
    onPoints(event: WechatMiniprogram.BaseEvent & { detail: number | string }) {
      this.setData({ 'form.points': Number(event.detail) });
    },
    validate(): boolean {
      const { phone, points, reason } = this.data.form;
      const errors: Partial<Record<Field, string>> = {};
      if (!isPhone(phone)) errors.phone = '请填写被推荐人登记的 11 位手机号';
      if (!reason.trim()) errors.reason = '请填写推荐事由';
      else if (reason.trim().length > 200) errors.reason = '推荐事由不能超过 200 个字';
      this.setData({ errors });
      return Object.keys(errors).length === 0 && Number.isInteger(points) && points >= 1 && points <= 1000;
    },
    async onSubmit() {
      if (this.data.submitting || !this.validate()) return;
      const { phone, kind, points, reason } = this.data.form;
      this.setData({ submitting: true });
      const reply = await call(
        'points.nominate',
        { phone: phone.trim(), kind, points, reason: reason.trim(), clientRequestId: this.data.requestId },
        { loading: '正在提交' },
      );
      this.setData({ submitting: false });
      if (!reply.ok) return;
      wx.showToast({ title: `已推荐${reply.data.nomineeName}，待其他工作人员审核`, icon: 'none' });
      // Only now is the next submission a new nomination.
      this.setData({ form: { ...EMPTY_FORM }, errors: {}, requestId: newRequestId() });
      if (this.data.status === 'pending') void this.load();
    },

    // ---- the list ---------------------------------------------------------------------------
    onTab(event: WechatMiniprogram.BaseEvent) {
      const status = event.currentTarget.dataset.status as Status;
      if (status === this.data.status) return;
      this.setData({ status, items: [] });
      void this.load();
    },
    load() {
      const status = this.data.status;
      this.setData({ rejecting: '' });
      return loadFirstPage(this, 'items', () => call('points.nominations', { status }, { toast: false }), toRow, () => status === this.data.status);
    },
    loadMore() {
      const status = this.data.status;
      return appendNextPage(this, 'items', (cursor) => call('points.nominations', { status, cursor }), toRow, () => status === this.data.status);
    },
    ...reviewMethods({
      key: 'id',
      approve: (nominationId) => call('points.review', { nominationId, decision: 'approve' }, { loading: '正在提交' }),
      approved: ({ nomination }) => `已通过，${nomination.nomineeName}获得 ${nomination.points} 积分`,
      reject: (nominationId, note) => call('points.review', { nominationId, decision: 'reject', note }, { loading: '正在提交', toast: false }),
      rejected: '已标记为不通过',
      noteMissing: '请填写不通过的原因，推荐人会看到',
    }),
  },
});
