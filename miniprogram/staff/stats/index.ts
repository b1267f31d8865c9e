/**
 * Statistics (数据统计), three tabs:
 * - 概览 (stats.overview): 办结率, satisfaction, response and completion times, volunteer hours,
 *   points issued and redeemed, orders per grid, each figure beside the previous period's; then the
 *   affairs (社区事务) reported in the period and each department's share, from the same reply;
 * - 趋势 (stats.trend): the last 12 months of one chosen figure, loaded when the tab is first opened
 *   (the first screen stays one call);
 * - 对账 (points.reconciliation): the newest reconciliation and what it found.
 *
 * The per-grid chart is a bar chart of plain views whose widths are percentages. No chart library
 * on purpose: echarts-for-weixin adds about 500 KB–1 MB (even a custom build is hundreds of KB) to
 * the staff subpackage for one horizontal bar chart, plus a canvas that does not scale well with
 * the large-text mode our elderly users need. Views are tiny, accessible and render everywhere. The
 * trend is drawn the same way: a figure's 12 months as 12 labelled bars.
 */
import type { AffairStats, DepartmentAffairStats, DiscrepancyView, GridStats, ReconciliationView, StatsComparison, StatsOverview, TrendMonth } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime } from '../../utils/format';

/** 'recent': the server's default window (the last 30 days); 'month': this calendar month; 'lastMonth': the one before. */
type Range = 'recent' | 'month' | 'lastMonth';
type Tab = 'overview' | 'trend' | 'reconcile';
type TrendMetric = 'orders' | 'completionRate' | 'averageStars' | 'volunteerHours' | 'pointsIssued' | 'pointsRedeemed' | 'affairsReceived';

interface GridBar extends GridStats {
  widthPercent: number;
  finishedPercent: number;
  rateText: string;
  starsText: string;
}

interface Figures {
  completionRate: string;
  averageStars: string;
  ratedOrders: number;
  /** Of the ratings, those staff recorded for elders without WeChat (代评); empty when none. */
  onBehalfText: string;
  medianResponse: string;
  medianCompletion: string;
  volunteerHours: string;
  activeVolunteers: number;
  pointsIssued: number;
  pointsRedeemed: number;
  totalOrders: number;
}

/** The affairs of the period as the tiles show them. */
interface AffairTiles {
  received: number;
  closed: number;
  closingRate: string;
  overdue: number;
  escalated: number;
  respondHours: string;
  resolveHours: string;
  averageStars: string;
  rated: number;
  disputes: number;
}

interface DepartmentLine {
  departmentId: string;
  departmentName: string;
  text: string;
}

interface TrendBar {
  month: string;
  label: string;
  valueText: string;
  widthPercent: number;
}

interface DiscrepancyLine {
  key: string;
  title: string;
  detail: string;
  actionText: string;
}

const percent = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);
const orDash = (value: number | null, unit = ''): string => (value === null ? '—' : `${value}${unit}`);

