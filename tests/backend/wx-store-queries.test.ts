/**
 * The Store's query features on the real wx-server-sdk against the local cloud: what the hall's
 * query needs (every skill one the volunteer has, nobody's decline but others', fewer than N
 * declines), a projection that leaves the long fields out, adding to a set, and reads joined into
 * one request (how a caller and what an action reads by its input arrive together).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SdkDatabase, WxStore } from '../../backend/wx-store';
import type { LocalCloud } from '../../localcloud/src/server';
import { connectSdk, startTestCloud } from '../helpers/localcloud';

interface Doc {
  _id: string;
  skills: string[];
  declines: Array<{ by: string; reason: string }>;
  events?: string[];
  shownTo?: string[];
}

describe('WxStore queries', () => {
  let cloud: LocalCloud;
  let store: WxStore;
  beforeAll(async () => {
    cloud = await startTestCloud({ schema: { collections: { things: {}, owners: {} } } });
    store = new WxStore(connectSdk(cloud).database() as unknown as SdkDatabase);
    const things = store.collection<Doc>('things' as never);
    const declines = (...by: string[]) => by.map((who) => ({ by: who, reason: `${who} 没空` }));
    await things.add({ _id: 'none', skills: [], declines: [] });
    await things.add({ _id: 'meal', skills: ['送餐'], declines: declines('v2'), events: ['a', 'b'] });
    await things.add({ _id: 'meal-clean', skills: ['送餐', '保洁'], declines: [] });
    await things.add({ _id: 'repair', skills: ['维修'], declines: declines('v1') });
    await things.add({ _id: 'meal-declined', skills: ['送餐'], declines: declines('v1', 'v3') });
    await things.add({ _id: 'many', skills: ['送餐'], declines: declines('a', 'b', 'c', 'd', 'e') });
  });
  afterAll(() => cloud.close());

  const ids = (docs: Doc[]) => docs.map((doc) => doc._id).sort();

  it('subsetOf: every element of the array is one of the given values', async () => {
    const things = store.collection<Doc>('things' as never);
    expect(ids(await things.find({ skills: { subsetOf: ['送餐'] } }))).toEqual(['many', 'meal', 'meal-declined', 'none']);
    expect(ids(await things.find({ skills: { subsetOf: ['送餐', '保洁'] } }))).toEqual(['many', 'meal', 'meal-clean', 'meal-declined', 'none']);
    expect(ids(await things.find({ skills: { subsetOf: [] } }))).toEqual(['none']);
  });

  it('a neq on an array path matches only documents where no element has it', async () => {
    const things = store.collection<Doc>('things' as never);
    expect(ids(await things.find({ skills: { subsetOf: ['送餐'] }, 'declines.by': { neq: 'v1' } }))).toEqual(['many', 'meal', 'none']);
  });

  it('an array index path tells how long the array is', async () => {
    const things = store.collection<Doc>('things' as never);
    expect(ids(await things.find({ 'declines.4': { exists: false } }))).toEqual(['meal', 'meal-clean', 'meal-declined', 'none', 'repair']);
    expect(ids(await things.find({ 'declines.1': { exists: true } }))).toEqual(['many', 'meal-declined']);
  });

  it('omit leaves fields (and parts of array elements) out of what is read', async () => {
    const [meal] = await store.collection<Doc>('things' as never).find({ _id: 'meal' }, { omit: ['events', 'declines.reason'] });
    expect(meal).toEqual({ _id: 'meal', skills: ['送餐'], declines: [{ by: 'v2' }] });
  });

  it('addToSet adds a value once', async () => {
    const things = store.collection<Doc>('things' as never);
    await things.update({ _id: 'none' }, { addToSet: { shownTo: 's1' } });
    await things.update({ _id: 'none' }, { addToSet: { shownTo: 's1' } });
    await things.update({ _id: 'none' }, { addToSet: { shownTo: 's2' } });
    expect((await things.get('none'))?.shownTo).toEqual(['s1', 's2']);
  });

  describe('findJoined', () => {
    interface Owner {
      _id: string;
      thingId: string;
      at: number;
    }
    beforeAll(async () => {
      const owners = store.collection<Owner>('owners' as never);
      await owners.add({ _id: 'o1', thingId: 'meal', at: 1 });
      await owners.add({ _id: 'o2', thingId: 'meal', at: 2 });
      await owners.add({ _id: 'o3', thingId: 'repair', at: 3 });
    });
    it('attaches documents whose foreignField equals the row’s localField, in find’s order and limit', async () => {
      const owners = store.collection<Owner>('owners' as never);
      const rows = await owners.findJoined<{ thing: Doc }>({ at: { gte: 2 } }, { orderBy: [['at', 'desc']], limit: 5 }, { thing: { from: 'things' as never, localField: 'thingId', foreignField: '_id' } });
      expect(rows.map((row) => [row._id, row.thing.map((thing) => thing._id)])).toEqual([
        ['o3', ['repair']],
        ['o2', ['meal']],
      ]);
      // Keyset paging works as in find.
      const after = await owners.findJoined<{ thing: Doc }>({}, { orderBy: [['at', 'asc'], ['_id', 'asc']], after: [1, 'o1'], limit: 1 }, { thing: { from: 'things' as never, localField: 'thingId', foreignField: '_id' } });
      expect(after.map((row) => row._id)).toEqual(['o2']);
    });

    it('attaches an independent read (its where, order, limit and omitted fields) to the one document read', async () => {
      const things = store.collection<Doc>('things' as never);
      const [row, ...others] = await things.findJoined<{ owners: Owner; meals: Doc; nothing: Doc }>(
        { _id: 'repair' },
        { limit: 1, omit: ['declines'] },
        {
          owners: { from: 'owners' as never, where: { thingId: 'meal' }, orderBy: [['at', 'desc']], limit: 1 },
          meals: { from: 'things' as never, where: { skills: '送餐', 'declines.1': { exists: false } }, orderBy: [['_id', 'asc']], limit: 10, omit: ['declines', 'events'] },
          nothing: { from: 'things' as never, where: { _id: 'no-such-thing' }, limit: 1 },
        },
      );
      expect(others).toEqual([]);
      expect(row).toEqual({
        _id: 'repair',
        skills: ['维修'],
        owners: [{ _id: 'o2', thingId: 'meal', at: 2 }],
        meals: [
          { _id: 'meal', skills: ['送餐'] },
          { _id: 'meal-clean', skills: ['送餐', '保洁'] },
        ],
        nothing: [],
      });
    });

    it('sums a field over what matches, on its own or joined (none matching: 0, or no element)', async () => {
      const owners = store.collection<Owner>('owners' as never);
      expect(await owners.sum({ thingId: 'meal' }, 'at')).toBe(3);
      expect(await owners.sum({ thingId: 'nothing' }, 'at')).toBe(0);
      const [row] = await store.collection<Doc>('things' as never).findJoined<{ meal: { total: number }; none: { total: number } }>({ _id: 'repair' }, { limit: 1 }, {
        meal: { from: 'owners' as never, where: { thingId: 'meal' }, sum: 'at' },
        none: { from: 'owners' as never, where: { thingId: 'nothing' }, sum: 'at' },
      });
      expect(row?.meal).toEqual([{ _id: null, total: 3 }]);
      expect(row?.none).toEqual([]);
    });

    it('returns nothing (and joins nothing) when no document matches', async () => {
      const rows = await store.collection<Doc>('things' as never).findJoined({ _id: 'absent' }, { limit: 1 }, { owners: { from: 'owners' as never, where: {}, limit: 10 } });
      expect(rows).toEqual([]);
    });
  });
});
