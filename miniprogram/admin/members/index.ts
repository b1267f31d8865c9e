/**
 * 社区成员: who is who in the community: its staff, its grid workers (with their grids), the people
 * of its departments, and its residents (all, or one grid's), by name, page by page, with their
 * roles and masked phones (未验证 when typed rather than vouched for by WeChat). Off-boarding: a
 * member's card has a button for each role the viewer may take (the cloud says which, `removable`);
 * the reason is asked in a dialog and kept with the record, listed under 已移除.
 */
import type { MemberView, RoleRemovalView } from '../../../core/contract';
import { call } from '../../api/api';
import { listPage, rows } from '../../behaviors/list-page';
import { communityIdOf } from '../community-id';

type Tab = 'staff' | 'grid_worker' | 'department' | 'resident' | 'removed';
type RemovableRole = MemberView['removable'][number];

const ROLE_TEXT: Record<RemovableRole, string> = { staff: '工作人员', grid_worker: '网格员', department: '部门人员' };

interface Row {
  openid: string;
  key: string;
  name: string;
  roleNames: string[];
  meta: string;
  detail: string;
  removable: Array<{ role: RemovableRole; text: string }>;
}

const toRow = (member: MemberView): Row => ({
  openid: member.openid,
  key: member.openid,
  name: member.name,
  roleNames: member.roleNames,
  meta: `${member.phoneMasked}${member.phoneUnverified ? '（未验证）' : ''}`,
  detail: member.gridNames
    ? `负责：${member.gridNames.join('、')}`
    : member.departmentName
      ? `部门：${member.departmentName}`
      : member.gridName
        ? `${member.gridName} ${member.building ?? ''}`
        : '',
  removable: member.removable.map((role) => ({ role, text: `移除${ROLE_TEXT[role]}身份` })),
});

const removalRow = (removal: RoleRemovalView): Row => ({
  openid: removal.openid,
  key: removal.id,
  name: removal.name,
  roleNames: [`原${removal.roleName}`],
  meta: `${removal.at.slice(0, 10)} 由${removal.byName}移除`,
  detail: `原因：${removal.reason}`,
  removable: [],
});

/** Asks why (WeChat's editable modal); null when cancelled or left empty. */
function askReason(name: string, role: RemovableRole): Promise<string | null> {
  return new Promise((resolve) => {
    wx.showModal({
      title: `移除${name}的${ROLE_TEXT[role]}身份`,
      editable: true,
      placeholderText: '请填写原因，如：已调离、已离职',
      content: '',
      confirmText: '移除',
      success: (result) => resolve(result.confirm && result.content?.trim() ? result.content.trim() : null),
      fail: () => resolve(null),
    });
  });
}

Component({
  behaviors: [listPage<Row>()],
  data: {
    communityId: '',
    role: 'staff' as Tab,
    gridId: '',
    grids: [] as Array<{ id: string; name: string }>,
    removing: '',
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
      this.switchList({ role: event.currentTarget.dataset.role as Tab }, { gridId: '' });
    },
    onGrid(event: WechatMiniprogram.BaseEvent) {
      this.switchList({ gridId: String(event.currentTarget.dataset.grid ?? '') });
    },
    listKey() {
      return `${this.data.role}:${this.data.gridId}`;
    },
    async fetchList(cursor?: string) {
      const { communityId, role, gridId } = this.data;
      if (role === 'removed') return rows(await call('community.roleRemovals', { communityId, cursor }, { toast: false }), removalRow);
      return rows(await call('community.members', { communityId, role, ...(gridId ? { gridId } : {}), cursor }, { toast: false }), toRow);
    },
    async onRemove(event: WechatMiniprogram.BaseEvent) {
      const { openid, role, name } = event.currentTarget.dataset as { openid: string; role: RemovableRole; name: string };
      if (this.data.removing) return;
      const reason = await askReason(name, role);
      if (!reason) return;
      this.setData({ removing: openid });
      const reply = await call('community.removeRole', { communityId: this.data.communityId, openid, role, reason });
      this.setData({ removing: '' });
      if (!reply.ok) return;
      wx.showToast({ title: '已移除', icon: 'success' });
      // Gone from this tab when the removed role is the tab's; otherwise the card shows what is left.
      const items = (this.data.items as Row[]).flatMap((item) => {
        if (item.openid !== openid) return [item];
        if (!reply.data || (this.data.role as string) === role) return [];
        return [toRow(reply.data)];
      });
      this.setData({ items });
    },
  },
});
