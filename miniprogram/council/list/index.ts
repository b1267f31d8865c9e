/**
 * 居民议事: the matters of the person's building, grid and community — 议事中 (open), 已结束
 * (closed, with the count), 已公开 (the decision) — and 我提出的 (their own, any stage); staff also
 * see 待受理 (proposed) and every matter of the community. A tap opens the matter; 提出议题 opens
 * the form. The first screen is two calls at once: who they are (for the tabs and the button) and
 * the open matters.
 */
import type { CouncilMatterView, MeView, Page } from '../../../core/contract';
import type { CouncilStage } from '../../../core/model';
import { type ApiReply, call } from '../../api/api';
import { type ListPage, listPage, rows } from '../../behaviors/list-page';
import { largeText } from '../../utils/format';
import { type MatterRow, matterUrl, PAGE_SIZE, PROPOSE_URL, toMatterRow } from '../rows';

type Tab = 'proposed' | 'open' | 'closed' | 'published' | 'mine';

/** Who may raise a matter (department people answer what is whistled to them; they do not). */
const mayPropose = (me: MeView): boolean => ['resident', 'grid_worker', 'staff'].some((role) => me.roles.includes(role as never));

Component({
  behaviors: [listPage<MatterRow>()],
  data: {
    largeText: false,
    tab: 'open' as Tab,
    /** Known after the first load. */
    known: false,
    staff: false,
    mayPropose: false,
  },
  methods: {
    onLoad() {
      this.setData({ largeText: largeText() });
      void this.load();
    },
    onShow() {
      // Back from a matter or the form: stages and counts may have changed.
      if (this.data.known) void this.refresh();
    },
    listKey() {
      return this.data.tab;
    },
    list(tab: Tab, cursor?: string): Promise<ApiReply<Page<CouncilMatterView>>> {
      const filter = tab === 'mine' ? { mine: true } : { stage: tab as CouncilStage };
      return call('council.list', { ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }, { toast: false });
    },
    async fetchList(cursor?: string): Promise<ApiReply<ListPage<MatterRow>>> {
      if (this.data.known || cursor) return rows(await this.list(this.data.tab, cursor), toMatterRow);
      const [me, open] = await Promise.all([call('user.me', {}, { toast: false }), this.list('open')]);
      if (!me.ok) return me;
      return rows(open, toMatterRow, { known: true, staff: me.data.roles.includes('staff'), mayPropose: mayPropose(me.data) });
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ tab: event.currentTarget.dataset.tab as Tab });
    },
    onOpen(event: WechatMiniprogram.BaseEvent) {
      void wx.navigateTo({ url: matterUrl(String(event.currentTarget.dataset.id)) });
    },
    onPropose() {
      void wx.navigateTo({ url: PROPOSE_URL });
    },
  },
});
