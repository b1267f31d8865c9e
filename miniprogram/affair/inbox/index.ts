/**
 * 部门待办, for a department's people: what the community whistled to their department — 待接收
 * (to accept or return, 报到), 办理中 (accepted), 待确认 (their result, for the reporter to confirm)
 * and 已办结 — newest first, under the department's name; a tap opens the affair, where they respond
 * and record the result. What they returned is the community's again and leaves their list. A 街道办
 * also has 督办: the affairs flagged to it after repeated missed deadlines, to follow (not to act on).
 */
import type { AffairListStatus } from '../../../core/contract';
import { call } from '../../api/api';
import { listPage, rows } from '../../behaviors/list-page';
import { largeText } from '../../utils/format';
import { type AffairRow, affairUrl, PAGE_SIZE, toAffairRow } from '../rows';

/** 督办: the affairs flagged to the caller's department as the street office level (open ones). */
type Tab = Extract<AffairListStatus, 'whistled' | 'accepted' | 'resolved' | 'closed'> | 'escalated';

Component({
  behaviors: [listPage<AffairRow>()],
  data: {
    largeText: false,
    tab: 'whistled' as Tab,
    /** Read with the first page. */
    departmentKnown: false,
    /** The caller's department: department.list replies with their own only ('' if it cannot tell). */
    departmentName: '',
    /** A 街道办 follows what the community flags to it (督办). */
    oversees: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      if (this.data.departmentKnown) void this.refresh();
    },
    listKey() {
      return this.data.tab;
    },
    async fetchList(cursor?: string) {
      const { tab } = this.data;
      const filter = tab === 'escalated' ? ({ box: 'escalated', status: 'open' } as const) : ({ box: 'department', status: tab } as const);
      const list = call('affair.list', { ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }, { toast: false });
      if (this.data.departmentKnown || cursor) return rows(await list, toAffairRow);
      const [departments, affairs] = await Promise.all([call('department.list', {}, { toast: false }), list]);
      // Someone who is also a grid worker is given every active department: no name rather than a wrong one.
      const own = departments.ok && departments.data.length === 1 ? departments.data[0]! : null;
      return rows(affairs, toAffairRow, { departmentKnown: true, departmentName: own?.name ?? '', oversees: own?.kind === '街道办' });
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab });
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      void wx.navigateTo({ url: affairUrl(String(event.currentTarget.dataset.id)) });
    },
  },
});
