/**
 * 邀请工作人员: a code for a new grid worker (staff may invite them), someone of a department the
 * community whistles to (staff of the community, choosing the department: the departments are read
 * when that role is chosen, not on the first screen) or staff member (only an
 * administrator: staff approve what pays, and must not appoint their own second account), shown as
 * a QR code to scan on 加入社区工作人员 and as 12 characters to type, with its expiry. Below, the
 * community's pending invitations: the code and 撤销 only where the cloud says the caller may
 * (their own, or any for an administrator).
 */
import type { CommunityGridsView, DepartmentView, InvitationView } from '../../../core/contract';
import { call } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime, groupCode } from '../../utils/format';
import { communityIdOf } from '../community-id';
import { qrDataUrl } from '../../utils/qr';

type InvitedRole = 'staff' | 'grid_worker' | 'department';

const ROLE_NAMES: Record<InvitedRole, string> = { staff: '社区工作人员', grid_worker: '网格员', department: '部门人员' };

interface Row extends InvitationView {
  codeText: string;
  expiresText: string;
}

const toRow = (invitation: InvitationView): Row => ({
  ...invitation,
  codeText: invitation.code ? groupCode(invitation.code) : '',
  expiresText: formatTime(invitation.expiresAt),
});

Component({
  behaviors: [refreshPage],
  data: {
    loading: true,
    error: '',
    communityId: '',
    isAdmin: false,
    /** Staff of this community (department.list answers with the caller's own community's departments). */
    invitesDepartments: false,
    role: 'grid_worker' as InvitedRole,
    /** The community's active departments, read when 部门人员 is chosen; null until then. */
    departments: null as null | Array<Pick<DepartmentView, 'id' | 'name' | 'kind'>>,
    departmentId: '',
    grids: [] as Array<{ id: string; name: string; checked: boolean }>,
    formError: '',
    inviting: false,
    invitation: null as null | { code: string; codeText: string; qr: string; roleName: string; expiresText: string },
    pending: [] as Row[],
    nextCursor: null as string | null,
  },
  methods: {
    onLoad(options: { communityId?: string }) {
      void this.load(options);
    },
    async load(options?: { communityId?: string }) {
      this.setData({ loading: this.data.communityId === '', error: '' });
      const target = this.data.communityId ? { communityId: this.data.communityId } : await communityIdOf(options);
      if ('error' in target) {
        this.setData({ loading: false, error: target.error });
        return;
      }
      const [me, grids, pending] = await Promise.all([
        call('user.me', {}, { toast: false }),
        call('community.grids', { communityId: target.communityId }, { toast: false }),
        call('community.invitations', { communityId: target.communityId }, { toast: false }),
      ]);
      const failed = [me, grids, pending].find((reply) => !reply.ok);
      if (failed && !failed.ok) {
        this.setData({ loading: false, error: failed.error.message });
        return;
      }
      if (!me.ok || !grids.ok || !pending.ok) return;
      const checked = new Set(this.data.grids.filter((grid) => grid.checked).map((grid) => grid.id));
      this.setData({
        loading: false,
        communityId: target.communityId,
        isAdmin: me.data.roles.includes('admin'),
        invitesDepartments: me.data.roles.includes('staff') && me.data.communityId === target.communityId,
        grids: (grids.data as CommunityGridsView).grids.filter((grid) => !grid.retired).map((grid) => ({ id: grid.id, name: grid.name, checked: checked.has(grid.id) })),
        pending: pending.data.items.map(toRow),
        nextCursor: pending.data.nextCursor,
      });
    },
    onRole(event: WechatMiniprogram.BaseEvent) {
      const role = event.currentTarget.dataset.role as InvitedRole;
      this.setData({ role, formError: '' });
      if (role === 'department' && this.data.departments === null) void this.loadDepartments();
    },
    async loadDepartments() {
      const reply = await call('department.list', {}, { toast: false });
      if (!reply.ok) {
        this.setData({ formError: reply.error.message });
        return;
      }
      // An inactive department takes no one new (community.invite refuses it).
      const departments = reply.data.filter((department) => department.active).map(({ id, name, kind }) => ({ id, name, kind }));
      this.setData({ departments, departmentId: departments.length === 1 ? departments[0]!.id : '' });
    },
    onDepartment(event: WechatMiniprogram.BaseEvent) {
      this.setData({ departmentId: String(event.currentTarget.dataset.department), formError: '' });
    },
    onManageDepartments() {
      void wx.navigateTo({ url: '/staff/departments/index' });
    },
    onGrid(event: WechatMiniprogram.BaseEvent) {
      const index = this.data.grids.findIndex((grid) => grid.id === event.currentTarget.dataset.grid);
      if (index >= 0) this.setData({ [`grids[${index}].checked`]: !this.data.grids[index]!.checked, formError: '' });
    },
    async onInvite() {
      const gridIds = this.data.grids.filter((grid) => grid.checked).map((grid) => grid.id);
      const { role, communityId, departmentId } = this.data;
      if (role === 'grid_worker' && gridIds.length === 0) {
        this.setData({ formError: '请选择网格员负责的网格' });
        return;
      }
      if (role === 'department' && !departmentId) {
        this.setData({ formError: '请选择部门人员所在的部门' });
        return;
      }
      this.setData({ inviting: true });
      const input =
        role === 'grid_worker'
          ? { communityId, role: 'grid_worker' as const, gridIds }
          : role === 'department'
            ? { communityId, role: 'department' as const, departmentId }
            : { communityId, role: 'staff' as const };
      const reply = await call('community.invite', input, { loading: '正在生成', toast: false });
      this.setData({ inviting: false });
      if (!reply.ok) {
        this.setData({ formError: reply.error.message });
        return;
      }
      const { code, expiresAt } = reply.data;
      this.setData({
        invitation: { code, codeText: groupCode(code), qr: qrDataUrl(code), roleName: ROLE_NAMES[role], expiresText: formatTime(expiresAt) },
      });
      await this.load();
    },
    /** Shows the QR code of a pending invitation again. */
    onShowCode(event: WechatMiniprogram.BaseEvent) {
      const row = this.data.pending.find((item) => item.code === event.currentTarget.dataset.code);
      if (row?.code) this.setData({ invitation: { code: row.code, codeText: row.codeText, qr: qrDataUrl(row.code), roleName: row.roleName, expiresText: row.expiresText } });
    },
    onRevoke(event: WechatMiniprogram.BaseEvent) {
      const code = String(event.currentTarget.dataset.code);
      wx.showModal({
        title: '撤销邀请',
        content: `撤销后邀请码 ${groupCode(code)} 立即失效，确定吗？`,
        confirmText: '撤销',
        confirmColor: '#c8372d',
        success: async (result) => {
          if (!result.confirm) return;
          const reply = await call('community.revokeInvitation', { code }, { loading: '正在撤销' });
          if (!reply.ok) return;
          wx.showToast({ title: '已撤销', icon: 'success' });
          if (this.data.invitation?.code === code) this.setData({ invitation: null });
          await this.load();
        },
      });
    },
    async onMore() {
      if (!this.data.nextCursor) return;
      const reply = await call('community.invitations', { communityId: this.data.communityId, cursor: this.data.nextCursor });
      if (reply.ok) this.setData({ pending: [...this.data.pending, ...reply.data.items.map(toRow)], nextCursor: reply.data.nextCursor });
    },
  },
});
