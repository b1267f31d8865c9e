/**
 * Scoring (评分): completed orders waiting for the community's score, with the resident's own
 * rating. Staff give 1–5 and an optional note; the reply says how many points the volunteer got.
 *
 * The service record counts the minutes the volunteer reported, or fewer if the scorer says so
 * (认定时长). Minutes far above the service's expected time (more than the community's check ratio,
 * 3× by default: completion.unconfirmed) count only once the scorer has checked them and typed what
 * counts: the cloud refuses the score without them.
 */
import type { OrderSummary } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';

interface Row extends OrderSummary {
  /** Why the reported minutes must be checked ('' when they need not be). */
  checkText: string;
}

/**
 * "志愿者填报 200 分钟，超过预计用时（30 分钟）的 3 倍，请核实"; without the ratio, in words. Minutes
 * within the ratio were flagged by the other rule: over 4 hours, whatever the expected time.
 */
function checkText(order: OrderSummary, ratio: number | null): string {
  const completion = order.completion;
  if (!completion?.unconfirmed) return '';
  const over =
    ratio === null
      ? `远超预计用时（${order.expectedMinutes} 分钟）`
      : completion.minutes > ratio * order.expectedMinutes
        ? `超过预计用时（${order.expectedMinutes} 分钟）的 ${ratio} 倍`
        : '单次服务超过 4 小时';
  return `志愿者填报 ${completion.minutes} 分钟，${over}，请核实`;
}

Component({
  behaviors: [listPage<Row>()],
  data: {
    /** The community's minutes check ratio, read once an order needs checking (null until then). */
    ratio: null as number | null,
    /** The order being scored and its form. */
    openOrderId: '',
    /** Whether the open order's minutes must be confirmed (认定时长 required). */
    mustConfirm: false,
    reportedMinutes: 0,
    score: 5,
    note: '',
    minutes: '',
    minutesError: '',
    busy: false,
    lastResult: '',
  },
  methods: {
    onLoad() {
      void this.load();
    },
    beforeLoad() {
      this.setData({ openOrderId: '' });
    },
    async fetchList(cursor?: string) {
      const reply = await call('scoring.pending', { cursor }, { toast: false });
      if (!reply.ok) return reply;
      const ratio = await this.ratioFor(reply.data.items);
      return rows(reply, (order) => ({ ...order, checkText: checkText(order, ratio) }), { ratio });
    },
    /**
     * The ratio the community checks minutes by, for the warning's wording: asked for once, and only
     * when an order on the list needs checking. Without it the warning says the same in words.
     */
    async ratioFor(orders: OrderSummary[]): Promise<number | null> {
      const unconfirmed = orders.find((order) => order.completion?.unconfirmed);
      if (this.data.ratio !== null || !unconfirmed) return this.data.ratio;
      const reply = await call('community.get', { communityId: unconfirmed.communityId }, { toast: false });
      return reply.ok ? reply.data.settings.minutesCheckRatio : null;
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      const orderId = String(event.currentTarget.dataset.id);
      const order = this.data.items.find((item) => item.id === orderId);
      // Start from the resident's stars: most of the time staff agree with them.
      this.setData({
        openOrderId: orderId,
        score: order?.rating?.stars ?? 5,
        note: '',
        minutes: '',
        minutesError: '',
        mustConfirm: order?.completion?.unconfirmed === true,
        reportedMinutes: order?.completion?.minutes ?? 0,
      });
    },
    onCancel() {
      this.setData({ openOrderId: '' });
    },
    onScore(event: Vant.RateChange) {
      this.setData({ score: event.detail });
    },
    onNote(event: Vant.FieldChange) {
      this.setData({ note: event.detail });
    },
    onMinutes(event: Vant.FieldChange) {
      this.setData({ minutes: event.detail, minutesError: '' });
    },
    /** The minutes to send (undefined: those reported count), or the problem with what was typed. */
    countedMinutes(): { minutes?: number } | string {
      const typed = this.data.minutes.trim();
      if (typed === '') return this.data.mustConfirm ? '请填写认定时长：核实志愿者实际服务了多少分钟' : {};
      const minutes = Number(typed);
      if (!Number.isInteger(minutes) || minutes < 0) return '认定时长请填写整数（分钟）';
      // The record never counts more than the volunteer reported.
      if (minutes > this.data.reportedMinutes) return `认定时长不能超过志愿者填报的 ${this.data.reportedMinutes} 分钟`;
      return { minutes };
    },
    async onSubmit() {
      const orderId = this.data.openOrderId;
      const score = this.data.score;
      if (!orderId || this.data.busy) return;
      if (!Number.isInteger(score) || score < 1 || score > 5) {
        wx.showToast({ title: '请选择 1–5 分', icon: 'none' });
        return;
      }
      const counted = this.countedMinutes();
      if (typeof counted === 'string') return this.setData({ minutesError: counted });
      const note = this.data.note.trim();
      this.setData({ busy: true, minutesError: '' });
      const reply = await call('scoring.score', { orderId, score, ...counted, ...(note ? { note } : {}) }, { loading: '正在提交' });
      this.setData({ busy: false });
      if (reply.ok) {
        const name = reply.data.order.assignee?.name ?? '志愿者';
        const recorded = counted.minutes === undefined ? '' : `，认定服务 ${counted.minutes} 分钟`;
        const lastResult = `已评 ${score} 分，${name}获得 ${reply.data.points} 积分${recorded}`;
        wx.showToast({ title: lastResult, icon: 'none', duration: 2500 });
        this.setData({ lastResult, openOrderId: '', items: this.data.items.filter((item) => item.id !== orderId) });
      } else if (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND') {
        await this.load();
      }
    },
  },
});
