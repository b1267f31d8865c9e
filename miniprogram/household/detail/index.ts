/**
 * 家庭户详情 (a linker's, staff's or the grid worker's view of one household): who lives there, what
 * is open for it (orders, and problems its members reported under their name), and the linker's
 * visits (走访), which its linker records here. 代点单 opens the order form for this household.
 * First screen: household.get and household.visits, in parallel.
 */
import type { HouseholdDetailView, HouseholdVisitView } from '../../../core/contract';
import type { VisitWay } from '../../../core/model';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime, largeText } from '../../utils/format';
import { beijingToday } from '../../utils/records';
import { AFFAIR_STATUS_TEXT, ORDER_STATUS_TEXT, VISIT_WAYS } from '../../utils/labels';

/** How far back a visit may be recorded (the cloud holds the same bound, VISIT_BACKDATE_DAYS). */
const BACKDATE_DAYS = 7;
const NOTE_MAX = 300;

interface OpenRow {
  id: string;
  title: string;
  meta: string;
  overdue: boolean;
}

function openRows(detail: HouseholdDetailView): { orders: OpenRow[]; affairs: OpenRow[] } {
  return {
    orders: detail.openOrders.map((order) => ({ id: order.id, title: order.serviceName, meta: `${ORDER_STATUS_TEXT[order.status]} · ${order.contactName} · ${formatTime(order.createdAt)}`, overdue: order.overdue })),
    affairs: detail.openAffairs.map((affair) => ({ id: affair.id, title: affair.category, meta: `${AFFAIR_STATUS_TEXT[affair.status]} · ${formatTime(affair.createdAt)}`, overdue: affair.overdue })),
  };
}

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    loading: true,
    error: '',
    householdId: '',
    detail: null as HouseholdDetailView | null,
    membersText: '',
    orders: [] as OpenRow[],
    affairs: [] as OpenRow[],
    visits: [] as HouseholdVisitView[],
    visitsCursor: '',
    /** Whether the caller may read the visits (staff and the linker). */
    visitsShown: false,
    loadingMore: false,
    // The visit form (the linker only).
    formShown: false,
    ways: VISIT_WAYS as readonly VisitWay[],
    way: '上门' as VisitWay,
    date: '',
    earliest: '',
    today: '',
    note: '',
    formError: '',
    saving: false,
  },
  methods: {
    onLoad(query: { householdId?: string }) {
      this.setData({ largeText: largeText(), householdId: query.householdId ?? '' });
      void this.load();
    },
    async load() {
      if (!this.data.householdId) return this.setData({ loading: false, error: '没有指定家庭户，请从列表中打开' });
      this.setData({ loading: true, error: '' });
      const householdId = this.data.householdId;
      const [detail, visits] = await Promise.all([call('household.get', { householdId }, { toast: false }), call('household.visits', { householdId, limit: 20 }, { toast: false })]);
      if (!detail.ok) return this.setData({ loading: false, error: detail.error.message });
      const { household } = detail.data;
      this.setData({
        loading: false,
        detail: detail.data,
        membersText: household.members.map((member) => `${member.name}（${member.relation}）${member.registered ? '' : '·未使用小程序'}`).join('、'),
        ...openRows(detail.data),
        visits: visits.ok ? visits.data.items : [],
        visitsCursor: visits.ok ? (visits.data.nextCursor ?? '') : '',
        visitsShown: visits.ok,
      });
    },
    async onMoreVisits() {
      if (!this.data.visitsCursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      const reply = await call('household.visits', { householdId: this.data.householdId, limit: 20, cursor: this.data.visitsCursor });
      this.setData({ loadingMore: false });
      if (reply.ok) this.setData({ visits: [...this.data.visits, ...reply.data.items], visitsCursor: reply.data.nextCursor ?? '' });
    },
    onOrder() {
      wx.navigateTo({ url: `/pages/order-form/index?householdId=${encodeURIComponent(this.data.householdId)}` });
    },
    onOpenForm() {
      this.setData({ formShown: true, formError: '', date: beijingToday(), today: beijingToday(), earliest: beijingToday(Date.now() - BACKDATE_DAYS * 86_400_000) });
    },
    onCloseForm() {
      this.setData({ formShown: false });
    },
    onWay(event: WechatMiniprogram.BaseEvent) {
      this.setData({ way: event.currentTarget.dataset.way as VisitWay });
    },
    onDate(event: WechatMiniprogram.PickerChange) {
      this.setData({ date: String(event.detail.value) });
    },
    onNote(event: Vant.FieldChange) {
      this.setData({ note: event.detail, formError: '' });
    },
    async onSaveVisit() {
      if (this.data.saving) return;
      const note = this.data.note.trim();
      if (!note) return this.setData({ formError: '请填写走访情况，如身体、生活、有什么需要' });
      if (note.length > NOTE_MAX) return this.setData({ formError: `走访情况不能超过 ${NOTE_MAX} 个字` });
      this.setData({ saving: true, formError: '' });
      const reply = await call('household.visit', { householdId: this.data.householdId, date: this.data.date, way: this.data.way, note }, { toast: false, loading: '正在保存' });
      this.setData({ saving: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      const visits = [reply.data, ...this.data.visits].sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? 1 : -1));
      this.setData({ visits, formShown: false, note: '' });
      wx.showToast({ title: '已记录', icon: 'success' });
    },
  },
});
