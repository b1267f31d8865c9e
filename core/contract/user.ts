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

export const PRIVACY_CONSENT_MESSAGE = '请阅读并同意《隐私政策》';

/** What `user.exportMine` wrote: a JSON file in cloud storage the person can open, save or forward. */
export interface DataExportView {
  fileID: string;
  /** A download address valid for EXPORT_URL_SECONDS. */
  url: string;
  fileName: string;
  /** Documents in the file, by what they are (e.g. 订单: 12). */
  counts: Record<string, number>;
  /** Present when some list was longer than the file holds: what to do about the rest. */
  truncated?: string;
  /** Exports left today. */
  remainingToday: number;
}

/** What `user.deleteAccount` did. */
export interface AccountDeletionView {
  /** Open orders cancelled (their volunteers were told). */
  cancelledOrders: number;
  /** Points that were left and were forfeited (recorded in the ledger as 注销清零). */
  forfeitedPoints: number;
  /** Records kept as the law requires, de-identified: what they are, and how many. */
  kept: Record<string, number>;
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
    input: z.object({
      communityId: id,
      name: personName,
      phoneCode,
      address,
      /** The privacy policy (pages/privacy) was read and agreed to: stored as the user's consentAt. */
      consent: z.literal(true, { error: PRIVACY_CONSENT_MESSAGE }),
    }),
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
   * Everything stored about the caller (个人信息保护法 Art. 45), as a JSON file in cloud storage:
   * profile, volunteer record (ID number masked), orders placed and served, points ledger and
   * redemptions, service records and their corrections, certificates, activity sign-ups, awards.
   * Limited per day (each export reads a lot).
   */
  'user.exportMine': action<DataExportView>()({
    roles: ['registered'],
    // It writes (the file, the day's count): only a request that asks for it, and nothing else, is served.
    input: z.strictObject({ format: z.literal('json', { error: '导出格式应为 json' }).meta(NOT_TEXT) }),
  }),
  /**
   * 注销 (个人信息保护法 Art. 47): erases the profile, phone, address, ID number and the volunteer
   * record; keeps what the law requires (service records, points ledger, certificates) under a
   * random id with the name 已注销用户; cancels open orders and tells their volunteers; forfeits the
   * points left. `confirm` is the word the person typed to say they mean it.
   */
  'user.deleteAccount': action<AccountDeletionView>()({
    roles: ['registered'],
    input: z.object({ confirm: z.literal('注销', { error: '请输入“注销”两个字确认' }).meta(NOT_TEXT) }),
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
