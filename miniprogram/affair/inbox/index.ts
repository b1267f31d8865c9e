/**
 * 部门待办, for a department's people: what the community whistled to their department — 待接收
 * (to accept or return, 报到), 办理中 (accepted), 待确认 (their result, for the reporter to confirm)
 * and 已办结 — newest first, under the department's name; a tap opens the affair, where they respond
 * and record the result. What they returned is the community's again and leaves their list.
 */
import type { AffairListStatus } from '../../../core/contract';
import { call } from '../../api/api';
import { listPage, rows } from '../../behaviors/list-page';
import { largeText } from '../../utils/format';
import { type AffairRow, affairUrl, PAGE_SIZE, toAffairRow } from '../rows';

type Tab = Extract<AffairListStatus, 'whistled' | 'accepted' | 'resolved' | 'closed'>;

Component({
  behaviors: [listPage<AffairRow>()],
  data: {
    largeText: false,
    tab: 'whistled' as Tab,
    /** Read with the first page. */
    departmentKnown: false,
    /** The caller's department: department.list replies with their own only ('' if it cannot tell). */
    departmentName: '',
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
      const list = call('affair.list', { box: 'department', status: this.data.tab, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }, { toast: false });
      if (this.data.departmentKnown || cursor) return rows(await list, toAffairRow);
      const [departments, affairs] = await Promise.all([call('department.list', {}, { toast: false }), list]);
      // Someone who is also a grid worker is given every active department: no name rather than a wrong one.
      const own = departments.ok && departments.data.length === 1 ? departments.data[0]!.name : '';
      return rows(affairs, toAffairRow, { departmentKnown: true, departmentName: own });
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab });
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      void wx.navigateTo({ url: affairUrl(String(event.currentTarget.dataset.id)) });
    },
  },
});
