/** My love points: balance, earned and spent, and the ledger (paged) with Chinese source names. */
import type { LedgerEntryView } from '../../../core/contract';
import { call } from '../../services/api';
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
      const [balance, ledger] = await Promise.all([
        call('points.balance', {}, { toast: false }),
        call('points.ledger', { limit: 20 }, { toast: false }),
      ]);
      if (!balance.ok) this.setData({ loading: false, error: balance.error.message });
      else if (!ledger.ok) this.setData({ loading: false, error: ledger.error.message });
      else
        this.setData({
          loading: false,
          ...balance.data,
          entries: ledger.data.items.map(toRow),
          nextCursor: ledger.data.nextCursor,
        });
    },
    async loadMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      const reply = await call('points.ledger', { limit: 20, cursor: this.data.nextCursor });
      if (reply.ok)
        this.setData({ loadingMore: false, entries: [...this.data.entries, ...reply.data.items.map(toRow)], nextCursor: reply.data.nextCursor });
      else this.setData({ loadingMore: false });
    },
    onMall() {
      wx.switchTab({ url: '/pages/mall/index' });
    },
  },
});
