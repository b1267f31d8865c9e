/**
 * The database of a test cloud, straight from the engine: seeding documents (Dates become EJSON
 * {$date}), reading them back, the people and service records the service-hour tests start from,
 * and the check that a refused call wrote nothing.
 */
import { expect } from 'vitest';
import type { ActionName } from '../../core/contract';
import { functionOf } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { callRaw, DEMO, snapshot } from './linli';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Raw = Record<string, any>;

/** When the seeded people registered. */
export const T0 = new Date('2026-11-01T00:00:00.000Z');

function encode(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, encode(inner)]));
  return value;
}

/** Imports documents into a collection as they are (no function runs, nothing is checked). */
export function seed(cloud: LocalCloud, collection: string, documents: readonly Raw[]): void {
  cloud.engine.importLines(documents.map((doc) => JSON.stringify({ collection, doc: encode(doc) })));
}

export const docs = <T = Raw>(cloud: LocalCloud, collection: string): T[] =>
  [...(cloud.engine.collections.get(collection)?.entries.values() ?? [])].map((entry) => entry.doc as unknown as T);

export const doc = <T = Raw>(cloud: LocalCloud, collection: string, id: string): T | undefined =>
  cloud.engine.collections.get(collection)?.entries.get(JSON.stringify(id))?.doc as unknown as T | undefined;

/**
 * Changes settings of the demo community straight in the database, e.g. order limits far above the
 * defaults for a suite that places many orders from one resident and is not about limits.
 */
export function setCommunitySettings(cloud: LocalCloud, settings: Raw, communityId: string = DEMO.community): void {
  const community = doc(cloud, 'communities', communityId);
  if (!community) throw new Error(`no community ${communityId}`);
  seed(cloud, 'communities', [{ ...community, settings: { ...community.settings, ...settings } }]);
}

export const GENEROUS_ORDER_LIMITS = { orderLimits: { openPerResident: 1000, perResidentPerDay: 1000, openOnBehalf: 1000, onBehalfPerDay: 1000 } };

/**
 * A registered user (a resident of grid g1 of the demo community unless told otherwise), with a
 * phone WeChat verified unless `phoneVerified: false` (a typed one).
 */
export const userDoc = (
  openid: string,
  name: string,
  options: { roles?: string[]; communityId?: string; phone?: string; phoneVerified?: boolean; address?: Raw } = {},
): Raw => ({
  _id: openid,
  communityId: options.communityId ?? DEMO.community,
  name,
  phone: options.phone ?? '13900000000',
  ...(options.phoneVerified === false ? {} : { phoneVerifiedAt: T0 }),
  address: options.address ?? { gridId: 'g1', building: '1栋' },
  roles: options.roles ?? ['resident'],
  createdAt: T0,
  updatedAt: T0,
});

/** An approved volunteer of the demo community. */
export const volunteerDoc = (openid: string, realName: string, options: { skills?: string[]; phone?: string } = {}): Raw => ({
  _id: openid,
  communityId: DEMO.community,
  realName,
  phone: options.phone ?? '13700000000',
  phoneVerifiedAt: T0,
  birthDate: '1980-01-01',
  guardianConsent: false,
  skills: options.skills ?? ['送餐'],
  availability: '随时',
  available: true,
  partyMember: false,
  gridId: 'g1',
  consentAt: T0,
  status: 'approved',
  appliedAt: T0,
  stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 },
});

/** Seeds a registered resident who is also an approved volunteer. */
export function seedVolunteer(cloud: LocalCloud, openid: string, name: string, options: { skills?: string[]; phone?: string; userName?: string } = {}): void {
  seed(cloud, 'users', [userDoc(openid, options.userName ?? name, { phone: options.phone })]);
  seed(cloud, 'volunteers', [volunteerDoc(openid, name, options)]);
}

/** A service record of an activity (the _id a check-out would give it), in the demo community. */
export const activityRecordDoc = (record: {
  openid: string;
  volunteerName: string;
  ref: string;
  date: string;
  minutes: number;
  hours: number;
  activityName: string;
  content?: string;
  category?: string;
}): Raw => ({
  _id: `activity:${record.ref}:${record.openid}`,
  openid: record.openid,
  volunteerName: record.volunteerName,
  communityId: DEMO.community,
  source: 'activity',
  ref: record.ref,
  activityName: record.activityName,
  date: record.date,
  place: '幸福里社区党群服务中心',
  content: record.content ?? record.activityName,
  minutes: record.minutes,
  hours: record.hours,
  ...(record.category ? { category: record.category } : {}),
  organiser: '幸福里社区',
  personInCharge: '刘晓梅',
  version: 1,
  createdAt: new Date(`${record.date}T10:00:00.000Z`),
});

/** A refusal with the expected code (and message, if given), and not one byte of the database changed. Returns the message. */
export async function expectRefused(cloud: LocalCloud, openid: string, action: ActionName, input: unknown, code: string, message?: string): Promise<string> {
  const before = snapshot(cloud);
  const reply = await callRaw(cloud, openid, functionOf(action), { action, input });
  expect(reply, `${action} as ${openid}`).toMatchObject({ ok: false, error: { code, ...(message ? { message } : {}) } });
  expect(snapshot(cloud), `${action} as ${openid} wrote nothing`).toBe(before);
  return reply.ok ? '' : reply.error.message;
}
