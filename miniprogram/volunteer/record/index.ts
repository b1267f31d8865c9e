/**
 * 我的服务记录与积分. The first screen is two calls made together: record.mine (my statutory
 * service records, their totals and my star level, in one reply) and points.balance. They live in
 * different functions — hours are records, points are the market's ledger — so they go in parallel
 * and the page waits for the slower of the two, not their sum. The ledger itself is on pages/points.
 */
import type { ServiceRecordView } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage } from '../../services/paging';
import { largeText } from '../../utils/format';
import { RECORD_SOURCE_TEXT } from '../../utils/labels';
import { durationText, levelText, starsText } from '../../utils/records';

interface RecordRow extends ServiceRecordView {
  /** The id made safe for a node id (record ids hold a colon). */
  domId: string;
  sourceText: string;
  durationText: string;
}

const PAGE_SIZE = 20;

function toRow(record: ServiceRecordView): RecordRow {
  return { ...record, domId: record.id.replace(/[^A-Za-z0-9_-]/g, '-'), sourceText: RECORD_SOURCE_TEXT[record.source] ?? record.source, durationText: durationText(record.minutes) };
}

Component({
  data: {
    largeText: false,
    loading: true,
    error: '',
    balance: 0,
    hours: 0,
    count: 0,
    stars: 0,
    starsText: starsText(0),
    levelText: '',
    records: [] as RecordRow[],
    nextCursor: null as string | null,
    loadingMore: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      // A correction asked for on the detail page shows its 更正中 tag on return.
      if (!this.data.loading) void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const [mine, points] = await Promise.all([call('record.mine', { limit: PAGE_SIZE }, { toast: false }), call('points.balance', {}, { toast: false })]);
      if (!mine.ok) return this.setData({ loading: false, error: mine.error.message });
      if (!points.ok) return this.setData({ loading: false, error: points.error.message });
      const { totals, records } = mine.data;
      this.setData({
        loading: false,
        balance: points.data.balance,
        hours: totals.hours,
        count: totals.count,
        stars: totals.level.stars,
        starsText: starsText(totals.level.stars),
        levelText: levelText(totals.level, totals.hours),
        records: records.items.map(toRow),
        nextCursor: records.nextCursor,
      });
    },
    loadMore() {
      return appendNextPage(
        this,
        'records',
        async (cursor) => {
          const reply = await call('record.mine', { limit: PAGE_SIZE, cursor });
          return reply.ok ? { ok: true as const, data: reply.data.records } : reply;
        },
        toRow,
      );
    },
    onRecord(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/volunteer/record-detail/index?id=${encodeURIComponent(String(event.currentTarget.dataset.id))}` });
    },
    onCertificate() {
      wx.navigateTo({ url: '/volunteer/certificate/index' });
    },
    onPoints() {
      wx.navigateTo({ url: '/pages/points/index' });
    },
  },
});