/** This Beijing calendar month, or `back` months before it, as YYYY-MM. */
export function beijingMonth(now: Date, back = 0): string {
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  const month = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() - back, 1));
  return `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function toFigures(stats: StatsOverview): Figures {
  const totalOrders = Object.values(stats.ordersByStatus).reduce((sum, count) => sum + count, 0);
  return {
    completionRate: percent(stats.completionRate),
    averageStars: orDash(stats.averageStars),
    ratedOrders: stats.ratedOrders,
    onBehalfText: stats.ratedOnBehalf ? `其中代评 ${stats.ratedOnBehalf.ratedOrders} 单，平均 ${stats.ratedOnBehalf.averageStars} 星` : '',
    medianResponse: orDash(stats.medianResponseMinutes),
    medianCompletion: orDash(stats.medianCompletionMinutes),
    volunteerHours: String(stats.volunteerHours),
    activeVolunteers: stats.activeVolunteers,
    pointsIssued: stats.pointsIssued,
    pointsRedeemed: stats.pointsRedeemed,
    totalOrders,
  };
}

export function toAffairTiles(affairs: AffairStats): AffairTiles {
  return {
    received: affairs.received,
    closed: affairs.closed,
    closingRate: percent(affairs.closingRate),
    overdue: affairs.overdue,
    escalated: affairs.escalated,
    respondHours: orDash(affairs.averageRespondHours),
    resolveHours: orDash(affairs.averageResolveHours),
    averageStars: orDash(affairs.averageStars),
    rated: affairs.rated,
    disputes: affairs.disputes,
  };
}

/** One line per department whistled to: what it holds, closed, and how fast it answered. */
export function toDepartmentLines(departments: DepartmentAffairStats[]): DepartmentLine[] {
  return departments.map((department) => ({
    departmentId: department.departmentId,
    departmentName: department.departmentName,
    text: `${department.received} 件 · 办结 ${department.closed} 件（${percent(department.closingRate)}）· 平均响应 ${orDash(department.averageRespondHours, ' 小时')}${department.overdue > 0 ? ` · 超期 ${department.overdue} 件` : ''}`,
  }));
}

export function toBars(grids: GridStats[]): GridBar[] {
  const max = Math.max(1, ...grids.map((grid) => grid.orders));
  return grids.map((grid) => ({
    ...grid,
    widthPercent: Math.round((grid.orders / max) * 100),
    finishedPercent: grid.orders === 0 ? 0 : Math.round((grid.finished / grid.orders) * 100),
    rateText: percent(grid.completionRate),
    starsText: orDash(grid.averageStars, ' 星'),
  }));
}

export const TREND_METRICS: ReadonlyArray<{ key: TrendMetric; label: string }> = [
  { key: 'orders', label: '订单数' },
  { key: 'completionRate', label: '办结率' },
  { key: 'averageStars', label: '满意度' },
  { key: 'volunteerHours', label: '服务时长' },
  { key: 'pointsIssued', label: '发放积分' },
  { key: 'pointsRedeemed', label: '兑换积分' },
  { key: 'affairsReceived', label: '上报事务' },
];

const metricText = (metric: TrendMetric, value: number | null): string => {
  if (metric === 'completionRate') return percent(value);
  if (metric === 'averageStars') return orDash(value, ' 星');
  if (metric === 'volunteerHours') return orDash(value, ' 小时');
  return orDash(value);
};

/** One figure's months as bars, the longest full width; a month with nothing to measure has none. */
export function toTrendBars(months: TrendMonth[], metric: TrendMetric): TrendBar[] {
  const max = Math.max(0, ...months.map((month) => month[metric] ?? 0));
  return months.map((month, index) => {
    const [year, number] = month.month.split('-');
    const value = month[metric];
    return {
      month: month.month,
      // The year where it starts and where it turns.
      label: index === 0 || number === '01' ? `${year}年${Number(number)}月` : `${Number(number)}月`,
      valueText: metricText(metric, value),
      widthPercent: max === 0 || value === null ? 0 : Math.round((value / max) * 100),
    };
  });
}

const FIELD_NAMES: Record<string, string> = {
  balance: '余额',
  issued: '累计获得',
  redeemed: '累计兑换',
  account: '积分账户',
  stock: '库存',
  goods: '已删除商品的库存流水',
  'stats.activeOrders': '进行中订单数',
  'stats.completedOrders': '完成订单数',
  'stats.ratingSum': '评分合计',
  'stats.ratingCount': '评分次数',
};

const KIND_NAMES: Record<DiscrepancyView['kind'], string> = {
  balance: '积分余额与明细不符',
  issued: '累计获得与明细不符',
  redeemed: '累计兑换与明细不符',
  stock: '库存与库存流水不符',
  negative_stock: '库存数异常',
  volunteer_counter: '志愿者计数与订单不符',
};

const ACTION_TEXT: Record<DiscrepancyView['action'], string> = {
  reported: '未作改动，请核查',
  counter_reset: '已按重新统计的值更正',
  unconfirmed: '对账时数据正在变动，未能复核；未作改动，请稍后再对账核查',
};

export function toDiscrepancyLines(found: DiscrepancyView[]): DiscrepancyLine[] {
  return found.map((item, index) => ({
    key: `${index}`,
    title: `${KIND_NAMES[item.kind] ?? item.kind}：${item.name ?? item.subject}`,
    detail: `${FIELD_NAMES[item.field] ?? item.field}记为 ${item.stored}，按明细应为 ${item.expected}`,
    actionText: ACTION_TEXT[item.action],
  }));
}

const PREVIOUS_NAMES: Record<Range, string> = { recent: '前30天', month: '上月', lastMonth: '上上月' };

Component({
  behaviors: [refreshPage],
  data: {
    tab: 'overview' as Tab,
    range: 'recent' as Range,
    loading: true,
    error: '',
    figures: null as Figures | null,
    previous: null as Figures | null,
    previousName: PREVIOUS_NAMES.recent,
    bars: [] as GridBar[],
    affairs: null as AffairTiles | null,
    previousAffairs: null as AffairTiles | null,
    departments: [] as DepartmentLine[],
    metrics: TREND_METRICS,
    metric: 'orders' as TrendMetric,
    trendLoading: false,
    trendError: '',
    trend: null as TrendMonth[] | null,
    trendBars: [] as TrendBar[],
    reconcileLoading: false,
    reconcileError: '',
    reconciliation: null as (ReconciliationView & { ranAtText: string }) | null,
    reconcileLoaded: false,
    reconciling: false,
    discrepancies: [] as DiscrepancyLine[],
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      const tab = event.currentTarget.dataset.tab as Tab;
      if (tab === this.data.tab) return;
      this.setData({ tab });
      if (tab === 'trend' && !this.data.trend) void this.loadTrend();
      if (tab === 'reconcile' && !this.data.reconcileLoaded) void this.loadReconciliation();
    },
    onRange(event: WechatMiniprogram.BaseEvent) {
      const range = event.currentTarget.dataset.range as Range;
      if (range === this.data.range) return;
      this.setData({ range });
      void this.load();
    },
    onMetric(event: WechatMiniprogram.BaseEvent) {
      const metric = event.currentTarget.dataset.metric as TrendMetric;
      if (!this.data.trend) return;
      this.setData({ metric, trendBars: toTrendBars(this.data.trend, metric) });
    },
    /** Pull-down reloads the open tab. */
    async load() {
      if (this.data.tab === 'trend') return this.loadTrend();
      if (this.data.tab === 'reconcile') return this.loadReconciliation();
      return this.loadOverview();
    },
    async loadOverview() {
      this.setData({ loading: true, error: '' });
      const { range } = this.data;
      const input = range === 'recent' ? {} : { month: beijingMonth(new Date(), range === 'month' ? 0 : 1) };
      const reply = await call('stats.overview', input, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const stats: StatsComparison = reply.data;
      this.setData({
        loading: false,
        figures: toFigures(stats),
        previous: toFigures(stats.previous),
        previousName: PREVIOUS_NAMES[range],
        bars: toBars(stats.byGrid),
        affairs: toAffairTiles(stats.affairs),
        previousAffairs: toAffairTiles(stats.previous.affairs),
        departments: toDepartmentLines(stats.affairs.byDepartment),
      });
    },
    async loadTrend() {
      this.setData({ trendLoading: true, trendError: '' });
      const reply = await call('stats.trend', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ trendLoading: false, trendError: reply.error.message });
        return;
      }
      this.setData({ trendLoading: false, trend: reply.data.months, trendBars: toTrendBars(reply.data.months, this.data.metric) });
    },
    /** 立即对账: a new record of its own (a few a day), shown at once. */
    async onReconcileNow() {
      if (this.data.reconciling) return;
      this.setData({ reconciling: true });
      const reply = await call('report.reconcile', { confirm: '对账' }, { loading: '正在对账' });
      this.setData({ reconciling: false });
      if (!reply.ok) return;
      const latest = reply.data.reconciliation;
      this.setData({ reconcileLoaded: true, reconciliation: { ...latest, ranAtText: formatTime(latest.ranAt) }, discrepancies: toDiscrepancyLines(latest.discrepancies) });
    },
    onReports() {
      wx.navigateTo({ url: '/staff/reports/index' });
    },
    async loadReconciliation() {
      this.setData({ reconcileLoading: true, reconcileError: '' });
      const reply = await call('points.reconciliation', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ reconcileLoading: false, reconcileError: reply.error.message });
        return;
      }
      const latest = reply.data.latest;
      this.setData({
        reconcileLoading: false,
        reconcileLoaded: true,
        reconciliation: latest ? { ...latest, ranAtText: formatTime(latest.ranAt) } : null,
        discrepancies: latest ? toDiscrepancyLines(latest.discrepancies) : [],
      });
    },
  },
});
