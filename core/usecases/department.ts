/**
 * The `department` function: the departments and units a community whistles to (吹哨), each with
 * the categories of affairs it handles. Staff keep the list; its people join by invitation
 * (community.invite with role `department`) and see only their own department.
 */
import type { DepartmentView } from '../contract';
import { MAX_DEPARTMENTS } from '../contract/department';
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { type Affair, COLLECTIONS, type Department } from '../model';
import type { Collection, Deps } from '../ports';
import { affairRulesOf } from '../settings';
import { iso } from '../time';
import { memberCommunity, staffCommunity } from './shared/access';
import { takePlace } from './shared/quota';
import { compact } from './shared/store';

export const departmentsOf = (deps: Deps): Collection<Department> => deps.store.collection<Department>(COLLECTIONS.departments);

export const toDepartmentView = (department: Department): DepartmentView =>
  compact({
    id: department._id,
    name: department.name,
    kind: department.kind,
    categories: department.categories,
    contactPhone: department.contactPhone,
    contactPhoneUnverified: department.contactPhone ? (true as const) : undefined,
    active: department.active,
    version: department.version,
    updatedAt: iso(department.updatedAt),
  });

/** Every department of a community (they are few: MAX_DEPARTMENTS), by name. */
export const communityDepartments = (deps: Deps, communityId: string): Promise<Department[]> =>
  departmentsOf(deps).find(
    { communityId },
    {
      orderBy: [
        ['name', 'asc'],
        ['_id', 'asc'],
      ],
      limit: MAX_DEPARTMENTS,
    },
  );

/**
 * A department stops being whistled to only when nothing is with it: affairs it was sent or accepted
 * would wait for people nobody follows up with (take them back with the department's return, or let it finish).
 */
async function assertNothingInHand(deps: Deps, department: Department): Promise<void> {
  const inHand = await deps.store.collection<Affair>(COLLECTIONS.affairs).count({ departmentId: department._id, status: { in: ['whistled', 'accepted'] } });
  if (inHand > 0) throw new DomainError('CONFLICT', `${department.name}还有 ${inHand} 件事务在办理，请等办结或由该部门退回后再停用`);
}

export const departmentHandlers: Handlers<'department'> = {
  'department.upsert': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const now = deps.clock.now();
    const existing = await communityDepartments(deps, communityId);
    const sameName = existing.find((department) => department.name === input.name && department._id !== input.departmentId);
    if (sameName) throw new DomainError('CONFLICT', `已有名为“${input.name}”的部门`);
    const fields = compact({
      name: input.name,
      kind: input.kind,
      categories: input.categories,
      contactPhone: input.contactPhone || undefined,
      active: input.active ?? true,
      updatedBy: caller.openid,
      updatedAt: now,
    });
    if (input.departmentId) {
      const current = existing.find((department) => department._id === input.departmentId);
      if (!current) throw new DomainError('NOT_FOUND', '该部门不存在或不属于本社区');
      if (current.version !== input.version) throw new DomainError('CONFLICT', '该部门刚被其他工作人员修改，请刷新后重试');
      if (current.active && fields.active === false) {
        await assertNothingInHand(deps, current);
        // The street office supervises the community's staff: they do not switch it off (change 事务办理规则 first, with a second approver).
        if (caller.community && affairRulesOf(caller.community).streetDepartmentId === current._id) {
          throw new DomainError('CONFLICT', `${current.name}是社区设置的街道督办部门，请先在“事务办理规则”中更换（需另一名工作人员审核），再停用`);
        }
      }
      const written = await departmentsOf(deps).update(
        { _id: current._id, communityId, version: current.version },
        { set: { ...fields, version: current.version + 1 }, ...(input.contactPhone ? {} : { unset: ['contactPhone'] }) },
      );
      if (written === 0) throw new DomainError('CONFLICT', '该部门刚被其他工作人员修改，请刷新后重试');
      const next: Department = { ...current, ...fields, version: current.version + 1 };
      if (!input.contactPhone) delete next.contactPhone;
      return toDepartmentView(next);
    }
    const department: Department = { _id: `dept-${deps.random.id()}`, communityId, ...fields, version: 0, createdBy: caller.openid, createdAt: now };
    await deps.store.transaction(async (tx) => {
      // The place document makes two staff adding at once conflict, so the count holds exactly.
      await takePlace(tx, `department_place:${communityId}`, now, () => departmentsOf(deps).count({ communityId }), MAX_DEPARTMENTS, `每个社区最多 ${MAX_DEPARTMENTS} 个部门，请停用或修改已有的部门`);
      await tx.collection<Department>(COLLECTIONS.departments).add(department);
    });
    return toDepartmentView(department);
  },

  'department.list': async (_input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    if (caller.roles.has('staff') || caller.roles.has('grid_worker')) {
      const all = await communityDepartments(deps, communityId);
      // Grid workers pick from what is whistled to now; staff also keep the inactive ones.
      return (caller.roles.has('staff') ? all : all.filter((department) => department.active)).map(toDepartmentView);
    }
    const departmentId = caller.user?.departmentId;
    if (!departmentId) return [];
    const own = await departmentsOf(deps).get(departmentId);
    return own && own.communityId === communityId ? [toDepartmentView(own)] : [];
  },
};
