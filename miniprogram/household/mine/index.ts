/**
 * 我的家庭户: a resident's household as the register holds it (the door, its members, its linker),
 * or — before staff have linked them — a request to join the household of their registered home,
 * with its state (waiting, or refused and why). Someone who is a linker (联户长) sees the households
 * they look after below, with the care flags they are trusted with; tapping one opens it (代点单, 走访). First screen: household.mine
 * and household.list of the linked households, in parallel.
 */
import type { HouseholdClaimView, HouseholdView } from '../../../core/contract';
import type { HouseholdRelation } from '../../../core/model';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { largeText } from '../../utils/format';
import { HOUSEHOLD_RELATIONS } from '../../utils/labels';

interface LinkedRow extends HouseholdView {
  membersText: string;
  /** What is open for it, at a glance; `busy` when anything is. */
  openText: string;
  busy: boolean;
}

function openTextOf(open: HouseholdView['open']): string {
  if (!open || open.orders + open.affairs === 0) return '暂无进行中的订单和问题';
  return [open.orders > 0 ? `${open.orders} 个订单进行中` : '', open.affairs > 0 ? `${open.affairs} 个问题办理中` : ''].filter(Boolean).join('，');
}

const toLinkedRow = (household: HouseholdView): LinkedRow => ({
  ...household,
  membersText: household.members.map((member) => `${member.name}（${member.relation}）`).join('、'),
  openText: openTextOf(household.open),
  busy: (household.open?.orders ?? 0) + (household.open?.affairs ?? 0) > 0,
});

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    loading: true,
    error: '',
    household: null as HouseholdView | null,
    claim: null as HouseholdClaimView | null,
    mayClaim: false,
    linked: [] as LinkedRow[],
    relations: HOUSEHOLD_RELATIONS as readonly HouseholdRelation[],
    relation: '' as HouseholdRelation | '',
    claimError: '',
    claiming: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const [mine, linked] = await Promise.all([call('household.mine', {}, { toast: false }), call('household.list', { box: 'linked' }, { toast: false })]);
      if (!mine.ok) return this.setData({ loading: false, error: mine.error.message });
      this.setData({
        loading: false,
        household: mine.data.household,
        claim: mine.data.claim,
        mayClaim: mine.data.mayClaim,
        linked: linked.ok ? linked.data.items.map(toLinkedRow) : [],
      });
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/household/detail/index?householdId=${encodeURIComponent(String(event.currentTarget.dataset.id))}` });
    },
    onRelation(event: WechatMiniprogram.BaseEvent) {
      this.setData({ relation: event.currentTarget.dataset.relation as HouseholdRelation, claimError: '' });
    },
    async onClaim() {
      if (this.data.claiming) return;
      const { relation } = this.data;
      if (!relation) return this.setData({ claimError: '请选择您与户主的关系' });
      this.setData({ claiming: true, claimError: '' });
      const reply = await call('household.claim', { relation }, { toast: false, loading: '正在提交' });
      this.setData({ claiming: false });
      if (!reply.ok) return this.setData({ claimError: reply.error.message });
      this.setData({ claim: reply.data.claim });
      wx.showToast({ title: '已提交，等待社区确认', icon: 'none' });
    },
  },
});
