/**
 * 家庭户登记簿: staff see the community's households (by grid and building), register and edit
 * them, and decide residents' requests to join their home's household (待确认). A grid worker sees
 * the households of their grids, read-only and without the care flags (the cloud leaves them out).
 * Anyone else gets the cloud's refusal. First screen: user.me, then household.list and — for staff,
 * for the grid and building filter — community.get, in parallel.
 */
import type { HouseholdClaimView, HouseholdView } from '../../../core/contract';
import type { Grid } from '../../../core/model';
import { call } from '../../api/api';
import { type ListPage, listPage } from '../../behaviors/list-page';
import { largeText } from '../../utils/format';

type Tab = 'households' | 'claims';

interface HouseholdRow extends HouseholdView {
  membersText: string;
}

interface ClaimRow extends HouseholdClaimView {
  /** What confirming does: join the registered household, or register it. */
  doorText: string;
}

const ALL_GRIDS = '全部网格';
const ALL_BUILDINGS = '全部楼栋';
const PAGE_SIZE = 20;

const toHouseholdRow = (household: HouseholdView): HouseholdRow => ({
  ...household,
  membersText: household.members.map((member) => `${member.name}（${member.relation}）`).join('、'),
});

const toClaimRow = (claim: HouseholdClaimView): ClaimRow => ({
  ...claim,
  doorText: claim.householdRegistered ? '该户已登记，确认后加入该户' : '该户还未登记，确认后按此住址登记该户',
});

