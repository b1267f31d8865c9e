/**
 * Statistics (数据统计) from stats.overview: 办结率, satisfaction, response and completion times,
 * volunteer hours, points issued and redeemed, and orders per grid.
 *
 * The per-grid chart is a bar chart of plain views whose widths are percentages. No chart library
 * on purpose: echarts-for-weixin adds about 500 KB–1 MB (even a custom build is hundreds of KB) to
 * the staff subpackage for one horizontal bar chart, plus a canvas that does not scale well with
 * the large-text mode our elderly users need. Views are tiny, accessible and render everywhere.
 */
import type { GridStats, StatsOverview } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';

/** 'recent': the server's default window (the last 30 days); 'month': this calendar month. */
type Range = 'month' | 'recent';

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

const percent = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);
const orDash = (value: number | null, unit = ''): string => (value === null ? '—' : `${value}${unit}`);

/** The first moment of this month in Beijing time, as an ISO string. */
function startOfMonthBeijing(now: Date): string {
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  return new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), 1) - 8 * 3600_000).toISOString();
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

Component({
  behaviors: [refreshPage],
  data: {
    range: 'recent' as Range,
    loading: true,
    error: '',
    figures: null as Figures | null,
    bars: [] as GridBar[],
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onRange(event: WechatMiniprogram.BaseEvent) {
      const range = event.currentTarget.dataset.range as Range;
      if (range === this.data.range) return;
      this.setData({ range });
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const input = this.data.range === 'month' ? { from: startOfMonthBeijing(new Date()) } : {};
      const reply = await call('stats.overview', input, { toast: false });
      if (reply.ok) this.setData({ loading: false, figures: toFigures(reply.data), bars: toBars(reply.data.byGrid) });
      else this.setData({ loading: false, error: reply.error.message });
    },
  },
});
