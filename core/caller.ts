/** Who the caller is: their stored profile, volunteer record, community and the roles those give. */
import { type AdminGrant, COLLECTIONS, type Community, type PointsAccount, type Role, type User, type Volunteer } from './model';
import type { Caller, Join, Read, Store } from './ports';
import type { Audience } from './contract/define';

/**
 * One request: the user document with their volunteer record, community and points account joined
 * on ($lookup stages). Every call pays for resolving its caller, so this is the read that matters
 * most; an action that needs the community (its settings, caps, grids) or shows the balance finds
 * them here instead of reading them. Someone with no user document (not registered) is looked up as
 * a volunteer and as an administrator (the first administrator may belong to no community).
 */
export async function resolveCaller(store: Store, openid: string, adminOpenids: ReadonlySet<string>): Promise<Caller> {
  return (await resolveRequest(store, openid, adminOpenids, {})).caller;
}

/** The caller's own joins; an action's reads (its contract's `reads`) go under keys of their own. */
const CALLER_JOINS = {
  volunteer: { from: COLLECTIONS.volunteers, localField: '_id', foreignField: '_id' },
  community: { from: COLLECTIONS.communities, localField: 'communityId', foreignField: '_id' },
  points: { from: COLLECTIONS.pointsAccounts, localField: '_id', foreignField: '_id' },
  admin: { from: COLLECTIONS.admins, localField: '_id', foreignField: '_id' },
} as const satisfies Record<string, Join>;
const readKey = (key: string) => `read_${key}`;

/**
 * The caller and what the action reads by its input (`reads`), in one request. The reads come
 * back only when the user document exists; otherwise `preread` is empty and the handler reads.
 */
export async function resolveRequest(
  store: Store,
  openid: string,
  adminOpenids: ReadonlySet<string>,
  reads: Readonly<Record<string, Read>>,
): Promise<{ caller: Caller; preread: Record<string, unknown[]> }> {
  const joins: Record<string, Join> = { ...CALLER_JOINS };
  for (const [key, read] of Object.entries(reads)) joins[readKey(key)] = read;
  const [found] = await store.collection<User>(COLLECTIONS.users).findJoined<Record<string, object>>({ _id: openid }, { limit: 1 }, joins);
  let user: User | null = null;
  let volunteer: Volunteer | null;
  let community: Community | null = null;
  let points: PointsAccount | null = null;
  let admin: AdminGrant | null;
  const preread: Record<string, unknown[]> = {};
  if (found) {
    const joined = found as unknown as Record<string, unknown[]>;
    volunteer = (joined.volunteer?.[0] as Volunteer | undefined) ?? null;
    community = (joined.community?.[0] as Community | undefined) ?? null;
    points = (joined.points?.[0] as PointsAccount | undefined) ?? null;
    admin = (joined.admin?.[0] as AdminGrant | undefined) ?? null;
    for (const key of Object.keys(reads)) preread[key] = joined[readKey(key)] ?? [];
    const rest: Record<string, unknown> = { ...found };
    for (const key of Object.keys(joins)) delete rest[key];
    user = rest as unknown as User;
  } else {
    [volunteer, admin] = await Promise.all([store.collection<Volunteer>(COLLECTIONS.volunteers).get(openid), store.collection<AdminGrant>(COLLECTIONS.admins).get(openid)]);
  }
  const volunteerStatus = volunteer?.status ?? null;
  const roles = new Set<Role>(user?.roles ?? []);
  if (volunteerStatus === 'approved') roles.add('volunteer');
  // Appointed in the app (and not removed), or named by the deployment (LINLI_ADMIN_OPENIDS, the override).
  if (admin?.active || adminOpenids.has(openid)) roles.add('admin');
  const caller: Caller = { openid, roles, user, volunteer, volunteerStatus, communityId: user?.communityId ?? volunteer?.communityId ?? null, community, points };
  return { caller, preread };
}

/** Whether a caller belongs to an action's audience. */
export function admits(caller: Caller, audience: readonly Audience[]): boolean {
  return audience.some((who) => {
    if (who === 'anyone') return true;
    if (who === 'registered') return caller.user !== null;
    return caller.roles.has(who);
  });
}