Component({
  behaviors: [listPage<HouseholdRow | ClaimRow>()],
  data: {
    largeText: false,
    /** Staff keep the register ('community'); a grid worker reads their grids' ('grid'); '' until user.me answered. */
    box: '' as '' | 'community' | 'grid',
    mayEdit: false,
    tab: 'households' as Tab,
    grids: [] as Grid[],
    gridNames: [ALL_GRIDS],
    gridIndex: 0,
    buildingNames: [ALL_BUILDINGS],
    buildingIndex: 0,
    /** Shown on the tab once the requests were read: "3", or "20+" when there are more pages. */
    claimsCount: '',
    /** The request being decided (its openid), and the one whose refusal reason is being written. */
    deciding: '',
    rejecting: '',
    reason: '',
    rejectError: '',
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      // Back from the edit page: the household may have changed.
      if (this.data.box && !this.data.loading) void this.refresh();
    },
    listKey() {
      return `${this.data.tab}|${this.data.gridIndex}|${this.data.buildingIndex}`;
    },
    async fetchList(cursor?: string) {
      if (!this.data.box) {
        const me = await call('user.me', {}, { toast: false });
        if (!me.ok) return me;
        const staff = me.data.roles.includes('staff');
        // Anyone else asks for the community's list too, and is shown the cloud's refusal.
        this.setData({ box: !staff && me.data.roles.includes('grid_worker') ? 'grid' : 'community', mayEdit: staff });
        if (staff && me.data.communityId) void this.loadGrids(me.data.communityId);
      }
      if (this.data.tab === 'claims') {
        const reply = await call('household.claims', { limit: PAGE_SIZE, cursor }, { toast: false });
        if (!reply.ok) return reply;
        const items = reply.data.items.map(toClaimRow);
        if (!cursor) this.setData({ claimsCount: `${items.length}${reply.data.nextCursor ? '+' : ''}` });
        return { ok: true as const, data: { items, nextCursor: reply.data.nextCursor } as ListPage<HouseholdRow | ClaimRow> };
      }
      const { box, grids, gridIndex, buildingNames, buildingIndex } = this.data;
      const reply = await call(
        'household.list',
        { box: box || 'community', gridId: gridIndex > 0 ? grids[gridIndex - 1]?.id : undefined, building: buildingIndex > 0 ? buildingNames[buildingIndex] : undefined, limit: PAGE_SIZE, cursor },
        { toast: false },
      );
      if (!reply.ok) return reply;
      return { ok: true as const, data: { items: reply.data.items.map(toHouseholdRow), nextCursor: reply.data.nextCursor } as ListPage<HouseholdRow | ClaimRow> };
    },
    async loadGrids(communityId: string) {
      const community = await call('community.get', { communityId }, { toast: false });
      if (!community.ok) return;
      const grids = community.data.grids.filter((grid) => !grid.retired);
      this.setData({ grids, gridNames: [ALL_GRIDS, ...grids.map((grid) => grid.name)], buildingNames: [ALL_BUILDINGS, ...grids.flatMap((grid) => grid.buildings)] });
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: String(event.currentTarget.dataset.tab) }, { rejecting: '', reason: '', rejectError: '' });
    },
    onGrid(event: WechatMiniprogram.PickerChange) {
      const gridIndex = Number(event.detail.value);
      const buildings = gridIndex > 0 ? (this.data.grids[gridIndex - 1]?.buildings ?? []) : this.data.grids.flatMap((grid) => grid.buildings);
      this.setData({ gridIndex, buildingNames: [ALL_BUILDINGS, ...buildings], buildingIndex: 0, items: [] });
      void this.load();
    },
    onBuilding(event: WechatMiniprogram.PickerChange) {
      this.setData({ buildingIndex: Number(event.detail.value), items: [] });
      void this.load();
    },
    /** Staff edit the household; a grid worker opens it (what is open for it, 代点单). */
    onOpen(event: WechatMiniprogram.BaseEvent) {
      const householdId = encodeURIComponent(String(event.currentTarget.dataset.id));
      wx.navigateTo({ url: this.data.mayEdit ? `/household/edit/index?householdId=${householdId}` : `/household/detail/index?householdId=${householdId}` });
    },
    onRegister() {
      wx.navigateTo({ url: '/household/edit/index' });
    },

    // ---- 待确认: residents asking to join their home's household ------------------------------
    async onConfirm(event: WechatMiniprogram.BaseEvent) {
      const openid = String(event.currentTarget.dataset.openid);
      if (this.data.deciding) return;
      this.setData({ deciding: openid });
      const reply = await call('household.decideClaim', { openid, decision: 'confirm' }, { loading: '正在提交' });
      this.setData({ deciding: '' });
      if (reply.ok) this.decided(openid, '已确认，居民已加入该户');
    },
    onReject(event: WechatMiniprogram.BaseEvent) {
      this.setData({ rejecting: String(event.currentTarget.dataset.openid), reason: '', rejectError: '' });
    },
    onReason(event: Vant.FieldChange) {
      this.setData({ reason: event.detail, rejectError: '' });
    },
    onCancelReject() {
      this.setData({ rejecting: '', reason: '', rejectError: '' });
    },
    async onSubmitReject() {
      const { rejecting: openid, deciding } = this.data;
      const reason = this.data.reason.trim();
      if (!openid || deciding) return;
      if (!reason) return this.setData({ rejectError: '请填写不通过的原因，居民会看到它' });
      if (reason.length > 100) return this.setData({ rejectError: '不通过的原因不能超过 100 个字' });
      this.setData({ deciding: openid });
      const reply = await call('household.decideClaim', { openid, decision: 'reject', reason }, { loading: '正在提交', toast: false });
      this.setData({ deciding: '' });
      if (!reply.ok) return this.setData({ rejectError: reply.error.message });
      this.setData({ rejecting: '', reason: '' });
      this.decided(openid, '已退回，居民会看到原因');
    },
    decided(openid: string, message: string) {
      const items = (this.data.items as ClaimRow[]).filter((claim) => claim.openid !== openid);
      const more = this.data.claimsCount.endsWith('+');
      this.setData({ items, claimsCount: `${items.length}${more ? '+' : ''}` });
      wx.showToast({ title: message, icon: 'none' });
    },
  },
});
