/**
 * 事务台 (吹哨台), for staff: the community's affairs by where they stand — 待处理 (at the desk:
 * reported, returned by a department, reopened), 办理中 (with a person or a department), 待确认
 * (resolved, for the reporter or staff to confirm), 已超期 (in hand past the deadline) and 已办结,
 * newest first, each with its deadline and missed deadlines; a tap opens the affair, where staff
 * assign it or whistle to a department.
 */
import type { AffairListStatus } from '../../../core/contract';
import { call } from '../../api/api';
import { listPage, rows } from '../../behaviors/list-page';
import { largeText } from '../../utils/format';
import { type AffairRow, affairUrl, PAGE_SIZE, toAffairRow } from '../rows';

type Tab = Extract<AffairListStatus, 'waiting' | 'in_hand' | 'resolved' | 'overdue' | 'closed'>;
const TABS: readonly Tab[] = ['waiting', 'in_hand', 'resolved', 'overdue', 'closed'];

Component({
  behaviors: [listPage<AffairRow>()],
  data: {
    largeText: false,
    tab: 'waiting' as Tab,
  },
  methods: {
    onLoad(query: { tab?: string } = {}) {
      const tab = TABS.find((name) => name === query.tab);
      this.setData({ largeText: largeText(), ...(tab ? { tab } : {}) });
      void this.load();
    },
    onShow() {
      // Back from an affair just whistled or assigned: it has left this tab.
      void this.refresh();
    },
    listKey() {
      return this.data.tab;
    },
    async fetchList(cursor?: string) {
      return rows(await call('affair.list', { box: 'community', status: this.data.tab, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }, { toast: false }), toAffairRow);
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab });
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      void wx.navigateTo({ url: affairUrl(String(event.currentTarget.dataset.id)) });
    },
  },
});
