/**
 * 我的问题: what the person reported (我上报的), what they were given to handle (我承办的: shown to
 * staff, grid workers and volunteers, and to anyone who has one), and a grid worker's grids (网格的),
 * newest first; a tap opens the affair, and 上报问题 opens the report form. The first screen is
 * three calls at once: who they are, their reports, and whether anything was given them to handle.
 */
import type { AffairView, MeView, Page } from '../../../core/contract';
import { type ApiReply, call } from '../../api/api';
import { type ListPage, listPage, rows } from '../../behaviors/list-page';
import { largeText } from '../../utils/format';
import { type AffairRow, affairUrl, PAGE_SIZE, REPORT_URL, toAffairRow } from '../rows';

type Box = 'mine' | 'handling' | 'grid';

/** Who sees 我承办的 whatever they hold now: whoever may be given an affair to handle. */
const mayHandle = (me: MeView): boolean => me.roles.includes('staff') || me.roles.includes('grid_worker') || me.volunteer?.status === 'approved';

Component({
  behaviors: [listPage<AffairRow>()],
  data: {
    largeText: false,
    box: 'mine' as Box,
    /** Known after the first load (the tabs wait for it). */
    tabsKnown: false,
    showHandling: false,
    showGrid: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      // Back from an affair or the report form: the list may have changed.
      if (this.data.tabsKnown) void this.refresh();
    },
    listKey() {
      return this.data.box;
    },
    list(box: Box, cursor?: string, limit = PAGE_SIZE): Promise<ApiReply<Page<AffairView>>> {
      return call('affair.list', { box, limit, ...(cursor ? { cursor } : {}) }, { toast: false });
    },
    async fetchList(cursor?: string): Promise<ApiReply<ListPage<AffairRow>>> {
      if (this.data.tabsKnown || cursor) return rows(await this.list(this.data.box, cursor), toAffairRow);
      const [me, mine, handling] = await Promise.all([call('user.me', {}, { toast: false }), this.list('mine'), this.list('handling', undefined, 1)]);
      if (!me.ok) return me;
      const showHandling = mayHandle(me.data) || (handling.ok && handling.data.items.length > 0);
      return rows(mine, toAffairRow, { tabsKnown: true, showHandling, showGrid: me.data.roles.includes('grid_worker') });
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ box: event.currentTarget.dataset.box as Box });
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      void wx.navigateTo({ url: affairUrl(String(event.currentTarget.dataset.id)) });
    },
    onReport() {
      void wx.navigateTo({ url: REPORT_URL });
    },
  },
});
