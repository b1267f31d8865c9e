/**
 * Actions of the `household` function: the household register (户) and its linkers (十联户: 联户长,
 * 党员联系户, 社区管家). Staff keep the register; a resident asks to be linked to the household of
 * their registered home and staff confirm it; a linker looks after the households given to them.
 * Care flags (独居老人, 低保 …) are seen by staff and the household's linker only.
 */
import { z } from 'zod';
import { HOUSEHOLD_FLAGS, HOUSEHOLD_RELATIONS, VISIT_WAYS } from '../labels';
import { type AffairCategory, type AffairStatus, COLLECTIONS, type HouseholdFlag, type HouseholdRelation, type OrderStatus, type VisitWay } from '../model';
import { action, byId, type Iso } from './define';
import { calendarDate, id, NOT_TEXT, nonNegativeInt, type Page, paging, personName, phone, shortText } from './fields';

/** People a household lists (a family, and those who rent with it). */
export const MAX_HOUSEHOLD_MEMBERS = 12;

/** A household as its viewer may see it. */
export interface HouseholdView {
  id: string;
  gridId: string;
  gridName: string;
  building: string;
  unit?: string;
  room: string;
  /** 1栋 2单元 301 */
  address: string;
  /** `openid` for staff only: an edit sends it back, so a registered member stays linked. */
  members: Array<{ name: string; relation: HouseholdRelation; registered: boolean; openid?: string }>;
  /** Staff and the household's linker only; absent for others. */
  flags?: HouseholdFlag[];
  /** In full for staff and the linker; masked for a grid worker; absent for the household itself (it knows). */
  contactPhone?: string;
  linkerName?: string;
  /** Whether the caller is its linker. */
  linkedByMe: boolean;
  /** In the linker's list (box `linked`): how many of its orders and of its named reports are open. */
  open?: { orders: number; affairs: number };
  version: number;
  updatedAt: Iso;
}

/** A resident's request to be linked to the household of their home, as staff review it. */
export interface HouseholdClaimView {
  openid: string;
  name: string;
  relation: HouseholdRelation;
  address: string;
  /** The household of that address (confirming creates it when it is not registered yet). */
  householdId?: string;
  /** In staff's list of requests: whether that household is registered already. */
  householdRegistered?: boolean;
  status: 'pending' | 'confirmed' | 'rejected';
  reason?: string;
  createdAt: Iso;
}

export interface MyHouseholdView {
  household: HouseholdView | null;
  /** The caller's latest request to be linked, while it waits or after it was refused (none once they are in a household). */
  claim: HouseholdClaimView | null;
  /** Whether the caller may ask to be linked (a registered resident not yet in a household). */
  mayClaim: boolean;
}

/** A linker's visit (走访) as staff and the household's linker read it. */
export interface HouseholdVisitView {
  id: string;
  householdId: string;
  address: string;
  linkerName: string;
  /** Whether the caller recorded it. */
  mine: boolean;
  date: string;
  way: VisitWay;
  note: string;
  createdAt: Iso;
}

/**
 * One household with what is open for it: the orders placed for it (by its members or for them,
 * 代点单) and the problems its members reported under their name (anonymous ones never show).
 * Only what a linker needs to follow up: no descriptions, no volunteers' phones.
 */
export interface HouseholdDetailView {
  household: HouseholdView;
  openOrders: Array<{ id: string; serviceName: string; status: OrderStatus; contactName: string; createdAt: Iso; overdue: boolean }>;
  openAffairs: Array<{ id: string; category: AffairCategory; status: AffairStatus; createdAt: Iso; overdue: boolean }>;
  /** The caller may record a visit (they are its linker) and order for it (代点单). */
  mayVisit: boolean;
  mayOrder: boolean;
}

/** Open orders and open affairs shown on a household's page (the newest; the rest are in their lists). */
export const HOUSEHOLD_OPEN_SHOWN = 20;

/** A visit may be recorded up to this many days after it happened (not later: a record, not a recollection). */
export const VISIT_BACKDATE_DAYS = 7;

const relation = z.enum(HOUSEHOLD_RELATIONS, { error: `与户主关系只能是${HOUSEHOLD_RELATIONS.join('、')}` });
const flag = z.enum(HOUSEHOLD_FLAGS, { error: `需要关照的情况只能是${HOUSEHOLD_FLAGS.join('、')}` });
/**
 * A unit or room as the register keys it: "1单元", "１" and "1" are one unit, "301室" is room 301.
 * Residents type their address freely (个人资料); staff pick from the register: both meet here.
 */
export const doorPartKey = (value: string | undefined): string =>
  (value ?? '')
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/(单元|室|号)$/u, '')
    .toUpperCase();

/** A part of a door number (单元, 室): digits, letters and a dash, as written on the door. */
const doorPart = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .transform(doorPartKey)
    .pipe(z.string().regex(/^[0-9A-Z-]{1,8}$/, { error: `${label}只能是 1–8 位数字或字母，如 301` }))
    .meta(NOT_TEXT);

