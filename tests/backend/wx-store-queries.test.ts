/**
 * The Store's query features on the real wx-server-sdk against the local cloud: what the hall's
 * query needs (every skill one the volunteer has, nobody's decline but others', fewer than N
 * declines), a projection that leaves the long fields out, and adding to a set.
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
    cloud = await startTestCloud({ schema: { collections: { things: {} } } });
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
});
