/**
 * Dispatch desk (派单): the community's queue of orders waiting for a volunteer. For an order, staff
 * ask for suggestions (candidates scored by skills, load, ratings, with the reasons in Chinese)
 * and assign one. An order nobody can serve is turned into a community affair in one step (转为社区事务:
 * the order is cancelled with a note, the resident follows the affair instead).
 */
import type { Candidate, OrderSummary } from '../../../core/contract';
import { listPage } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { confirm } from '../../utils/dialog';
import { AFFAIR_CATEGORIES, ORDER_STATUS_TAG, ORDER_STATUS_TEXT } from '../../utils/labels';

/** Which category the affair is (WeChat's action sheet holds up to 6 items: the categories are 6). */
function askCategory(): Promise<(typeof AFFAIR_CATEGORIES)[number] | null> {
  return new Promise((resolve) => {
    wx.showActionSheet({
      itemList: [...AFFAIR_CATEGORIES],
      success: (result) => resolve(AFFAIR_CATEGORIES[result.tapIndex] ?? null),
      fail: () => resolve(null),
    });
  });
}

Component({
  behaviors: [listPage<OrderSummary>()],
  data: {
    statusText: ORDER_STATUS_TEXT,
    statusTag: ORDER_STATUS_TAG,
    /** The order whose candidates are shown, and those candidates. */
    openOrderId: '',
    suggesting: false,
    candidates: [] as Candidate[],
    suggestError: '',
    assigning: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },
    beforeLoad() {
      this.setData({ openOrderId: '', candidates: [] });
    },
    fetchList(cursor?: string) {
      return call('dispatch.queue', { cursor }, { toast: false });
    },
    async onSuggest(event: WechatMiniprogram.BaseEvent) {
      const orderId = String(event.currentTarget.dataset.id);
      if (this.data.openOrderId === orderId && !this.data.suggestError) return this.setData({ openOrderId: '', candidates: [] });
      this.setData({ openOrderId: orderId, suggesting: true, candidates: [], suggestError: '' });
      const reply = await call('dispatch.suggest', { orderId, limit: 10 }, { toast: false });
      if (this.data.openOrderId !== orderId) return;
      if (reply.ok) this.setData({ suggesting: false, candidates: reply.data.candidates });
      else this.setData({ suggesting: false, suggestError: reply.error.message });
    },
    async onToAffair(event: WechatMiniprogram.BaseEvent) {
      const orderId = String(event.currentTarget.dataset.id);
      const category = await askCategory();
      if (!category) return;
      const sure = await confirm('转为社区事务', `这个订单将取消，改为“${category}”类社区事务，由社区自办或吹哨给部门；下单的居民可以在“我的问题”里跟进。`, '转为事务');
      if (!sure) return;
      const reply = await call('affair.fromOrder', { orderId, category, urgency: '一般' }, { loading: '正在转办' });
      if (!reply.ok) {
        if (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND') await this.load();
        return;
      }
      this.setData({ items: this.data.items.filter((item) => item.id !== orderId), openOrderId: '', candidates: [] });
      void wx.navigateTo({ url: `/affair/detail/index?affairId=${encodeURIComponent(reply.data.affair.id)}` });
    },
    async onAssign(event: WechatMiniprogram.BaseEvent) {
      const volunteerOpenid = String(event.currentTarget.dataset.openid);
      const orderId = this.data.openOrderId;
      if (!orderId || this.data.assigning) return;
      this.setData({ assigning: volunteerOpenid });
      const reply = await call('dispatch.assign', { orderId, volunteerOpenid }, { loading: '正在派单' });
      this.setData({ assigning: '' });
      if (reply.ok) {
        wx.showToast({ title: `已派给${reply.data.order.assignee?.name ?? '志愿者'}`, icon: 'none' });
        this.setData({ items: this.data.items.filter((item) => item.id !== orderId), openOrderId: '', candidates: [] });
      } else if (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND') {
        await this.load();
      }
    },
  },
});
