/** My love points: balance, earned and spent, and the ledger (paged) with Chinese source names. */
import type { LedgerEntryView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call } from '../../api/api';
import { formatTime, largeText } from '../../utils/format';
import { POINTS_SOURCE_TEXT } from '../../utils/labels';

type Row = LedgerEntryView & { sourceText: string; atText: string; deltaText: string };

function toRow(entry: LedgerEntryView): Row {
  return {
    ...entry,
    sourceText: POINTS_SOURCE_TEXT[entry.source] ?? entry.source,
    atText: formatTime(entry.at),
    deltaText: entry.delta > 0 ? `+${entry.delta}` : String(entry.delta),
  };
}

Component({
  behaviors: [listPage<Row>()],
  data: {
    largeText: false,
    balance: 0,
    issued: 0,
    redeemed: 0,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    /** The first screen is one call: the totals with the ledger's first page; then the ledger alone. */
    async fetchList(cursor?: string) {
      if (cursor) return rows(await call('points.ledger', { limit: 20, cursor }, { toast: false }), toRow);
      const reply = await call('points.overview', { limit: 20 }, { toast: false });
      if (!reply.ok) return reply;
      const { ledger, ...totals } = reply.data;
      return rows({ ok: true, data: ledger }, toRow, totals);
    },
    onMall() {
      wx.switchTab({ url: '/pages/mall/index' });
    },
    onRules() {
      wx.navigateTo({ url: '/pages/points-rules/index' });
    },
  },
});
