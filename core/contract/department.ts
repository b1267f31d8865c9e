/** Actions of the `department` function: the departments and units a community whistles to (吹哨). */
import { z } from 'zod';
import { AFFAIR_CATEGORIES, DEPARTMENT_KINDS } from '../labels';
import type { AffairCategory, DepartmentKind } from '../model';
import { action, type Iso } from './define';
import { id, shortText, yesNo } from './fields';

/** The default categories of affairs (问题类别) and the kinds of departments, in the order forms offer them. */
export { AFFAIR_CATEGORIES, DEPARTMENT_KINDS };


/** A community whistles to a few tens of departments; this keeps the list one read. */
export const MAX_DEPARTMENTS = 50;

export const affairCategory = z.enum(AFFAIR_CATEGORIES, { error: `问题类别只能是${AFFAIR_CATEGORIES.join('、')}` });

/** A department's office phone: a landline or a mobile number (typed by staff, not verified). */
const departmentPhone = z
  .string({ error: '联系电话格式不正确' })
  .trim()
  .regex(/^(?:0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|1\d{10}|\d{7,8}|\d{5})$/, { error: '联系电话格式不正确，如 010-12345678、11 位手机号或 95598' });

export interface DepartmentView {
  id: string;
  name: string;
  kind: DepartmentKind;
  categories: AffairCategory[];
  contactPhone?: string;
  /** Typed by staff, never verified by WeChat. */
  contactPhoneUnverified?: true;
  active: boolean;
  version: number;
  updatedAt: Iso;
}

export const departmentActions = {
  /**
   * Adds a department (without `departmentId`) or changes one (with it, and the `version` the page
   * read: an edit made meanwhile by a colleague is not overwritten). At most MAX_DEPARTMENTS per community.
   */
  'department.upsert': action<DepartmentView>()({
    roles: ['staff'],
    input: z
      .object({
        departmentId: id.optional(),
        version: z.number({ error: '缺少版本号' }).int().min(0).optional(),
        name: shortText('部门名称', 30),
        kind: z.enum(DEPARTMENT_KINDS, { error: `部门类型只能是${DEPARTMENT_KINDS.join('、')}` }),
        categories: z
          .array(affairCategory)
          .min(1, { error: '请至少选择一个负责的问题类别' })
          .max(AFFAIR_CATEGORIES.length)
          .refine((list) => new Set(list).size === list.length, { error: '问题类别不能重复' }),
        contactPhone: departmentPhone.optional(),
        active: yesNo('是否启用').optional(),
      })
      .refine((input) => input.departmentId === undefined || input.version !== undefined, { error: '修改部门时请带上版本号', path: ['version'] }),
  }),
  /** Staff and grid workers: the community's departments; department staff: their own. */
  'department.list': action<DepartmentView[]>()({ roles: ['staff', 'grid_worker', 'department'], input: z.object({}) }),
} as const;
