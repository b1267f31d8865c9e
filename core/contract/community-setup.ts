/**
 * Setting a community up in the app (the `community` function): its profile (name, street office,
 * address, contact), its grids and buildings, invitations for staff and grid workers, and who is who.
 */
import { z } from 'zod';
import type { Grid, StoredRole } from '../model';
import { action, type Iso } from './define';
import { id, NOT_TEXT, optionalText, paging, type Page, shortText } from './fields';

/** Offered in pickers (grids) or still named by old addresses (retiredGrids). */
export interface CommunityProfileView {
  id: string;
  name: string;
  district?: string;
  address?: string;
  contact?: string;
}

/** A grid as the setup page manages it: retired ones and retired buildings included. */
export interface ManagedGrid extends Grid {
  retiredBuildings: string[];
  retired: boolean;
}

export interface CommunityGridsView extends CommunityProfileView {
  grids: ManagedGrid[];
  /** How many buildings the community may still add (MAX_BUILDINGS counts retired ones too). */
  buildingsLeft: number;
  gridsLeft: number;
}

/** A pending invitation as its community's staff and the administrators see it. */
export interface InvitationView {
  /** Only for whoever may hand it out or revoke it: its inviter, or an administrator. */
  code?: string;
  role: 'staff' | 'grid_worker' | 'department';
  roleName: string;
  gridNames: string[];
  createdByName: string;
  createdAt: Iso;
  expiresAt: Iso;
  mine: boolean;
  revocable: boolean;
}

/** A member of the community's staff, a grid worker or a resident, as the member list shows them. */
export interface MemberView {
  openid: string;
  name: string;
  roles: StoredRole[];
  /** 社区工作人员、网格员、部门人员、居民 */
  roleNames: string[];
  phoneMasked: string;
  phoneUnverified?: true;
  /** A resident's home: grid and building. */
  gridName?: string;
  building?: string;
  /** A grid worker's grids. */
  gridNames?: string[];
  /** A department's person's department. */
  departmentName?: string;
  /** The roles the viewer may take from this member (community.removeRole); the page shows a button for each. */
  removable: Array<'staff' | 'grid_worker' | 'department'>;
}

/** A role taken from someone (off-boarding), as the member page's history shows it. */
export interface RoleRemovalView {
  id: string;
  openid: string;
  name: string;
  role: 'staff' | 'grid_worker' | 'department';
  roleName: string;
  reason: string;
  byName: string;
  at: Iso;
}

/** 010-12345678, 0571-8888888-123 or a mobile number: the 居委会 office's phone (empty: none). */
const contactPhone = z
  .string({ error: '联系电话格式不正确' })
  .trim()
  .regex(/^(?:0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|1\d{10}|\d{7,8})?$/, { error: '联系电话格式不正确，如 010-12345678 或 11 位手机号' });

const profileFields = {
  name: shortText('社区名称', 40).optional(),
  district: optionalText('所属街道', 40),
  address: optionalText('办公地址', 80),
  contact: contactPhone.optional(),
};

export const MAX_GRIDS = 100;
/** Pending (unused, unrevoked, unexpired) invitations one person may have at once. */
export const MAX_PENDING_INVITATIONS = 20;

const gridName = shortText('网格名称', 30);
const building = shortText('楼栋', 20);
/** Names an existing building (its current name): not published text. */
const existingBuilding = z.string({ error: '请选择楼栋' }).trim().min(1, { error: '请选择楼栋' }).max(20, { error: '楼栋不能超过 20 个字' }).meta(NOT_TEXT);

/** One edit of the grids, applied to the latest grids (not to what the page last saw). */
export const gridChange = z.discriminatedUnion(
  'op',
  [
    z.object({ op: z.literal('addGrid'), name: gridName }),
    z.object({ op: z.literal('renameGrid'), gridId: id, name: gridName }),
    z.object({ op: z.literal('retireGrid'), gridId: id }),
    z.object({ op: z.literal('restoreGrid'), gridId: id }),
    z.object({ op: z.literal('addBuilding'), gridId: id, building }),
    z.object({ op: z.literal('renameBuilding'), gridId: id, building: existingBuilding, name: building }),
    z.object({ op: z.literal('moveBuilding'), gridId: id, building: existingBuilding, toGridId: id }),
    z.object({ op: z.literal('retireBuilding'), gridId: id, building: existingBuilding }),
  ],
  { error: '请选择要进行的操作' },
);
export type GridChange = z.infer<typeof gridChange>;

export const communitySetupActions = {
  /** Name, street office, office address and phone: an administrator, or staff of that community. */
  'community.update': action<CommunityProfileView>()({
    roles: ['staff', 'admin'],
    input: z
      .object({ communityId: id, ...profileFields })
      .refine((input) => (['name', 'district', 'address', 'contact'] as const).some((key) => input[key] !== undefined), { error: '请至少修改一项' }),
  }),
  /** Every grid and building, retired ones included, for the page that manages them. */
  'community.grids': action<CommunityGridsView>()({ roles: ['staff', 'admin'], input: z.object({ communityId: id }) }),
  'community.changeGrids': action<CommunityGridsView>()({ roles: ['staff', 'admin'], input: z.object({ communityId: id, change: gridChange }) }),
  /** Pending invitations of the community, those expiring first first. */
  'community.invitations': action<Page<InvitationView>>()({ roles: ['staff', 'admin'], input: z.object({ communityId: id, ...paging }) }),
  /** Its inviter or an administrator revokes an unused invitation: it no longer works. */
  'community.revokeInvitation': action<InvitationView>()({
    roles: ['staff', 'admin'],
    input: z.object({
      code: z
        .string({ error: '缺少邀请码' })
        .trim()
        .transform((value) => value.toUpperCase().replace(/[\s-]/g, ''))
        .pipe(z.string().regex(/^[A-HJKMNP-Z2-9]{12}$/, { error: '邀请码是 12 位字母和数字' })),
    }),
  }),
  /** Staff, grid workers or residents (of one grid, if given) of the community, by name. */
  'community.members': action<Page<MemberView>>()({
    roles: ['staff', 'admin'],
    input: z.object({
      communityId: id,
      role: z.enum(['staff', 'grid_worker', 'department', 'resident'], { error: '只能查看工作人员、网格员、部门人员或居民' }),
      gridId: id.optional(),
      ...paging,
    }),
  }),
  /**
   * Off-boarding: takes a role from someone who left or changed jobs, with a reason, recorded in the
   * append-only `role_removals`. An administrator removes staff (as they appoint them); staff remove
   * grid workers and department people. The last staff member stays; someone still handling
   * affairs has them reassigned first; the invitations they made stop working.
   */
  'community.removeRole': action<MemberView | null>()({
    roles: ['staff', 'admin'],
    input: z.object({
      communityId: id,
      openid: id,
      role: z.enum(['staff', 'grid_worker', 'department'], { error: '只能移除工作人员、网格员或部门人员的身份' }),
      reason: z.string({ error: '请填写移除的原因' }).pipe(shortText('移除的原因', 100)),
    }),
  }),
  /** Roles removed in the community, newest first (staff and administrators). */
  'community.roleRemovals': action<Page<RoleRemovalView>>()({ roles: ['staff', 'admin'], input: z.object({ communityId: id, ...paging }) }),
} as const;
