/**
 * Actions of the `user` function: who I am, registering, my profile, the home page, and staff
 * finding people.
 */
import { z } from 'zod';
import { type Address, COLLECTIONS, type Role, type VolunteerStatus } from '../model';
import type { StarLevel } from '../volunteer-hours';
import type { ServiceView } from './catalog';
import { action } from './define';
import { address, id, NOT_TEXT, paging, type Page, personName, phone } from './fields';
import type { OrderSummary } from './order';

export interface ProfileView {
  name: string;
  phone: string;
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
  'user.register': action<MeView>()({
    roles: ['anyone'],
    input: z.object({ communityId: id, name: personName, phone, address }),
  }),
  'user.home': action<HomeView>()({ roles: ['anyone'], input: z.object({}), reads: readsRecordedHours }),
  'user.updateProfile': action<MeView>()({
    roles: ['registered'],
    input: z
      .object({ name: personName.optional(), phone: phone.optional(), address: address.optional() })
      .refine((input) => input.name !== undefined || input.phone !== undefined || input.address !== undefined, { error: '请至少修改一项资料' }),
  }),

  /**
   * Finds members of the caller's community (a grid worker: of their grids) by exact name or by a
   * registered phone, or lists a grid's or a building's residents. Returns ids to pick from: two
   * people with one phone show up as two, and staff tell them apart by name and building.
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
