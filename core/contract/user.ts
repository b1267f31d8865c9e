/**
 * Actions of the `user` function: who I am, registering, my profile, the home page, and staff
 * finding people.
 */
import { z } from 'zod';
import { type Address, COLLECTIONS, type Role, type VolunteerStatus } from '../model';
import type { StarLevel } from '../volunteer-hours';
import type { ServiceView } from './catalog';
import { action } from './define';
import { address, id, NOT_TEXT, paging, type Page, personName, phoneCode } from './fields';
import type { OrderSummary } from './order';

export interface ProfileView {
  name: string;
  phone: string;
  /** Present when the phone was typed, not vouched for by WeChat: the page offers to verify it. */
  phoneUnverified?: true;
  address: Address;
  communityId: string;
  communityName: string;
}

/**
 * A member of the community as staff pick them (for a nomination, an order on their behalf): by id,
 * with what tells two people apart — never the full phone number.
 */
export interface PersonView {
  openid: string;
  name: string;
  gridId: string;
  building: string;
  unit?: string;
  /** e.g. 138****0020 */
  phoneMasked: string;
  /** Present when the phone was typed (staff joining, 代点单, older records): shown as 未验证. */
  phoneUnverified?: true;
  roles: Role[];
}

/** Everything the resident home page shows, in one call. */
export interface HomeView {
  me: MeView;
  communityName?: string;
  services: ServiceView[];
  /** The caller's open orders, most urgent first (at most 3). */
  openOrders: OrderSummary[];
  openOrderCount: number;
  balance: number;
}

export interface MeView {
  openid: string;
  roles: Role[];
  communityId?: string;
  profile?: ProfileView;
  /** `hours` and `level` count the volunteer's service records (shown as stars on the profile). */
  volunteer?: { status: VolunteerStatus; available: boolean; reviewNote?: string; hours: number; level: StarLevel };
}

/** The hours the caller's service records add up to (a volunteer's profile shows them), read with the caller. */
const readsRecordedHours = (_input: unknown, openid: string) => ({ hours: { from: COLLECTIONS.serviceRecords, where: { openid }, sum: 'hours' } });

export const userActions = {
  'user.me': action<MeView>()({ roles: ['anyone'], input: z.object({}), reads: readsRecordedHours }),
  /**
   * One button registers: the phone comes from WeChat's phone-number button as `phoneCode`, never
   * typed, so nobody registers with a neighbour's number.
   */
  'user.register': action<MeView>()({
    roles: ['anyone'],
    input: z.object({ communityId: id, name: personName, phoneCode, address }),
  }),
  'user.home': action<HomeView>()({ roles: ['anyone'], input: z.object({}), reads: readsRecordedHours }),
  'user.updateProfile': action<MeView>()({
    roles: ['registered'],
    input: z
      .object({ name: personName.optional(), address: address.optional() })
      .refine((input) => input.name !== undefined || input.address !== undefined, { error: '请至少修改一项资料' }),
  }),
  /** Binds (or changes, 换绑) the caller's phone to the one WeChat's phone-number button vouches for. */
  'user.bindPhone': action<MeView>()({
    roles: ['registered'],
    input: z.object({ code: phoneCode }),
    reads: readsRecordedHours,
  }),

  /**
   * Finds members of the caller's community (a grid worker: of their grids) by exact name or by a
   * verified phone (a typed one could be anyone's, so it finds nobody), or lists a grid's or a
   * building's residents. Returns ids to pick from: two people with one phone show up as two, and
   * staff tell them apart by name and building.
   */
  'user.search': action<Page<PersonView>>()({
    roles: ['staff', 'grid_worker'],
    input: z.object({
      /** A name (exact) or an 11-digit phone; a search term, not published text. */
      query: z.string().trim().max(20, { error: '搜索内容不能超过 20 个字' }).meta(NOT_TEXT).optional(),
      gridId: id.optional(),
      building: z.string().trim().max(20, { error: '楼栋不能超过 20 个字' }).meta(NOT_TEXT).optional(),
      ...paging,
    }),
  }),
} as const;
