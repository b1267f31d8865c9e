/** Who the caller is: their stored profile, volunteer record and the roles those give. */
import { COLLECTIONS, type Role, type User, type Volunteer } from './model';
import type { Caller, Store } from './ports';
import type { Audience } from './contract/define';

export async function resolveCaller(store: Store, openid: string, adminOpenids: ReadonlySet<string>): Promise<Caller> {
  const [user, volunteer] = await Promise.all([
    store.collection<User>(COLLECTIONS.users).get(openid),
    store.collection<Volunteer>(COLLECTIONS.volunteers).get(openid),
  ]);
  const roles = new Set<Role>(user?.roles ?? []);
  if (volunteer?.status === 'approved') roles.add('volunteer');
  if (adminOpenids.has(openid)) roles.add('admin');
  return { openid, roles, user, volunteer, communityId: user?.communityId ?? volunteer?.communityId ?? null };
}

/** Whether a caller belongs to an action's audience. */
export function admits(caller: Caller, audience: readonly Audience[]): boolean {
  return audience.some((who) => {
    if (who === 'anyone') return true;
    if (who === 'registered') return caller.user !== null;
    return caller.roles.has(who);
  });
}
