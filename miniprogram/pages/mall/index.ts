/**
 * Points market (TAB): goods with their points price and stock, redeem one after a confirmation, and
 * my redemptions with the 6-digit code to show at the counter (a pending one can be cancelled).
 */
import type { GoodsView, RedemptionView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call, newRequestId } from '../../api/api';
import { confirm } from '../../utils/dialog';
import { formatTime, largeText } from '../../utils/format';
import { REDEMPTION_STATUS_TAG, REDEMPTION_STATUS_TEXT } from '../../utils/labels';
import { qrDataUrl } from '../../utils/qr';

type Tab = 'goods' | 'mine';
/** `qr`: the code as a QR image (only while it can still be verified), for staff to scan. */
type RedemptionRow = RedemptionView & { createdText: string; qr?: string };

function toRow(redemption: RedemptionView): RedemptionRow {
  return { ...redemption, createdText: formatTime(redemption.createdAt), ...(redemption.status === 'pending' ? { qr: qrDataUrl(redemption.code) } : {}) };
}

Component({
  behaviors: [listPage<RedemptionRow>()],
  data: {
    largeText: false,
    tab: 'goods' as Tab,
    balance: 0,
    goods: [] as GoodsView[],
    busy: false,
    /** The request id of a redemption not yet confirmed: tapped again (after a lost reply), it is the same redemption. */
    redeemGoodsId: '',
    redeemRequestId: '',
    statusText: REDEMPTION_STATUS_TEXT,
    statusTag: REDEMPTION_STATUS_TAG,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      void this.refresh();
    },
    onReachBottom() {
      // The list that pages is my redemptions; the goods come whole.
      if (this.data.tab === 'mine') void this.loadMore();
    },
    /** The first screen is one call (goods, balance, my redemptions); later pages are redemptions alone. */
    async fetchList(cursor?: string) {
      if (cursor) return rows(await call('mall.myRedemptions', { limit: 20, cursor }, { toast: false }), toRow);
      const reply = await call('mall.home', { limit: 20 }, { toast: false });
      if (!reply.ok) return reply;
      const { goods, balance, redemptions } = reply.data;
      return rows({ ok: true, data: redemptions }, toRow, { goods: goods.filter((g) => g.active), balance });
    },
    onRules() {
      wx.navigateTo({ url: '/pages/points-rules/index' });
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      const tab = event.currentTarget.dataset.tab as Tab;
      if (tab !== this.data.tab) this.setData({ tab });
    },
    async onRedeem(event: WechatMiniprogram.BaseEvent) {
      if (this.data.busy) return;
      const goods = this.data.goods.find((g) => g.id === String(event.currentTarget.dataset.id));
      if (!goods) return;
      const ok = await confirm('确认兑换', `用 ${goods.pointsPrice} 积分兑换 1 件“${goods.name}”？`, '兑换');
      if (!ok) return;
      const clientRequestId = this.data.redeemGoodsId === goods.id && this.data.redeemRequestId ? this.data.redeemRequestId : newRequestId();
      this.setData({ busy: true, redeemGoodsId: goods.id, redeemRequestId: clientRequestId });
      const reply = await call('mall.redeem', { goodsId: goods.id, quantity: 1, clientRequestId }, { loading: '正在兑换' });
      this.setData({ busy: false });
      // The api layer showed the message. The id is kept: if the reply was lost, not the redemption,
      // tapping again returns that redemption instead of paying twice.
      if (!reply.ok) return;
      this.setData({ redeemGoodsId: '', redeemRequestId: '' });
      wx.showToast({ title: '兑换成功', icon: 'success' });
      await this.refresh();
      this.setData({ tab: 'mine' });
    },
    async onCancelRedemption(event: WechatMiniprogram.BaseEvent) {
      if (this.data.busy) return;
      const redemption = this.data.items.find((r) => r.id === String(event.currentTarget.dataset.id));
      if (!redemption) return;
      const ok = await confirm('取消兑换', `取消“${redemption.goodsName}”的兑换？${redemption.points} 积分会退回。`, '取消兑换');
      if (!ok) return;
      this.setData({ busy: true });
      const reply = await call('mall.cancel', { redemptionId: redemption.id }, { loading: '正在取消' });
      this.setData({ busy: false });
      if (!reply.ok) return;
      wx.showToast({ title: '已取消，积分已退回', icon: 'none' });
      await this.refresh();
    },
  },
});
