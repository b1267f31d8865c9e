/**
 * Good deeds and role models (好人好事/先进典型): staff and grid workers find the person by name or
 * phone (user.search; a grid worker finds only the residents of their grids), pick them from the
 * list — two people registered with one phone show up as two, told apart by building and unit — and
 * nominate them by id. Another staff member approves or rejects (four eyes), and only an approval
 * posts the points. One clientRequestId per filled-in form, kept until it succeeds, so a second tap
 * after a lost reply does not nominate twice.
 */
import type { NominationView, PersonView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call, newRequestId } from '../../api/api';
import { reviewMethods, reviewState } from '../../api/review';
import { formatTime, isPhone } from '../../utils/format';
import { AWARD_KIND_TEXT, REVIEW_STATUS_TAG, REVIEW_STATUS_TEXT } from '../../utils/labels';

type Status = 'pending' | 'approved' | 'rejected';
type Kind = 'good_deed' | 'role_model';
type Field = 'nominee' | 'reason';

interface Row extends NominationView {
  kindText: string;
  statusText: string;
  statusTag: string;
  createdText: string;
  reviewedText: string;
}

/** A person found by the search, as the picker shows them. */
interface PersonRow extends PersonView {
  /** "2栋 1单元". */
  placeText: string;
}

const toRow = (item: NominationView): Row => ({
  ...item,
  kindText: AWARD_KIND_TEXT[item.kind],
  statusText: REVIEW_STATUS_TEXT[item.status],
  statusTag: REVIEW_STATUS_TAG[item.status],
  createdText: formatTime(item.createdAt),
  reviewedText: formatTime(item.reviewedAt),
});

const toPerson = (person: PersonView): PersonRow => ({ ...person, placeText: [person.building, person.unit].filter(Boolean).join(' ') });

const EMPTY_FORM = { kind: 'good_deed' as Kind, points: 10, reason: '' };
/** The search before anything is typed, and again after a nomination. */
const EMPTY_SEARCH = { query: '', people: [] as PersonRow[], peopleCursor: null as string | null, searched: false, searching: false, searchError: '' };

/** What is wrong with a search term (in Chinese), or '' when it can be sent. */
function queryProblem(query: string): string {
  if (!query) return '请输入被推荐人的姓名或手机号';
  if (/^\d+$/.test(query) && !isPhone(query)) return '手机号应为 11 位，请输入完整的手机号';
  if (query.length > 20) return '姓名不能超过 20 个字';
  return '';
}

Component({
  behaviors: [listPage<Row>()],
  data: {
    /** The person picked from the search results; null until one is tapped. */
    nominee: null as PersonRow | null,
    ...EMPTY_SEARCH,
    form: { ...EMPTY_FORM },
    errors: {} as Partial<Record<Field, string>>,
    requestId: '',
    submitting: false,
    status: 'pending' as Status,
    ...reviewState(),
  },
  methods: {
    onLoad() {
      this.setData({ requestId: newRequestId() });
      void this.load();
    },

    // ---- finding the person -----------------------------------------------------------------
    onQuery(event: Vant.FieldChange) {
      this.setData({ query: event.detail, searchError: '', 'errors.nominee': '' });
    },
    async onSearch() {
      const query = this.data.query.trim();
      const problem = queryProblem(query);
      if (problem) return this.setData({ searchError: problem, searched: false, people: [], peopleCursor: null });
      if (this.data.searching) return;
      this.setData({ searching: true, searchError: '' });
      const reply = await call('user.search', { query }, { toast: false });
      this.setData({ searching: false });
      if (!reply.ok) return this.setData({ searchError: reply.error.message, searched: false, people: [], peopleCursor: null });
      this.setData({ searched: true, people: reply.data.items.map(toPerson), peopleCursor: reply.data.nextCursor });
    },
    async onMorePeople() {
      const cursor = this.data.peopleCursor;
      const query = this.data.query.trim();
      if (!cursor || this.data.searching) return;
      this.setData({ searching: true });
      const reply = await call('user.search', { query, cursor });
      this.setData({ searching: false });
      if (reply.ok) this.setData({ people: this.data.people.concat(reply.data.items.map(toPerson)), peopleCursor: reply.data.nextCursor });
    },
    onPick(event: WechatMiniprogram.BaseEvent) {
      const nominee = this.data.people.find((person) => person.openid === String(event.currentTarget.dataset.openid));
      if (nominee) this.setData({ nominee, 'errors.nominee': '' });
    },
    /** Back to the results (kept), to pick someone else. */
    onRepick() {
      this.setData({ nominee: null });
    },

    // ---- the nomination form ----------------------------------------------------------------
    onField(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as Field;
      this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
    },
    onKind(event: Vant.RadioGroupChange<Kind>) {
      this.setData({ 'form.kind': event.detail });
    },
    onPoints(event: Vant.StepperChange) {
      this.setData({ 'form.points': Number(event.detail) });
    },
    validate(): boolean {
      const { points, reason } = this.data.form;
      const errors: Partial<Record<Field, string>> = {};
      if (!this.data.nominee) errors.nominee = '请先搜索并选择被推荐人';
      if (!reason.trim()) errors.reason = '请填写推荐事由';
      else if (reason.trim().length > 200) errors.reason = '推荐事由不能超过 200 个字';
      this.setData({ errors });
      return Object.keys(errors).length === 0 && Number.isInteger(points) && points >= 1 && points <= 1000;
    },
    async onSubmit() {
      if (this.data.submitting || !this.validate()) return;
      const nominee = this.data.nominee;
      if (!nominee) return;
      const { kind, points, reason } = this.data.form;
      this.setData({ submitting: true });
      const reply = await call(
        'points.nominate',
        { openid: nominee.openid, kind, points, reason: reason.trim(), clientRequestId: this.data.requestId },
        { loading: '正在提交' },
      );
      this.setData({ submitting: false });
      if (!reply.ok) return;
      wx.showToast({ title: `已推荐${reply.data.nomineeName}，待其他工作人员审核`, icon: 'none' });
      // Only now is the next submission a new nomination.
      this.setData({ nominee: null, ...EMPTY_SEARCH, form: { ...EMPTY_FORM }, errors: {}, requestId: newRequestId() });
      if (this.data.status === 'pending') void this.load();
    },

    // ---- the list ---------------------------------------------------------------------------
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ status: event.currentTarget.dataset.status as Status });
    },
    beforeLoad() {
      this.setData({ rejecting: '' });
    },
    listKey() {
      return this.data.status;
    },
    async fetchList(cursor?: string) {
      return rows(await call('points.nominations', { status: this.data.status, cursor }, { toast: false }), toRow);
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
