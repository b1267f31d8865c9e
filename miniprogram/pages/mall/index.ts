/**
 * Points market (TAB): goods with their points price and stock, redeem one after a confirmation, and
 * my redemptions with the 6-digit code to show at the counter (a pending one can be cancelled).
 */
import type { GoodsView, RedemptionView } from '../../../core/contract';
import { call, newRequestId } from '../../services/api';
import { appendNextPage } from '../../services/paging';
import { confirm } from '../../utils/dialog';
import { formatTime, largeText } from '../../utils/format';
import { REDEMPTION_STATUS_TAG, REDEMPTION_STATUS_TEXT } from '../../utils/labels';

type Tab = 'goods' | 'mine';
type RedemptionRow = RedemptionView & { createdText: string };

function toRow(redemption: RedemptionView): RedemptionRow {
  return { ...redemption, createdText: formatTime(redemption.createdAt) };
}

Component({
  data: {
    largeText: false,
    tab: 'goods' as Tab,
    loading: true,
    error: '',
    loaded: false,
    balance: 0,
    goods: [] as GoodsView[],
    redemptions: [] as RedemptionRow[],
    nextCursor: null as string | null,
    loadingMore: false,
    busy: false,
    statusText: REDEMPTION_STATUS_TEXT,
    statusTag: REDEMPTION_STATUS_TAG,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      if (this.data.loaded) void this.load(true);
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      if (this.data.tab === 'mine') void this.loadMore();
    },
    async load(quiet = false) {
      if (!quiet) this.setData({ loading: true, error: '' });
      const reply = await call('mall.home', { limit: 20 }, { toast: false });
      if (!reply.ok) {
        if (!quiet) this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const { goods, balance, redemptions } = reply.data;
      this.setData({
        loading: false,
        loaded: true,
        error: '',
        goods: goods.filter((g) => g.active),
        balance,
        redemptions: redemptions.items.map(toRow),
        nextCursor: redemptions.nextCursor,
      });
    },
    loadMore() {
      return appendNextPage(this, 'redemptions', (cursor) => call('mall.myRedemptions', { limit: 20, cursor }), toRow);
    },
    onTab(event: WechatMiniprogram.BaseEvent & { detail: { name: Tab } }) {
      if (event.detail.name !== this.data.tab) this.setData({ tab: event.detail.name });
    },
    async onRedeem(event: WechatMiniprogram.BaseEvent) {
      if (this.data.busy) return;
      const goods = this.data.goods.find((g) => g.id === String(event.currentTarget.dataset.id));
      if (!goods) return;
      const ok = await confirm('确认兑换', `用 ${goods.pointsPrice} 积分兑换 1 件“${goods.name}”？`, '兑换');
      if (!ok) return;
      this.setData({ busy: true });
      const reply = await call('mall.redeem', { goodsId: goods.id, quantity: 1, clientRequestId: newRequestId() }, { loading: '正在兑换' });
      this.setData({ busy: false });
      if (!reply.ok) return; // the api layer showed the server's message
      wx.showToast({ title: '兑换成功', icon: 'success' });
      await this.load(true);
      this.setData({ tab: 'mine' });
    },
    async onCancelRedemption(event: WechatMiniprogram.BaseEvent) {
      if (this.data.busy) return;
      const redemption = this.data.redemptions.find((r) => r.id === String(event.currentTarget.dataset.id));
      if (!redemption) return;
      const ok = await confirm('取消兑换', `取消“${redemption.goodsName}”的兑换？${redemption.points} 积分会退回。`, '取消兑换');
      if (!ok) return;
      this.setData({ busy: true });
      const reply = await call('mall.cancel', { redemptionId: redemption.id }, { loading: '正在取消' });
      this.setData({ busy: false });
      if (!reply.ok) return;
      wx.showToast({ title: '已取消，积分已退回', icon: 'none' });
      await this.load(true);
    },
  },
});
