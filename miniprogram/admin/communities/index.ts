/**
 * 社区 (administrators): every community of the deployment, a new one, and for each the pages that
 * set it up: its details, its grids and buildings, invitations for its staff, and its members.
 */
import type { CommunityView } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';

interface Row extends CommunityView {
  summary: string;
}

const toRow = (community: CommunityView): Row => ({
  ...community,
  summary: `${community.grids.length} 个网格，${community.grids.reduce((sum, grid) => sum + grid.buildings.length, 0)} 栋楼`,
});

Component({
  behaviors: [refreshPage],
  data: { loading: true, error: '', communities: [] as Row[] },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      // Back from creating or editing one: show it as it is now.
      if (!this.data.loading) void this.load();
    },
    async load() {
      this.setData({ loading: this.data.communities.length === 0, error: '' });
      const reply = await call('community.list', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      this.setData({ loading: false, communities: reply.data.map(toRow) });
    },
    onGo(event: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: String(event.currentTarget.dataset.url) });
    },
  },
});
