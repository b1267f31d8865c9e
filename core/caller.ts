/** Who the caller is: their stored profile, volunteer record and the roles those give. */
import { COLLECTIONS, type Role, type User, type Volunteer } from './model';
import type { Caller, Store } from './ports';
import type { Audience } from './contract/define';

/**
 * One read when it can: the user document carries the caller's volunteer status (kept right by
 * volunteer.apply and volunteer.review), so the volunteer record is read only when the action uses it
 * (`withVolunteer`). A user document written before that field existed falls back to reading the
 * record, as every call did before.
 */
export async function resolveCaller(
  store: Store,
  openid: string,
  adminOpenids: ReadonlySet<string>,
  { withVolunteer = true }: { withVolunteer?: boolean } = {},
): Promise<Caller> {
  const user = await store.collection<User>(COLLECTIONS.users).get(openid);
  const known = user !== null && user.volunteerStatus !== undefined;
  const volunteer =
    known && (user.volunteerStatus === null || !withVolunteer) ? null : await store.collection<Volunteer>(COLLECTIONS.volunteers).get(openid);
  const volunteerStatus = known ? user.volunteerStatus! : (volunteer?.status ?? null);
  const roles = new Set<Role>(user?.roles ?? []);
  if (volunteerStatus === 'approved') roles.add('volunteer');
  if (adminOpenids.has(openid)) roles.add('admin');
  return { openid, roles, user, volunteer, volunteerStatus, communityId: user?.communityId ?? volunteer?.communityId ?? null };
}

/** Whether a caller belongs to an action's audience. */
export function admits(caller: Caller, audience: readonly Audience[]): boolean {
  return audience.some((who) => {
    if (who === 'anyone') return true;
    if (who === 'registered') return caller.user !== null;
    return caller.roles.has(who);
  });
}
