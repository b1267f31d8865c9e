/**
 * What a community trying the app sees of the demo register (database/demo-data), through the real
 * household function: the demo resident's own household, the linker's households with their care
 * flags, the grid worker's grid without them, staff's whole register. How the documents hold
 * together (ids, doors, members): tests/core/demo-households.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../helpers/linli';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLinli({ timers: [] });
});
afterAll(() => cloud.close());

describe('the demo register', () => {
  it('the demo resident sees her household, its members and linker, without its care flags or her own phone', async () => {
    const mine = ok(await call(cloud, DEMO.resident, 'household.mine', {}));
    expect(mine).toMatchObject({
      household: {
        address: '2栋 1单元 101',
        gridName: '第一网格',
        members: [
          { name: '张秀英', relation: '户主', registered: true },
          { name: '王德福', relation: '配偶', registered: false },
        ],
        linkerName: '李建国',
        linkedByMe: false,
      },
      claim: null,
      mayClaim: false,
    });
    expect(mine.household?.flags).toBeUndefined();
    expect(mine.household?.contactPhone).toBeUndefined();
  });

  it('the demo linker (a party-member volunteer) sees the households they look after, with the elder living alone', async () => {
    const linked = ok(await call(cloud, DEMO.volunteer, 'household.list', {}));
    expect(linked.items.map((item) => item.address).sort()).toEqual(['1栋 301', '2栋 1单元 101', '3栋 201']);
    expect(linked.items.every((item) => item.linkedByMe)).toBe(true);
    const elder = linked.items.find((item) => item.address === '1栋 301')!;
    expect(elder).toMatchObject({ flags: ['独居老人'], members: [{ name: '赵桂兰', relation: '户主', registered: false }], contactPhone: '13800000081' });
  });

  it('the grid worker sees their grid’s households without care flags; staff see the whole register', async () => {
    const ofGrid = ok(await call(cloud, DEMO.grid, 'household.list', {})).items;
    expect(ofGrid.map((item) => item.address).sort()).toEqual(['1栋 301', '2栋 1单元 101', '3栋 201']);
    expect(ofGrid.every((item) => item.flags === undefined)).toBe(true);
    const all = ok(await call(cloud, DEMO.staff, 'household.list', { box: 'community' })).items;
    expect(all.map((item) => item.address).sort()).toEqual(['1栋 301', '2栋 1单元 101', '3栋 201', '4栋 101']);
    expect(all.find((item) => item.address === '4栋 101')?.linkerName).toBeUndefined();
  });
});
