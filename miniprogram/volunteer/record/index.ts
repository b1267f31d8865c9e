/**
 * 我的服务记录与积分. The first screen is two calls made together: record.mine (my statutory
 * service records, their totals and my star level, in one reply) and points.balance. They live in
 * different functions — hours are records, points are the market's ledger — so they go in parallel
 * and the page waits for the slower of the two, not their sum. The ledger itself is on pages/points.
 */
import type { ServiceRecordView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
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
  behaviors: [listPage<RecordRow>()],
  data: {
    largeText: false,
    balance: 0,
    hours: 0,
    count: 0,
    stars: 0,
    starsText: starsText(0),
    levelText: '',
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      // A correction asked for on the detail page shows its 更正中 tag on return.
      void this.refresh();
    },
    async fetchList(cursor?: string) {
      if (cursor) {
        const more = await call('record.mine', { limit: PAGE_SIZE, cursor }, { toast: false });
        return more.ok ? rows({ ok: true, data: more.data.records }, toRow) : more;
      }
      const [mine, points] = await Promise.all([call('record.mine', { limit: PAGE_SIZE }, { toast: false }), call('points.balance', {}, { toast: false })]);
      if (!mine.ok) return mine;
      if (!points.ok) return points;
      const { totals, records } = mine.data;
      return rows({ ok: true, data: records }, toRow, {
        balance: points.data.balance,
        hours: totals.hours,
        count: totals.count,
        stars: totals.level.stars,
        starsText: starsText(totals.level.stars),
        levelText: levelText(totals.level, totals.hours),
      });
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
