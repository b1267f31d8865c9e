/** My love points: balance, earned and spent, and the ledger (paged) with Chinese source names. */
import type { LedgerEntryView } from '../../../core/contract';
import { call } from '../../services/api';
import { appendNextPage } from '../../services/paging';
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
  data: {
    largeText: false,
    loading: true,
    error: '',
    balance: 0,
    issued: 0,
    redeemed: 0,
    entries: [] as Row[],
    nextCursor: null as string | null,
    loadingMore: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      const reply = await call('points.overview', { limit: 20 }, { toast: false });
      if (!reply.ok) this.setData({ loading: false, error: reply.error.message });
      else {
        const { ledger, ...totals } = reply.data;
        this.setData({ loading: false, ...totals, entries: ledger.items.map(toRow), nextCursor: ledger.nextCursor });
      }
    },
    loadMore() {
      return appendNextPage(this, 'entries', (cursor) => call('points.ledger', { limit: 20, cursor }), toRow);
    },
    onMall() {
      wx.switchTab({ url: '/pages/mall/index' });
    },
  },
});
