/**
 * The role × action matrix: every action of the contract, called by every kind of person. Someone
 * outside an action's audience is refused (FORBIDDEN, or UNAUTHENTICATED before registering) and
 * nothing is written; someone inside it is never refused at the door (with empty input they get
 * the data, or INVALID_INPUT for what is missing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionName, contract } from '../../core/contract';
import type { Role } from '../../core/model';
import type { LocalCloud } from '../../localcloud/src/server';
import { callRaw, DEMO, snapshot, startLinli } from '../helpers/linli';

interface Persona {
  openid: string;
  roles: Role[];
  registered: boolean;
}

const PERSONAS: Record<string, Persona> = {
  stranger: { openid: 'o-matrix-stranger', roles: [], registered: false },
  resident: { openid: DEMO.resident, roles: ['resident'], registered: true },
  applicant: { openid: DEMO.applicant, roles: ['resident'], registered: true },
  volunteer: { openid: DEMO.volunteer, roles: ['resident', 'volunteer'], registered: true },
  staff: { openid: DEMO.staff, roles: ['staff'], registered: true },
  gridWorker: { openid: 'o-matrix-grid-worker', roles: ['grid_worker'], registered: true },
  department: { openid: DEMO.dept, roles: ['department'], registered: true },
  admin: { openid: DEMO.admin, roles: ['admin'], registered: false },
};

/** Whether the contract lets this persona call this action (the spec, read independently of the router). */
function mayCall(persona: Persona, action: ActionName): boolean {
  return contract[action].roles.some(
    (audience) => audience === 'anyone' || (audience === 'registered' && persona.registered) || persona.roles.includes(audience as Role),
  );
}

const ACTIONS = Object.keys(contract) as ActionName[];
const CASES = ACTIONS.flatMap((action) => Object.entries(PERSONAS).map(([name, persona]) => ({ action, name, persona, allowed: mayCall(persona, action) })));

describe('authorization matrix', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLinli();
    cloud.engine.importLines([
      JSON.stringify({
        collection: 'users',
        doc: {
          _id: PERSONAS.gridWorker!.openid,
          communityId: DEMO.community,
          name: '网格员老周',
          phone: '13800000050',
          address: { gridId: 'g1', building: '1栋' },
          roles: ['grid_worker'],
          gridIds: ['g1'],
          createdAt: { $date: '2026-11-01T00:00:00.000Z' },
          updatedAt: { $date: '2026-11-01T00:00:00.000Z' },
        },
      }),
    ]);
  });
  afterAll(() => cloud.close());

  it('covers every action and every persona', () => {
    expect(CASES.length).toBe(ACTIONS.length * Object.keys(PERSONAS).length);
    expect(CASES.some((c) => c.allowed)).toBe(true);
    expect(CASES.some((c) => !c.allowed)).toBe(true);
  });

  it.each(CASES.filter((c) => !c.allowed))('$name may not call $action', async ({ action, persona }) => {
    const before = snapshot(cloud);
    const reply = await callRaw(cloud, persona.openid, action.split('.')[0]!, { action, input: {} });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(reply.error.code);
    expect(snapshot(cloud)).toBe(before);
  });

  it.each(CASES.filter((c) => c.allowed))('$name may call $action', async ({ action, persona }) => {
    const reply = await callRaw(cloud, persona.openid, action.split('.')[0]!, { action, input: {} });
    if (!reply.ok) expect(reply.error.code).toBe('INVALID_INPUT');
  });
});
