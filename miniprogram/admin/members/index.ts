/**
 * 社区成员: who is who in the community: its staff, its grid workers (with their grids) and its
 * residents (all, or one grid's), by name, page by page, with their roles and masked phones
 * (未验证 when typed rather than vouched for by WeChat).
 */
import type { MemberView } from '../../../core/contract';
import { call } from '../../api/api';
import { listPage, rows } from '../../behaviors/list-page';
import { communityIdOf } from '../community-id';

type Role = 'staff' | 'grid_worker' | 'resident';

interface Row extends MemberView {
  detail: string;
}

const toRow = (member: MemberView): Row => ({
  ...member,
  detail: member.gridNames ? `负责：${member.gridNames.join('、')}` : member.gridName ? `${member.gridName} ${member.building ?? ''}` : '',
});

Component({
  behaviors: [listPage<Row>()],
  data: {
    communityId: '',
    role: 'staff' as Role,
    gridId: '',
    grids: [] as Array<{ id: string; name: string }>,
  },
  methods: {
    async onLoad(options: { communityId?: string }) {
      const target = await communityIdOf(options);
      if ('error' in target) {
        this.setData({ loading: false, error: target.error });
        return;
      }
      this.setData({ communityId: target.communityId });
      const community = await call('community.get', { communityId: target.communityId }, { toast: false });
      if (community.ok) {
        wx.setNavigationBarTitle({ title: `${community.data.name} · 成员` });
        this.setData({ grids: community.data.grids.map(({ id, name }) => ({ id, name })) });
      }
      await this.load();
    },
    onTab(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ role: event.currentTarget.dataset.role as Role }, { gridId: '' });
    },
    onGrid(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ gridId: String(event.currentTarget.dataset.grid ?? '') });
    },
    listKey() {
      return `${this.data.role}:${this.data.gridId}`;
    },
    async fetchList(cursor?: string) {
      const { communityId, role, gridId } = this.data;
      return rows(await call('community.members', { communityId, role, ...(gridId ? { gridId } : {}), cursor }, { toast: false }), toRow);
    },
  },
});
