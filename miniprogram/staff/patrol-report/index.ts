/**
 * 网格月通报: a month's patrols per grid (patrol.summary: days patrolled, 巡查 and 走访 logs,
 * households, buildings, affairs found) and the ranking of the community's grids over that month's
 * quarter (patrol.ranking, by the rule the cloud states). Both are asked for together, so the first
 * screen waits for the slower of two calls. Staff see every grid; a grid worker the summary of theirs
 * and where it stands in the ranking.
 */
import type { PatrolRankingView, PatrolSummaryView } from '../../../core/contract';
import { call } from '../../api/api';
import { largeText } from '../../utils/format';

/** 2026-Q4 → 2026年第四季度. */
const QUARTER_NAMES = ['一', '二', '三', '四'];
const quarterOf = (month: string): string => `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
const quarterText = (quarter: string): string => `${quarter.slice(0, 4)}年第${QUARTER_NAMES[Number(quarter.slice(6)) - 1] ?? ''}季度`;
const monthText = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

Component({
  data: {
    largeText: false,
    loading: true,
    error: '',
    month: '',
    thisMonth: '',
    monthText: '',
    quarterText: '',
    summary: null as PatrolSummaryView | null,
    ranking: null as PatrolRankingView | null,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    /** The month chosen, or (first) the cloud's current month and quarter: its clock decides what "this month" is. */
    async load() {
      const { month } = this.data;
      this.setData({ loading: true, error: '' });
      const [summary, ranking] = await Promise.all([
        call('patrol.summary', month ? { month } : {}, { toast: false }),
        call('patrol.ranking', month ? { quarter: quarterOf(month) } : {}, { toast: false }),
      ]);
      if (!summary.ok || !ranking.ok) {
        this.setData({ loading: false, error: !summary.ok ? summary.error.message : !ranking.ok ? ranking.error.message : '' });
        return;
      }
      const shown = summary.data.month;
      this.setData({
        loading: false,
        month: shown,
        ...(month ? {} : { thisMonth: shown }),
        monthText: monthText(shown),
        quarterText: quarterText(ranking.data.quarter),
        summary: summary.data,
        ranking: ranking.data,
      });
    },
    onMonth(event: WechatMiniprogram.PickerChange) {
      this.setData({ month: String(event.detail.value) });
      void this.load();
    },
  },
});