export const householdActions = {
  /**
   * Staff register a household, or edit one with the version read. The address (building, unit,
   * room) names it and cannot change; registered members (by openid) are linked to it.
   */
  'household.upsert': action<HouseholdView>()({
    roles: ['staff'],
    input: z
      .object({
        householdId: id.optional(),
        version: nonNegativeInt('版本号', 1_000_000).optional(),
        building: z.string({ error: '请选择楼栋' }).trim().min(1, { error: '请选择楼栋' }).max(20).meta(NOT_TEXT),
        unit: doorPart('单元').optional(),
        room: doorPart('门牌号'),
        members: z
          .array(z.object({ name: personName, relation, openid: id.optional() }), { error: '请填写家庭成员' })
          .min(1, { error: '请至少填写一位家庭成员' })
          .max(MAX_HOUSEHOLD_MEMBERS, { error: `家庭成员最多 ${MAX_HOUSEHOLD_MEMBERS} 位` }),
        flags: z
          .array(flag)
          .max(HOUSEHOLD_FLAGS.length)
          .refine((list) => new Set(list).size === list.length, { error: '需要关照的情况不能重复' })
          .optional(),
        contactPhone: z.union([phone, z.literal('')]).optional(),
      })
      .refine((input) => input.householdId === undefined || input.version !== undefined, { error: '修改家庭户时请带上版本号', path: ['version'] })
      .refine((input) => new Set(input.members.flatMap((member) => (member.openid ? [member.openid] : []))).size === input.members.filter((member) => member.openid).length, {
        error: '同一位居民不能重复登记',
        path: ['members'],
      }),
  }),
  /**
   * The register page by page, by building and room: staff all (or one grid or building); a grid
   * worker their grids; `linked` the households the caller looks after as a linker.
   */
  'household.list': action<Page<HouseholdView>>()({
    roles: ['registered'],
    input: z.object({
      box: z.enum(['community', 'grid', 'linked'], { error: '列表只能是全社区、网格或我联系的家庭户' }).optional(),
      gridId: id.optional(),
      building: z.string().trim().min(1).max(20).meta(NOT_TEXT).optional(),
      ...paging,
    }),
  }),
  /**
   * One household with its open orders and affairs: for staff, the grid worker of its grid, and its
   * linker (the linker and staff see its care flags).
   */
  'household.get': action<HouseholdDetailView>()({
    roles: ['registered'],
    input: z.object({ householdId: id }),
    reads: ({ householdId }) => ({ household: byId(COLLECTIONS.households, householdId) }),
  }),
  /**
   * The household's linker records a visit (走访): the day (today or up to a week back), how, and what
   * they found. One a day per household; it pays nothing.
   */
  'household.visit': action<HouseholdVisitView>()({
    roles: ['registered'],
    input: z.object({
      householdId: id,
      date: calendarDate('走访日期'),
      way: z.enum(VISIT_WAYS, { error: `走访方式只能是${VISIT_WAYS.join('、')}` }),
      note: z.string({ error: '请填写走访情况' }).pipe(shortText('走访情况', 300)),
    }),
  }),
  /** A household's visits, newest first: staff and its linker. */
  'household.visits': action<Page<HouseholdVisitView>>()({
    roles: ['registered'],
    input: z.object({ householdId: id, ...paging }),
    reads: ({ householdId }) => ({ household: byId(COLLECTIONS.households, householdId) }),
  }),
  /** The caller's own household (without its care flags), and their request to be linked, if any. */
  'household.mine': action<MyHouseholdView>()({ roles: ['registered'], input: z.object({}) }),
  /** A resident asks to be linked to the household of their registered home (staff confirm it). */
  'household.claim': action<MyHouseholdView>()({ roles: ['resident'], input: z.object({ relation }) }),
  /** Requests waiting for staff, oldest first. */
  'household.claims': action<Page<HouseholdClaimView>>()({ roles: ['staff'], input: z.object({ ...paging }) }),
  /** Staff confirm (the resident joins the household, which is registered if it was not) or refuse with a reason. */
  'household.decideClaim': action<HouseholdClaimView>()({
    roles: ['staff'],
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ openid: id, decision: z.literal('confirm') }),
        z.object({ openid: id, decision: z.literal('reject'), reason: z.string({ error: '请填写不通过的原因' }).pipe(shortText('不通过的原因', 100)) }),
      ],
      { error: '请选择确认或不通过' },
    ),
  }),
  /**
   * Staff give a household a linker (a registered person of the community, often a party member),
   * or take it away (`linker` null). A linker looks after at most the community's
   * `householdsPerLinker` households (10 for 十联户; more for 社区管家).
   */
  'household.assignLinker': action<HouseholdView>()({
    roles: ['staff'],
    input: z.object({ householdId: id, version: nonNegativeInt('版本号', 1_000_000), linker: id.nullable() }),
  }),
} as const;
