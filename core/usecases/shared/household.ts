/** Households and doors: shared by the household function, 注销 (account.ts) and moving home (user.updateProfile). */
import { type Address, COLLECTIONS, type Household, type User } from '../../model';

/** The same door: building, unit and room, as the register keys them ("1单元" is unit 1; a missing unit is an empty one). */
export const sameDoor = (a: Pick<Address, 'building' | 'unit' | 'room'>, b: Pick<Address, 'building' | 'unit' | 'room'>): boolean =>
  a.building === b.building && doorPartKey(a.unit) === doorPartKey(b.unit) && doorPartKey(a.room) === doorPartKey(b.room);
import type { Deps } from '../../ports';
import { doorPartKey } from '../../contract/household';

/**
 * Takes the person out of their household's members (the household stays, for the others). The
 * write holds on the version read; if someone edited the household meanwhile, it is read again.
 */
export async function leaveHousehold(deps: Deps, user: Pick<User, '_id' | 'householdId'>): Promise<void> {
  if (!user.householdId) return;
  const households = deps.store.collection<Household>(COLLECTIONS.households);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const household = await households.get(user.householdId);
    if (!household || !household.members.some((member) => member.openid === user._id)) return;
    const members = household.members.filter((member) => member.openid !== user._id);
    const written = await households.update({ _id: household._id, version: household.version }, { set: { members, version: household.version + 1, updatedAt: deps.clock.now() } });
    if (written === 1) return;
  }
}
