/**
 * The demo households (database/demo-data) hold together the way the household function keeps real
 * ones: each id follows from its door (householdIdFor), each lies in the grid that holds its
 * building, each registered member is a user of the community who points back at it from the same
 * door, nobody belongs to two, each linker is a registered person of the community named as they
 * are, within the community's limit. Edited by hand, demo data would otherwise drift from the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOUSEHOLD_FLAGS, HOUSEHOLD_RELATIONS } from '../../core/labels';
import type { Community, Household, User } from '../../core/model';
import { DEFAULT_HOUSEHOLDS_PER_LINKER } from '../../core/settings';
import { householdIdFor } from '../../core/usecases/household';
import { sameDoor } from '../../core/usecases/shared/household';

const DEMO_DATA = path.resolve(__dirname, '../../database/demo-data');

/** Every document of the demo data, by collection (dates stay as their JSON form: none is compared here). */
function demoDocuments(): Map<string, Array<Record<string, unknown>>> {
  const byCollection = new Map<string, Array<Record<string, unknown>>>();
  for (const file of fs.readdirSync(DEMO_DATA).filter((name) => name.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(DEMO_DATA, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const { collection, doc } = JSON.parse(line) as { collection: string; doc: Record<string, unknown> };
      byCollection.set(collection, [...(byCollection.get(collection) ?? []), doc]);
    }
  }
  return byCollection;
}

const documents = demoDocuments();
const households = (documents.get('households') ?? []) as unknown as Household[];
const users = (documents.get('users') ?? []) as unknown as User[];
const communities = (documents.get('communities') ?? []) as unknown as Community[];
const userById = new Map(users.map((user) => [user._id, user]));

describe('demo households', () => {
  it('there are some, in the demo community, with an elder living alone who has no app and a linker', () => {
    expect(households.length).toBeGreaterThanOrEqual(3);
    expect(households.every((household) => communities.some((community) => community._id === household.communityId))).toBe(true);
    expect(households.some((household) => household.flags.includes('独居老人') && household.members.length === 1 && !household.members[0]!.openid)).toBe(true);
    expect(households.some((household) => household.linkerOpenid)).toBe(true);
  });

  it.each(households.map((household) => [household._id, household] as const))('%s: its id follows from its door, in the grid of its building', (_id, household) => {
    expect(household._id).toBe(householdIdFor(household.communityId, household.building, household.unit, household.room));
    const community = communities.find((candidate) => candidate._id === household.communityId)!;
    const grid = community.grids.find((candidate) => candidate.buildings.includes(household.building));
    expect(grid?.id).toBe(household.gridId);
    expect(household.members.length).toBeGreaterThan(0);
    for (const member of household.members) expect(HOUSEHOLD_RELATIONS).toContain(member.relation);
    for (const flag of household.flags) expect(HOUSEHOLD_FLAGS).toContain(flag);
  });

  it('a registered member is a user of the community at that very door who points back at the household; nobody is in two', () => {
    const members = households.flatMap((household) => household.members.filter((member) => member.openid).map((member) => ({ household, member })));
    expect(members.length).toBeGreaterThan(0);
    for (const { household, member } of members) {
      const user = userById.get(member.openid!);
      expect(user, `${member.openid} is a demo user`).toBeDefined();
      expect(user!.communityId).toBe(household.communityId);
      expect(user!.householdId).toBe(household._id);
      expect(user!.name).toBe(member.name);
      expect(user!.address.gridId).toBe(household.gridId);
      expect(sameDoor(user!.address, household), `${user!.name}'s registered address is the household's door`).toBe(true);
    }
    expect(new Set(members.map(({ member }) => member.openid)).size).toBe(members.length);
    // And the other way: a user who names a household is one of its members.
    for (const user of users.filter((candidate) => candidate.householdId)) {
      const household = households.find((candidate) => candidate._id === user.householdId);
      expect(household?.members.some((member) => member.openid === user._id), `${user._id} is a member of ${user.householdId}`).toBe(true);
    }
  });

  it('a linker is a registered person of the community, named as they are, within the limit', () => {
    const perLinker = new Map<string, number>();
    for (const household of households.filter((candidate) => candidate.linkerOpenid)) {
      const linker = userById.get(household.linkerOpenid!);
      expect(linker, `${household.linkerOpenid} is a demo user`).toBeDefined();
      expect(linker!.communityId).toBe(household.communityId);
      expect(household.linkerName).toBe(linker!.name);
      perLinker.set(linker!._id, (perLinker.get(linker!._id) ?? 0) + 1);
    }
    for (const [openid, count] of perLinker) {
      const community = communities.find((candidate) => candidate._id === userById.get(openid)!.communityId)!;
      expect(count).toBeLessThanOrEqual(community.settings.householdsPerLinker ?? DEFAULT_HOUSEHOLDS_PER_LINKER);
    }
  });
});
