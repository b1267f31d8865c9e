/**
 * Conformance suite for the DATABASE items of the checklist (research/wechat_cloud.md §7): every test
 * drives the real, unmodified wx-server-sdk against the local cloud and reads back what it wrote.
 * Test names carry the checklist number. Where the real service's behaviour is unknown (research §9),
 * the test pins our documented choice and says so in its name.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { connectSdk, control, type Sdk, startTestCloud } from '../helpers/localcloud';

type Doc = Record<string, unknown>;

const SCHEMA = {
  collections: {
    items: {},
    orders: {},
    accounts: {},
    users: { indexes: [{ name: 'phone_unique', keys: { phone: 1 as const }, unique: true }] },
    places: { indexes: [{ name: 'loc_geo', keys: { loc: '2dsphere' as const } }] },
    zones: { indexes: [{ name: 'area_geo', keys: { area: '2dsphere' as const } }] },
  },
};

let cloud: LocalCloud;
let sdk: Sdk;
let db: Sdk;

beforeAll(async () => {
  cloud = await startTestCloud({ schema: SCHEMA });
  sdk = connectSdk(cloud);
  db = sdk.database();
});
afterAll(() => cloud.close());
beforeEach(async () => {
  await control(cloud, 'POST', 'reset', {});
});

// ---- helpers ----------------------------------------------------------------------------------

/** Inserts documents with one add (the SDK accepts an array) and returns their _ids. */
async function seed(collection: string, docs: Doc[]): Promise<string[]> {
  const { _ids } = (await db.collection(collection).add({ data: docs })) as { _ids: string[] };
  return _ids;
}

/** Inserts one document and returns its _id. */
async function insert(collection: string, doc: Doc): Promise<string> {
  return ((await db.collection(collection).add({ data: doc })) as { _id: string })._id;
}

/** Every document of a collection, in storage order. */
async function all(collection: string): Promise<Doc[]> {
  return (await db.collection(collection).limit(1000).get()).data as Doc[];
}

async function read(collection: string, id: string | number): Promise<Doc> {
  return (await db.collection(collection).doc(id).get()).data as Doc;
}

function withoutId({ _id, ...rest }: Doc): Doc {
  void _id;
  return rest;
}

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return (typeof error === 'object' && error !== null ? error : { thrown: error }) as Record<string, unknown>;
  }
  throw new Error('expected the call to reject, but it resolved');
}

/**
 * The export as text. (The harness's control() parses any *json content type, and the export is
 * application/x-ndjson, so it is fetched directly.)
 */
async function exportText(): Promise<string> {
  const response = await fetch(`${cloud.url}/__linli/api/export`);
  expect(response.status).toBe(200);
  return response.text();
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- §7.1 limits ------------------------------------------------------------------------------

describe('§7.1 result limits', () => {
  it('§7.1 get() without limit returns at most 100 documents', async () => {
    await seed('items', range(150).map((n) => ({ n })));
    const { data } = await db.collection('items').get();
    expect(data).toHaveLength(100);
    expect(data.map((d: Doc) => d.n)).toEqual(range(100));
    expect((await db.collection('items').count()).total).toBe(150);
  });

  it('§7.1 limit(5000) is clamped to 1000', async () => {
    await seed('items', range(1200).map((n) => ({ n })));
    const { data } = await db.collection('items').limit(5000).get();
    expect(data).toHaveLength(1000);
    expect((await db.collection('items').count()).total).toBe(1200);
  });

  it('§7.1 aggregate without $limit returns 20 documents; with limit(50) returns 50', async () => {
    await seed('items', range(60).map((n) => ({ n })));
    const { list } = await db.collection('items').aggregate().sort({ n: 1 }).end();
    expect(list).toHaveLength(20);
    expect(list.map((d: Doc) => d.n)).toEqual(range(20));
    const limited = await db.collection('items').aggregate().sort({ n: 1 }).limit(50).end();
    expect(limited.list).toHaveLength(50);
  });
});

describe('§7.1 limits enforced by the server itself (wire level, for callers that do not clamp)', () => {
  /** A raw database.getDocument request, as the SDK sends it, with or without a limit. */
  async function wireGet(limit?: number): Promise<unknown[]> {
    const response = await fetch(cloud.adminUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'database.getDocument', envName: cloud.envName, collectionName: 'items', queryType: 'WHERE', limit }),
    });
    const reply = (await response.json()) as { data: { list: unknown[] } };
    return reply.data.list;
  }

  it('§7.1 no limit → 100, limit 5000 → 1000', async () => {
    await seed('items', range(1100).map((n) => ({ n })));
    expect(await wireGet()).toHaveLength(100);
    expect(await wireGet(5000)).toHaveLength(1000);
    expect(await wireGet(7)).toHaveLength(7);
  });
});

// ---- §7.2 ordering, paging, projection --------------------------------------------------------

describe('§7.2 order, paging and projection', () => {
  it('§7.2 without orderBy, documents come back in insertion order', async () => {
    const order = [5, 3, 9, 1, 7, 2];
    for (const n of order) await db.collection('items').add({ data: { n } });
    expect((await all('items')).map((d) => d.n)).toEqual(order);
  });

  it('§7.2 orderBy asc, desc and on two fields', async () => {
    await seed('items', [
      { g: 'b', n: 1 },
      { g: 'a', n: 1 },
      { g: 'a', n: 3 },
      { g: 'b', n: 2 },
      { g: 'a', n: 2 },
    ]);
    const asc = await db.collection('items').orderBy('n', 'asc').orderBy('g', 'asc').get();
    expect(asc.data.map((d: Doc) => `${d.g}${d.n}`)).toEqual(['a1', 'b1', 'a2', 'b2', 'a3']);
    const desc = await db.collection('items').orderBy('n', 'desc').orderBy('g', 'desc').get();
    expect(desc.data.map((d: Doc) => `${d.g}${d.n}`)).toEqual(['a3', 'b2', 'a2', 'b1', 'a1']);
    const twoFields = await db.collection('items').orderBy('g', 'asc').orderBy('n', 'desc').get();
    expect(twoFields.data.map((d: Doc) => `${d.g}${d.n}`)).toEqual(['a3', 'a2', 'a1', 'b2', 'b1']);
  });

  it('§7.2 skip + limit pages through an ordered result', async () => {
    await seed('items', [...range(25)].reverse().map((n) => ({ n })));
    const page = (index: number) =>
      db.collection('items').orderBy('n', 'asc').skip(index * 10).limit(10).get().then((r: { data: Doc[] }) => r.data.map((d) => d.n));
    expect(await page(0)).toEqual(range(10));
    expect(await page(1)).toEqual(range(10).map((n) => n + 10));
    expect(await page(2)).toEqual([20, 21, 22, 23, 24]);
    expect(await page(3)).toEqual([]);
  });

  it('§7.2 field() projection keeps _id (inclusion and exclusion, where and doc)', async () => {
    const id = await insert('items', { name: 'n', secret: 's', nested: { a: 1, b: 2 } });
    const [included] = (await db.collection('items').field({ name: true }).get()).data;
    expect(included).toEqual({ _id: id, name: 'n' });
    const [excluded] = (await db.collection('items').field({ secret: false }).get()).data;
    expect(excluded).toEqual({ _id: id, name: 'n', nested: { a: 1, b: 2 } });
    const byDoc = (await db.collection('items').doc(id).field({ 'nested.a': true }).get()).data;
    expect(byDoc).toEqual({ _id: id, nested: { a: 1 } });
  });

  it('§7.2 a projection that leaves out parts of nested documents changes only what is read, never what is stored', async () => {
    const id = await insert('items', { log: [{ at: 1, note: 'first' }, { at: 2, note: 'second' }], meta: { a: 1, b: 2 } });
    const [read] = (await db.collection('items').where({ _id: id }).field({ 'log.note': false, 'meta.b': false }).get()).data;
    expect(read).toEqual({ _id: id, log: [{ at: 1 }, { at: 2 }], meta: { a: 1 } });
    const byDoc = (await db.collection('items').doc(id).field({ 'log.at': false }).get()).data;
    expect(byDoc).toEqual({ _id: id, log: [{ note: 'first' }, { note: 'second' }], meta: { a: 1, b: 2 } });
    expect((await db.collection('items').doc(id).get()).data).toEqual({ _id: id, log: [{ at: 1, note: 'first' }, { at: 2, note: 'second' }], meta: { a: 1, b: 2 } });
  });

  it('§7.2 orderBy across types follows MongoDB order (null < numbers < strings < objects < booleans < dates)', async () => {
    const date = new Date('2026-01-01T00:00:00Z');
    await seed('items', [
      { k: 'num3', v: 3 },
      { k: 'strb', v: 'b' },
      { k: 'bool', v: true },
      { k: 'num1', v: 1.5 },
      { k: 'date', v: date },
      { k: 'stra', v: 'a' },
      { k: 'null', v: null },
      { k: 'obj', v: { x: 1 } },
      { k: 'missing' },
    ]);
    const asc = (await db.collection('items').orderBy('v', 'asc').get()).data.map((d: Doc) => d.k);
    expect(asc.slice(0, 2).sort()).toEqual(['missing', 'null']);
    expect(asc.slice(2)).toEqual(['num1', 'num3', 'stra', 'strb', 'obj', 'bool', 'date']);
    const desc = (await db.collection('items').orderBy('v', 'desc').get()).data.map((d: Doc) => d.k);
    expect(desc.slice(0, 7)).toEqual(['date', 'bool', 'obj', 'strb', 'stra', 'num3', 'num1']);
  });

  it('§7.2 orderBy on an array field sorts by its smallest element ascending, largest descending (MongoDB)', async () => {
    await seed('items', [
      { k: 'a51', v: [5, 1] },
      { k: 'three', v: 3 },
      { k: 'a2', v: [2] },
      { k: 'a0_9', v: [0, 9] },
    ]);
    const asc = (await db.collection('items').orderBy('v', 'asc').get()).data.map((d: Doc) => d.k);
    expect(asc).toEqual(['a0_9', 'a51', 'a2', 'three']);
    const desc = (await db.collection('items').orderBy('v', 'desc').get()).data.map((d: Doc) => d.k);
    expect(desc).toEqual(['a0_9', 'a51', 'three', 'a2']);
  });
});

// ---- §7.3 nested objects ----------------------------------------------------------------------

describe('§7.3 nested objects', () => {
  it('§7.3 a nested object in where() is a dot-path partial match', async () => {
    await seed('items', [
      { k: 1, addr: { city: 'SZ', street: 'A' } },
      { k: 2, addr: { city: 'SZ' } },
      { k: 3, addr: { city: 'GZ', street: 'A' } },
    ]);
    const { data } = await db.collection('items').where({ addr: { city: 'SZ' } }).get();
    expect(data.map((d: Doc) => d.k)).toEqual([1, 2]);
    const both = await db.collection('items').where({ addr: { city: 'SZ', street: 'A' } }).count();
    expect(both.total).toBe(1);
  });

  it('§7.3 a nested object in update() merges; _.set(obj) replaces', async () => {
    const _ = db.command;
    const id = await insert('items', { profile: { name: 'a', age: 1, tags: ['x'] } });
    await db.collection('items').doc(id).update({ data: { profile: { age: 2 } } });
    expect((await read('items', id)).profile).toEqual({ name: 'a', age: 2, tags: ['x'] });
    await db.collection('items').doc(id).update({ data: { profile: _.set({ age: 3 }) } });
    expect((await read('items', id)).profile).toEqual({ age: 3 });
  });
});

// ---- §7.4 query semantics ---------------------------------------------------------------------

describe('§7.4 query semantics', () => {
  beforeEach(async () => {
    await seed('items', [
      { k: 'one', a: 1 },
      { k: 'null', a: null },
      { k: 'missing' },
      { k: 'two', a: 2 },
    ]);
  });
  const keys = (r: { data: Doc[] }) => r.data.map((d) => d.k);

  it('§7.4 {a:null} matches a missing field', async () => {
    expect(keys(await db.collection('items').where({ a: null }).get())).toEqual(['null', 'missing']);
  });

  it('§7.4 _.neq includes documents where the field is missing', async () => {
    const _ = db.command;
    expect(keys(await db.collection('items').where({ a: _.neq(1) }).get())).toEqual(['null', 'missing', 'two']);
  });

  it('§7.4 an array field matches on any element', async () => {
    const _ = db.command;
    await seed('orders', [
      { k: 'xy', tags: ['x', 'y'] },
      { k: 'z', tags: ['z'] },
      { k: 'scalar', tags: 'x' },
      { k: 'nums', tags: [1, 10] },
    ]);
    expect(keys(await db.collection('orders').where({ tags: 'x' }).get())).toEqual(['xy', 'scalar']);
    expect(keys(await db.collection('orders').where({ tags: _.gt(5) }).get())).toEqual(['nums']);
    expect(keys(await db.collection('orders').where({ tags: _.in(['y', 'z']) }).get())).toEqual(['xy', 'z']);
  });

  it.each<[string, (_: Sdk) => Doc, string[]]>([
    ['exists(false)', (_) => ({ a: _.exists(false) }), ['missing']],
    ['exists(true) includes null', (_) => ({ a: _.exists(true) }), ['one', 'null', 'two']],
    ['in with null includes missing', (_) => ({ a: _.in([2, null]) }), ['null', 'missing', 'two']],
    ['nin includes missing', (_) => ({ a: _.nin([1, 2]) }), ['null', 'missing']],
    ['or', (_) => _.or([{ a: 1 }, { k: 'missing' }]), ['one', 'missing']],
    ['and on one field', (_) => ({ a: _.gt(0).and(_.lt(2)) }), ['one']],
    ['nor', (_) => _.nor([{ a: 1 }, { a: null }]), ['two']],
    ['not', (_) => ({ a: _.not(_.eq(1)) }), ['null', 'missing', 'two']],
    ['mod', (_) => ({ a: _.mod(2, 0) }), ['two']],
  ])('§7.4 query command %s follows MongoDB', async (_name, where, expected) => {
    expect(keys(await db.collection('items').where(where(db.command)).get())).toEqual(expected);
  });

  it('§7.4 array query commands: all, elemMatch, size', async () => {
    const _ = db.command;
    await seed('orders', [
      { k: 'ab', tags: ['a', 'b'], items: [{ p: 1, q: 5 }, { p: 9, q: 1 }] },
      { k: 'abc', tags: ['a', 'b', 'c'], items: [{ p: 9, q: 5 }] },
      { k: 'c', tags: ['c'], items: [] },
    ]);
    expect(keys(await db.collection('orders').where({ tags: _.all(['a', 'b']) }).get())).toEqual(['ab', 'abc']);
    expect(keys(await db.collection('orders').where({ tags: _.size(1) }).get())).toEqual(['c']);
    expect(keys(await db.collection('orders').where({ items: _.elemMatch({ p: _.gt(5), q: _.gt(2) }) }).get())).toEqual(['abc']);
    // Without elemMatch the two conditions may hold on different elements.
    expect(keys(await db.collection('orders').where({ 'items.p': _.gt(5), 'items.q': _.gt(2) }).get())).toEqual(['ab', 'abc']);
  });

  it('§7.4 db.RegExp and JS RegExp match strings (and only strings)', async () => {
    await seed('orders', [{ k: 'zhang', name: '张三' }, { k: 'upper', name: 'ABC' }, { k: 'lower', name: 'abc' }, { k: 'num', name: 1 }]);
    expect(keys(await db.collection('orders').where({ name: db.RegExp({ regexp: '^a', options: 'i' }) }).get())).toEqual(['upper', 'lower']);
    expect(keys(await db.collection('orders').where({ name: /^张/ }).get())).toEqual(['zhang']);
    expect(keys(await db.collection('orders').where({ name: /1/ }).get())).toEqual([]);
  });

  it('§7.4 _.gt does not compare numbers with strings (type bracketing)', async () => {
    const _ = db.command;
    await seed('orders', [
      { k: 'ten', v: 10 },
      { k: 'str100', v: '100' },
      { k: 'abc', v: 'abc' },
      { k: 'three', v: 3 },
    ]);
    expect(keys(await db.collection('orders').where({ v: _.gt(5) }).get())).toEqual(['ten']);
    expect(keys(await db.collection('orders').where({ v: _.gt('a') }).get())).toEqual(['abc']);
    expect(keys(await db.collection('orders').where({ v: _.lt('5') }).get())).toEqual(['str100']);
  });
});

// ---- §7.5 serverDate --------------------------------------------------------------------------

describe('§7.5 serverDate', () => {
  it('§7.5 serverDate() is stored as a Date (with offset) and read back as a Date', async () => {
    const before = Date.now();
    const { _id } = await db.collection('items').add({ data: { at: db.serverDate(), later: db.serverDate({ offset: 60_000 }) } });
    const after = Date.now();
    const doc = await read('items', _id);
    expect(doc.at).toBeInstanceOf(Date);
    expect(doc.later).toBeInstanceOf(Date);
    const at = (doc.at as Date).getTime();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect((doc.later as Date).getTime() - at).toBe(60_000);
    // Stored as a date, so date comparisons match it (a string would not).
    const _ = db.command;
    expect((await db.collection('items').where({ at: _.lte(new Date(after)) }).count()).total).toBe(1);
    expect((await db.collection('items').where({ at: _.gt(new Date(after)) }).count()).total).toBe(0);
    // serverDate in a query is resolved by the server as well.
    expect((await db.collection('items').where({ at: _.lte(db.serverDate()) }).count()).total).toBe(1);
    expect((await db.collection('items').where({ later: _.lte(db.serverDate()) }).count()).total).toBe(0);
  });

  it('§7.5 serverDate() follows the cloud clock (clock.advance)', async () => {
    const hour = 3_600_000;
    cloud.clock.advance(hour);
    try {
      const before = Date.now();
      const { _id } = await db.collection('items').add({ data: { at: db.serverDate() } });
      const at = ((await read('items', _id)).at as Date).getTime();
      expect(at).toBeGreaterThanOrEqual(before + hour);
      expect(at).toBeLessThanOrEqual(Date.now() + hour);
      // serverDate in an update is resolved by the server too.
      await db.collection('items').doc(_id).update({ data: { touched: db.serverDate({ offset: -hour }) } });
      const touched = ((await read('items', _id)).touched as Date).getTime();
      expect(touched).toBeGreaterThanOrEqual(before);
      expect(touched).toBeLessThanOrEqual(Date.now());
    } finally {
      cloud.clock.reset();
    }
  });
});

// ---- §7.6 _id and unique indexes --------------------------------------------------------------

describe('§7.6 _id and unique keys', () => {
  it('§7.6 add() generates a string _id', async () => {
    const { _id } = await db.collection('items').add({ data: { x: 1 } });
    expect(typeof _id).toBe('string');
    expect(_id.length).toBeGreaterThan(0);
    expect(await read('items', _id)).toEqual({ _id, x: 1 });
    const second = await db.collection('items').add({ data: { x: 2 } });
    expect(second._id).not.toBe(_id);
  });

  it('§7.6 an explicit _id is honoured (string and number)', async () => {
    expect((await db.collection('items').add({ data: { _id: 'my-id', x: 1 } }))._id).toBe('my-id');
    expect(await read('items', 'my-id')).toEqual({ _id: 'my-id', x: 1 });
    expect((await db.collection('items').add({ data: { _id: 7, x: 2 } }))._id).toBe(7);
    expect(await read('items', 7)).toEqual({ _id: 7, x: 2 });
    // The number 7 and the string '7' are different ids.
    expect((await failure(db.collection('items').doc('7').get())).errMsg).toMatch(/does not exist/);
    await db.collection('items').add({ data: { _id: '7', x: 3 } });
    expect((await db.collection('items').count()).total).toBe(3);
  });

  it('§7.6 where() naming an _id finds that document only, and the rest of the condition still applies (get, count, update, remove)', async () => {
    const _ = db.command;
    await seed('items', [
      { _id: 'a', g: 1, n: 1 },
      { _id: 'b', g: 1, n: 2 },
      { _id: 7, g: 1, n: 3 },
      { _id: '7', g: 2, n: 4 },
    ]);
    const ns = async (query: Doc) => ((await db.collection('items').where(query).get()).data as Doc[]).map((d) => d.n);
    expect(await ns({ _id: 'b' })).toEqual([2]);
    expect(await ns({ _id: 'b', g: 1, n: _.gt(1) })).toEqual([2]);
    expect(await ns({ _id: 'b', g: 2 })).toEqual([]);
    expect(await ns({ _id: 'zzz' })).toEqual([]);
    // The number 7 and the string '7' stay different ids.
    expect(await ns({ _id: 7 })).toEqual([3]);
    expect(await ns({ _id: '7' })).toEqual([4]);
    expect(await ns({ _id: 7, g: 2 })).toEqual([]);
    expect(await ns({ _id: _.in(['a', 7]) })).toEqual([1, 3]);
    expect((await db.collection('items').where({ _id: 'a', g: 1 }).count()).total).toBe(1);
    expect((await db.collection('items').where({ _id: 'a', g: 2 }).count()).total).toBe(0);

    // A conditional write on one document: only while the condition holds.
    expect((await db.collection('items').where({ _id: 'a', n: _.lt(1) }).update({ data: { n: _.inc(1) } })).stats.updated).toBe(0);
    expect((await db.collection('items').where({ _id: 'a', n: _.lt(2) }).update({ data: { n: _.inc(1) } })).stats.updated).toBe(1);
    expect((await db.collection('items').where({ _id: 'a', n: _.lt(2) }).update({ data: { n: _.inc(1) } })).stats.updated).toBe(0);
    expect((await db.collection('items').where({ _id: 'b', g: 1 }).update({ data: { n: _.inc(10) } })).stats.updated).toBe(1);
    expect((await db.collection('items').where({ _id: 'b', g: 2 }).update({ data: { n: _.inc(10) } })).stats.updated).toBe(0);
    expect((await db.collection('items').where({ _id: '7', g: 1 }).remove()).stats.removed).toBe(0);
    expect((await db.collection('items').where({ _id: '7', g: 2 }).remove()).stats.removed).toBe(1);
    expect((await all('items')).map((d) => [d._id, d.n])).toEqual([
      ['a', 2],
      ['b', 12],
      [7, 3],
    ]);
  });

  it('§7.6 a duplicate _id rejects with -502001 E11000 and keeps the first document', async () => {
    await db.collection('items').add({ data: { _id: 'dup', x: 1 } });
    const error = await failure(db.collection('items').add({ data: { _id: 'dup', x: 2 } }));
    expect(error.errCode).toBe(-502001);
    expect(String(error.errMsg)).toMatch(/E11000/);
    expect(await all('items')).toEqual([{ _id: 'dup', x: 1 }]);
  });

  it('§7.6 a unique index clash (add or update) rejects with -502001 E11000', async () => {
    const first = await insert('users', { phone: '13800000000', name: 'a' });
    const added = await failure(db.collection('users').add({ data: { phone: '13800000000', name: 'b' } }));
    expect(added.errCode).toBe(-502001);
    expect(String(added.errMsg)).toMatch(/E11000/);
    const { _id: other } = await db.collection('users').add({ data: { phone: '13900000000', name: 'c' } });
    const updated = await failure(db.collection('users').doc(other).update({ data: { phone: '13800000000' } }));
    expect(updated.errCode).toBe(-502001);
    expect(String(updated.errMsg)).toMatch(/E11000/);
    expect(await all('users')).toEqual([
      { _id: first, phone: '13800000000', name: 'a' },
      { _id: other, phone: '13900000000', name: 'c' },
    ]);
    // The key is free again once its holder changes it.
    await db.collection('users').doc(first).update({ data: { phone: '13700000000' } });
    await db.collection('users').doc(other).update({ data: { phone: '13800000000' } });
    expect((await read('users', other)).phone).toBe('13800000000');
  });

  it('§7.6 a unique index is not sparse: a second document without the field clashes (MongoDB)', async () => {
    await seed('users', [{ name: 'no phone' }]);
    const error = await failure(db.collection('users').add({ data: { name: 'no phone either' } }));
    expect(error.errCode).toBe(-502001);
    expect(String(error.errMsg)).toMatch(/E11000/);
    expect((await db.collection('users').count()).total).toBe(1);
  });

  it('§7.6 a unique index clash between two transactions fails the second commit', async () => {
    const first = await db.startTransaction();
    const second = await db.startTransaction();
    await first.collection('users').add({ data: { _id: 'u1', phone: '1' } });
    await second.collection('users').add({ data: { _id: 'u2', phone: '1' } });
    await first.commit();
    const error = await failure(second.commit());
    expect(String(error.message)).toMatch(/E11000/);
    expect(await all('users')).toEqual([{ _id: 'u1', phone: '1' }]);
  });
});

// ---- §7.7 missing documents -------------------------------------------------------------------

describe('§7.7 missing documents', () => {
  it('§7.7 doc().get() on a missing id rejects with errCode -1 "does not exist"', async () => {
    const error = await failure(db.collection('items').doc('nope').get());
    expect(error.errCode).toBe(-1);
    expect(String(error.errMsg)).toMatch(/does not exist/);
  });

  it('§7.7 with throwOnNotFound:false, doc().get() on a missing id returns data null', async () => {
    const lenient = sdk.database({ throwOnNotFound: false });
    expect((await lenient.collection('items').doc('nope').get()).data).toBeNull();
    await seed('items', [{ _id: 'yes', x: 1 }]);
    expect((await lenient.collection('items').doc('yes').get()).data).toEqual({ _id: 'yes', x: 1 });
  });

  it('§7.7 doc().update() on a missing id reports updated 0 and creates nothing', async () => {
    const result = await db.collection('items').doc('nope').update({ data: { x: 1 } });
    expect(result.stats.updated).toBe(0);
    expect((await db.collection('items').count()).total).toBe(0);
  });

  it('§7.7 doc().remove() on a missing id reports removed 0', async () => {
    await seed('items', [{ _id: 'kept' }]);
    expect((await db.collection('items').doc('nope').remove()).stats.removed).toBe(0);
    expect((await db.collection('items').count()).total).toBe(1);
  });
});

// ---- §7.8 set ---------------------------------------------------------------------------------

describe('§7.8 set and update data', () => {
  it('§7.8 set() replaces the whole document', async () => {
    await seed('items', [{ _id: 's1', a: 1, b: { c: 1, d: 1 } }]);
    const result = await db.collection('items').doc('s1').set({ data: { b: { d: 2 } } });
    expect(result.stats).toMatchObject({ updated: 1, created: 0 });
    expect(await read('items', 's1')).toEqual({ _id: 's1', b: { d: 2 } });
  });

  it('§7.8 set() on a missing id upserts (stats.created 1)', async () => {
    const result = await db.collection('items').doc('s2').set({ data: { a: 1 } });
    expect(result._id).toBe('s2');
    expect(result.stats).toMatchObject({ updated: 0, created: 1 });
    expect(await all('items')).toEqual([{ _id: 's2', a: 1 }]);
  });

  it('§7.8 set() with an update command inside rejects and changes nothing', async () => {
    const _ = db.command;
    await seed('items', [{ _id: 's3', n: 1 }]);
    const error = await failure(db.collection('items').doc('s3').set({ data: { n: _.inc(1) } }));
    expect(error.errCode).toBe(-502001);
    expect(String(error.errMsg)).toMatch(/update operator complicit/);
    expect(await read('items', 's3')).toEqual({ _id: 's3', n: 1 });
  });

  it('§7.8 _id inside update() or set() data rejects (-501007) and changes nothing', async () => {
    await seed('items', [{ _id: 's4', n: 1 }]);
    const updating = await failure(db.collection('items').doc('s4').update({ data: { _id: 'other', n: 2 } }));
    expect(updating.errCode).toBe(-501007);
    const setting = await failure(db.collection('items').doc('s4').set({ data: { _id: 'other', n: 3 } }));
    expect(setting.errCode).toBe(-501007);
    expect(await all('items')).toEqual([{ _id: 's4', n: 1 }]);
  });
});

// ---- §7.9 multi-document writes ---------------------------------------------------------------

describe('§7.9 where().update() and where().remove()', () => {
  it('§7.9 where().update() stats.updated counts modified documents; unchanged ones do not count (our choice, real service unverified §9.1)', async () => {
    await seed('items', [
      { k: 1, g: 'a', v: 1 },
      { k: 2, g: 'a', v: 2 },
      { k: 3, g: 'a', v: 3 },
      { k: 4, g: 'b', v: 1 },
    ]);
    const result = await db.collection('items').where({ g: 'a' }).update({ data: { v: 2 } });
    expect(result.stats.updated).toBe(2);
    expect((await all('items')).map((d) => d.v)).toEqual([2, 2, 2, 1]);
    const none = await db.collection('items').where({ g: 'zzz' }).update({ data: { v: 9 } });
    expect(none.stats.updated).toBe(0);
  });

  it('§7.9 multi:false updates or removes only the first match', async () => {
    await seed('items', range(4).map((n) => ({ n, g: 'a' })));
    const updated = await db.collection('items').where({ g: 'a' }).update({ data: { flag: true }, multi: false });
    expect(updated.stats.updated).toBe(1);
    expect((await all('items')).map((d) => d.flag ?? false)).toEqual([true, false, false, false]);
    const removed = await db.collection('items').where({ g: 'a' }).remove({ multi: false });
    expect(removed.stats.removed).toBe(1);
    expect((await all('items')).map((d) => d.n)).toEqual([1, 2, 3]);
  });

  it('§7.9 where().remove() reports stats.removed and removes exactly the matches', async () => {
    const _ = db.command;
    await seed('items', range(10).map((n) => ({ n })));
    const result = await db.collection('items').where({ n: _.gte(6) }).remove();
    expect(result.stats.removed).toBe(4);
    expect((await all('items')).map((d) => d.n)).toEqual(range(6));
    const doc = await db.collection('items').where({ n: 0 }).get();
    expect((await db.collection('items').doc(doc.data[0]._id).remove()).stats.removed).toBe(1);
    expect((await db.collection('items').count()).total).toBe(5);
  });
});

// ---- §7.10 conditional update -----------------------------------------------------------------

describe('§7.10 conditional update', () => {
  it('§7.10 of 50 concurrent compare-and-set updates exactly one wins, and its write is stored', async () => {
    const id = await insert('orders', { status: 'pending' });
    const replies = await Promise.all(
      range(50).map((i) =>
        db.collection('orders').where({ _id: id, status: 'pending' }).update({ data: { status: 'accepted', by: i } }),
      ),
    );
    const winners = range(50).filter((i) => replies[i].stats.updated === 1);
    expect(winners).toHaveLength(1);
    expect(replies.filter((r: { stats: { updated: number } }) => r.stats.updated === 0)).toHaveLength(49);
    expect(await read('orders', id)).toEqual({ _id: id, status: 'accepted', by: winners[0] });
  });
});

// ---- §7.11 update operators -------------------------------------------------------------------

describe('§7.11 update operators', () => {
  it('§7.11 50 concurrent _.inc(1) add exactly 50', async () => {
    const _ = db.command;
    const id = await insert('accounts', { n: 7 });
    await Promise.all(range(50).map(() => db.collection('accounts').doc(id).update({ data: { n: _.inc(1) } })));
    expect((await read('accounts', id)).n).toBe(57);
  });

  /** Applies one update to a fresh document and returns the stored result (without _id) and stats.updated. */
  async function applied(initial: Doc, data: (_: Sdk) => Doc): Promise<{ doc: Doc; updated: number }> {
    const { _id } = await db.collection('items').add({ data: initial });
    const result = await db.collection('items').doc(_id).update({ data: data(db.command) });
    return { doc: withoutId(await read('items', _id)), updated: result.stats.updated };
  }

  it.each<[string, Doc, (_: Sdk) => Doc, Doc]>([
    ['push values', { a: [1] }, (_) => ({ a: _.push([2, 3]) }), { a: [1, 2, 3] }],
    ['push to a missing field', {}, (_) => ({ a: _.push(['x']) }), { a: ['x'] }],
    ['push each+position', { a: [1, 2, 3] }, (_) => ({ a: _.push({ each: [9, 8], position: 1 }) }), { a: [1, 9, 8, 2, 3] }],
    ['push each+sort+slice', { a: [5, 1, 3] }, (_) => ({ a: _.push({ each: [4, 2], sort: 1, slice: 3 }) }), { a: [1, 2, 3] }],
    ['push negative slice', { a: [5, 1, 3] }, (_) => ({ a: _.push({ each: [4], sort: -1, slice: -2 }) }), { a: [3, 1] }],
    [
      'push sort by field',
      { a: [{ s: 2 }, { s: 1 }] },
      (_) => ({ a: _.push({ each: [{ s: 0 }], sort: { s: 1 } }) }),
      { a: [{ s: 0 }, { s: 1 }, { s: 2 }] },
    ],
    ['pull with a condition', { a: [1, 5, 10, 15, 5] }, (_) => ({ a: _.pull(_.gte(10)) }), { a: [1, 5, 5] }],
    ['pull a value', { a: [1, 5, 10, 5] }, (_) => ({ a: _.pull(5) }), { a: [1, 10] }],
    [
      'pull with a document condition',
      { a: [{ k: 1, v: 'x' }, { k: 2 }, { k: 1 }] },
      (_) => ({ a: _.pull({ k: 1 }) }),
      { a: [{ k: 2 }] },
    ],
    ['addToSet a value', { a: [1, 2] }, (_) => ({ a: _.addToSet(3) }), { a: [1, 2, 3] }],
    // The SDK passes addToSet's argument through as is, so several values take Mongo's $each (as the WeChat doc's example does).
    ['addToSet $each', { a: [1, 2] }, (_) => ({ a: _.addToSet({ $each: [2, 3, 3, 4] }) }), { a: [1, 2, 3, 4] }],
    ['pop', { a: [1, 2, 3] }, (_) => ({ a: _.pop() }), { a: [1, 2] }],
    ['shift', { a: [1, 2, 3] }, (_) => ({ a: _.shift() }), { a: [2, 3] }],
    ['unshift', { a: [1, 2] }, (_) => ({ a: _.unshift([8, 9]) }), { a: [8, 9, 1, 2] }],
    ['pullAll', { a: [1, 2, 3, 1, 2] }, (_) => ({ a: _.pullAll([1, 2]) }), { a: [3] }],
    ['min lowers', { v: 5 }, (_) => ({ v: _.min(3) }), { v: 3 }],
    ['max raises', { v: 5 }, (_) => ({ v: _.max(9) }), { v: 9 }],
    ['mul', { v: 5 }, (_) => ({ v: _.mul(2) }), { v: 10 }],
    ['mul on a missing field sets 0', {}, (_) => ({ v: _.mul(3) }), { v: 0 }],
    ['inc on a missing field sets the amount', {}, (_) => ({ v: _.inc(4) }), { v: 4 }],
    ['rename', { a: 1, b: 2 }, (_) => ({ a: _.rename('c') }), { b: 2, c: 1 }],
    ['remove a field', { a: 1, b: 2 }, (_) => ({ b: _.remove() }), { a: 1 }],
    ['nested dot path inc', { o: { n: 1, m: 1 } }, (_) => ({ o: { n: _.inc(2) } }), { o: { n: 3, m: 1 } }],
    ['array element by index', { a: [1, 2, 3] }, () => ({ 'a.1': 20 }), { a: [1, 20, 3] }],
  ])('§7.11 %s follows MongoDB', async (_name, initial, data, expected) => {
    const { doc, updated } = await applied(initial, data);
    expect(doc).toEqual(expected);
    expect(updated).toBe(1);
  });

  it.each<[string, Doc, (_: Sdk) => Doc]>([
    ['push onto a number', { a: 1 }, (_) => ({ a: _.push([2]) })],
    ['inc a string', { a: 'x' }, (_) => ({ a: _.inc(1) })],
    ['mul a string', { a: 'x' }, (_) => ({ a: _.mul(2) })],
    ['pop a string', { a: 'x' }, (_) => ({ a: _.pop() })],
    ['addToSet onto an object', { a: { b: 1 } }, (_) => ({ a: _.addToSet(2) })],
    ['pull from a null', { a: null }, (_) => ({ a: _.pull(1) })],
    ['set a field inside a number', { a: { b: 1 } }, () => ({ 'a.b.c': 1 })],
    ['inc a named field inside an array', { a: [1] }, (_) => ({ 'a.x': _.inc(1) })],
  ])('§7.11 %s rejects with -502001 and leaves the document unchanged (MongoDB)', async (_name, initial, data) => {
    const id = await insert('items', initial);
    const error = await failure(db.collection('items').doc(id).update({ data: data(db.command) }));
    expect(error.errCode).toBe(-502001);
    expect(withoutId(await read('items', id))).toEqual(initial);
  });

  it('§7.11 min/max that change nothing leave the document and count as not updated', async () => {
    expect(await applied({ v: 5 }, (_) => ({ v: _.min(10) }))).toEqual({ doc: { v: 5 }, updated: 0 });
    expect(await applied({ v: 5 }, (_) => ({ v: _.max(1) }))).toEqual({ doc: { v: 5 }, updated: 0 });
  });
});

// ---- §7.12 collections ------------------------------------------------------------------------

describe('§7.12 collections', () => {
  it('§7.12 an unknown collection rejects with -502005 (DATABASE_COLLECTION_NOT_EXIST) on every operation', async () => {
    const ghost = db.collection('ghost');
    const operations: Array<[string, () => Promise<unknown>]> = [
      ['get', () => ghost.get()],
      ['count', () => ghost.count()],
      ['add', () => ghost.add({ data: { a: 1 } })],
      ['where.update', () => ghost.where({ a: 1 }).update({ data: { a: 2 } })],
      ['where.remove', () => ghost.where({ a: 1 }).remove()],
      ['doc.get', () => ghost.doc('x').get()],
      ['doc.set', () => ghost.doc('x').set({ data: { a: 1 } })],
    ];
    for (const [name, run] of operations) {
      const error = await failure(run());
      expect({ name, errCode: error.errCode }).toEqual({ name, errCode: -502005 });
      expect(String(error.errMsg)).toMatch(/Db or Table not exist/);
    }
    // wx-server-sdk 4.0.2's aggregate().end() does not map the TCB code to a number (errCode -1),
    // but keeps it on the error as `code`.
    const aggregate = await failure(ghost.aggregate().match({ a: 1 }).end());
    expect(aggregate).toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST', errMsg: expect.stringMatching(/Db or Table not exist/) });
    const names = (await control<{ collections: Array<{ name: string }> }>(cloud, 'GET', 'collections')).collections.map((c) => c.name);
    expect(names).not.toContain('ghost');
  });

  it('§7.12 createCollection makes it; creating it again fails', async () => {
    await db.createCollection('fresh');
    const { _id } = await db.collection('fresh').add({ data: { a: 1 } });
    expect(await all('fresh')).toEqual([{ _id, a: 1 }]);
    // As with aggregate, the SDK leaves the TCB code unmapped here (errCode -1).
    const again = await failure(db.createCollection('fresh'));
    expect(again).toMatchObject({ code: 'DATABASE_COLLECTION_ALREADY_EXIST', errMsg: expect.stringMatching(/exist/) });
    expect(await all('fresh')).toEqual([{ _id, a: 1 }]);
  });
});

// ---- §7.13 transactions -----------------------------------------------------------------------

describe('§7.13 transactions', () => {
  const balance = async (id: string) => (await read('accounts', id)).balance as number;

  it('§7.13 where().get() inside a transaction is rejected', async () => {
    await seed('accounts', [{ _id: 'acc', balance: 1 }]);
    const transaction = await db.startTransaction();
    const error = await failure(transaction.collection('accounts').where({ balance: 1 }).get());
    expect(error.errCode).toBe(-502001);
    expect(String(error.errMsg)).toMatch(/not supported in a transaction/);
    // The transaction itself is still usable.
    expect((await transaction.collection('accounts').doc('acc').get()).data).toEqual({ _id: 'acc', balance: 1 });
    await transaction.rollback();
  });

  it('§7.13 reads inside see own writes; outside readers see them only after commit', async () => {
    await seed('accounts', [{ _id: 'acc', balance: 100 }]);
    const transaction = await db.startTransaction();
    const inside = transaction.collection('accounts').doc('acc');
    await inside.update({ data: { balance: 70 } });
    expect((await inside.get()).data).toEqual({ _id: 'acc', balance: 70 });
    expect(await balance('acc')).toBe(100);
    await transaction.commit();
    expect(await balance('acc')).toBe(70);
  });

  it('§7.13 add inside a transaction is visible inside, and outside only after commit', async () => {
    const transaction = await db.startTransaction();
    const { _id } = await transaction.collection('accounts').add({ data: { balance: 5 } });
    expect(typeof _id).toBe('string');
    expect((await transaction.collection('accounts').doc(_id).get()).data).toEqual({ _id, balance: 5 });
    expect((await db.collection('accounts').count()).total).toBe(0);
    await transaction.commit();
    expect(await all('accounts')).toEqual([{ _id, balance: 5 }]);
  });

  it('§7.13 rollback(reason) makes runTransaction reject with that reason and writes nothing', async () => {
    await seed('accounts', [{ _id: 'acc', balance: 10 }]);
    const outcome = await failure(
      db.runTransaction(async (transaction: Sdk) => {
        await transaction.collection('accounts').doc('acc').update({ data: { balance: 0 } });
        await transaction.collection('accounts').add({ data: { _id: 'new', balance: 1 } });
        await transaction.rollback('insufficient balance');
      }),
    );
    expect(outcome).toEqual({ thrown: 'insufficient balance' });
    expect(await all('accounts')).toEqual([{ _id: 'acc', balance: 10 }]);
  });

  it('§7.13 runTransaction commits when the callback resolves and returns its value', async () => {
    await seed('accounts', [{ _id: 'a', balance: 10 }, { _id: 'b', balance: 0 }]);
    const result = await db.runTransaction(async (transaction: Sdk) => {
      const a = (await transaction.collection('accounts').doc('a').get()).data;
      await transaction.collection('accounts').doc('a').update({ data: { balance: a.balance - 4 } });
      await transaction.collection('accounts').doc('b').set({ data: { balance: 4 } });
      return 'moved';
    });
    expect(result).toBe('moved');
    expect(await all('accounts')).toEqual([{ _id: 'a', balance: 6 }, { _id: 'b', balance: 4 }]);
  });

  it('§7.13 a write-write conflict: the second of two committing transactions is rejected', async () => {
    await seed('accounts', [{ _id: 'acc', balance: 0 }]);
    const first = await db.startTransaction();
    const second = await db.startTransaction();
    await first.collection('accounts').doc('acc').update({ data: { balance: 1 } });
    await second.collection('accounts').doc('acc').update({ data: { balance: 2 } });
    await first.commit();
    const error = await failure(second.commit());
    expect(error.code).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(await balance('acc')).toBe(1);
  });

  it('§7.13 runTransaction retries on a conflict and the retry sees the newer data', async () => {
    await seed('accounts', [{ _id: 'acc', balance: 0 }]);
    let attempts = 0;
    await db.runTransaction(async (transaction: Sdk) => {
      attempts += 1;
      const doc = (await transaction.collection('accounts').doc('acc').get()).data;
      // On the first attempt someone else writes the document before this transaction commits.
      if (attempts === 1) await db.collection('accounts').doc('acc').update({ data: { balance: db.command.inc(100) } });
      await transaction.collection('accounts').doc('acc').update({ data: { balance: doc.balance + 1 } });
    });
    expect(attempts).toBe(2);
    expect(await balance('acc')).toBe(101);
  });

  it('§7.13 concurrent read-then-increment runTransactions lose nothing', async () => {
    await seed('accounts', [{ _id: 'acc', balance: 0 }]);
    let attempts = 0;
    const increment = (amount: number) =>
      db.runTransaction(async (transaction: Sdk) => {
        attempts += 1;
        const ref = transaction.collection('accounts').doc('acc');
        const { balance: current } = (await ref.get()).data;
        await ref.update({ data: { balance: current + amount } });
      }, 20); // more retries than the default 3, so that heavy contention cannot exhaust them

    const worker = async (amount: number, times: number) => {
      let committed = 0;
      for (let i = 0; i < times; i++) {
        await increment(amount);
        committed += amount;
      }
      return committed;
    };
    const committed = await Promise.all([worker(1, 15), worker(100, 15)]);
    expect(committed).toEqual([15, 1500]);
    expect(await balance('acc')).toBe(1515);
    expect(attempts).toBeGreaterThanOrEqual(30);
  });

  it('§7.13 snapshot isolation: a transaction does not see commits made after it started', async () => {
    await seed('accounts', [{ _id: 'acc', balance: 1 }]);
    const transaction = await db.startTransaction();
    await db.collection('accounts').doc('acc').update({ data: { balance: 2 } });
    await db.collection('accounts').add({ data: { _id: 'late', balance: 3 } });
    expect((await transaction.collection('accounts').doc('acc').get()).data).toEqual({ _id: 'acc', balance: 1 });
    expect(await failure(transaction.collection('accounts').doc('late').get())).toMatchObject({
      errMsg: expect.stringMatching(/does not exist/),
    });
    await transaction.commit();
    expect(await balance('acc')).toBe(2);
  });

  it('§7.13 doc().remove() and set() inside a transaction apply on commit only', async () => {
    await seed('accounts', [{ _id: 'gone', balance: 1 }, { _id: 'kept', balance: 2, extra: true }]);
    const transaction = await db.startTransaction();
    await transaction.collection('accounts').doc('gone').remove();
    await transaction.collection('accounts').doc('kept').set({ data: { balance: 3 } });
    expect((await db.collection('accounts').count()).total).toBe(2);
    await transaction.commit();
    expect(await all('accounts')).toEqual([{ _id: 'kept', balance: 3 }]);
  });
});

describe('§7.13 transaction expiry (transactionTimeoutMs: 300 stands in for 30 s)', () => {
  let shortCloud: LocalCloud;
  let shortDb: Sdk;
  beforeAll(async () => {
    shortCloud = await startTestCloud({ schema: SCHEMA, transactionTimeoutMs: 300 });
    shortDb = connectSdk(shortCloud).database();
  });
  afterAll(async () => {
    await shortCloud.close();
    db = connectSdk(cloud).database(); // point the shared SDK back at the main cloud
  });

  it('§7.13 after the timeout, operations and commit of the transaction fail and nothing is written', async () => {
    await shortDb.collection('accounts').add({ data: { _id: 'acc', balance: 1 } });
    const transaction = await shortDb.startTransaction();
    await transaction.collection('accounts').doc('acc').update({ data: { balance: 2 } });
    await sleep(450);
    const operation = await failure(transaction.collection('accounts').doc('acc').get());
    expect(JSON.stringify(operation)).toMatch(/expired/);
    const commit = await failure(transaction.commit());
    expect(commit.code).toBe('DATABASE_TRANSACTION_FAIL');
    expect((await shortDb.collection('accounts').doc('acc').get()).data).toEqual({ _id: 'acc', balance: 1 });
  });
});

// ---- §7.14 geo ---------------------------------------------------------------------------------

describe('§7.14 geo', () => {
  const CENTER = [113.94, 22.54] as const;
  /** Metres per degree of latitude on the sphere the engine uses (radius 6378100 m). */
  const M_PER_DEG = (2 * Math.PI * 6378100) / 360;
  const point = (lng: number, lat: number) => new db.Geo.Point(lng, lat);
  const north = (metres: number) => point(CENTER[0], CENTER[1] + metres / M_PER_DEG);
  const box = (west: number, south: number, east: number, northEdge: number) =>
    new db.Geo.Polygon([
      new db.Geo.LineString([point(west, south), point(east, south), point(east, northEdge), point(west, northEdge), point(west, south)]),
    ]);

  beforeEach(async () => {
    await seed(
      'places',
      [5000, 100, 1000, 500].map((m) => ({ name: `p${m}`, loc: north(m) })),
    );
  });
  const names = (r: { data: Doc[] }) => r.data.map((d) => d.name);

  it('§7.14 geoNear sorts by distance and honours maxDistance/minDistance', async () => {
    const _ = db.command;
    const center = point(CENTER[0], CENTER[1]);
    const every = await db.collection('places').where({ loc: _.geoNear({ geometry: center }) }).get();
    expect(names(every)).toEqual(['p100', 'p500', 'p1000', 'p5000']);
    const ring = await db.collection('places').where({ loc: _.geoNear({ geometry: center, maxDistance: 2000, minDistance: 200 }) }).get();
    expect(names(ring)).toEqual(['p500', 'p1000']);
    // Other conditions filter, and limit takes the nearest.
    const nearest = await db.collection('places').where({ loc: _.geoNear({ geometry: center }), name: _.neq('p100') }).limit(2).get();
    expect(names(nearest)).toEqual(['p500', 'p1000']);
    // The stored GeoJSON comes back as the SDK's Point.
    expect(every.data[0].loc).toMatchObject({ longitude: CENTER[0], latitude: CENTER[1] + 100 / M_PER_DEG });
  });

  it('§7.14 geoWithin with centerSphere and with a Polygon', async () => {
    const _ = db.command;
    const circle = await db.collection('places').where({ loc: _.geoWithin({ centerSphere: [[CENTER[0], CENTER[1]], 700 / 6378100] }) }).get();
    expect(names(circle)).toEqual(['p100', 'p500']);
    const degrees = (m: number) => m / M_PER_DEG;
    const polygon = box(CENTER[0] - 0.01, CENTER[1] + degrees(300), CENTER[0] + 0.01, CENTER[1] + degrees(2000));
    const within = await db.collection('places').where({ loc: _.geoWithin({ geometry: polygon }) }).get();
    expect(names(within)).toEqual(['p1000', 'p500']);
  });

  it('§7.14 geoIntersects with a point, a line and a polygon', async () => {
    const _ = db.command;
    await seed('zones', [
      { name: 'west', area: box(113.9, 22.5, 113.95, 22.6) },
      { name: 'east', area: box(113.95, 22.5, 114.0, 22.6) },
      { name: 'far', area: box(120, 30, 121, 31) },
    ]);
    const hit = await db.collection('zones').where({ area: _.geoIntersects({ geometry: point(113.97, 22.55) }) }).get();
    expect(names(hit)).toEqual(['east']);
    const line = new db.Geo.LineString([point(113.92, 22.55), point(113.98, 22.55)]);
    const touching = await db.collection('zones').where({ area: _.geoIntersects({ geometry: line }) }).get();
    expect(names(touching)).toEqual(['west', 'east']);
    // A line that crosses zones with both its ends outside them still intersects them.
    const across = new db.Geo.LineString([point(113.85, 22.55), point(113.97, 22.65)]);
    const crossed = await db.collection('zones').where({ area: _.geoIntersects({ geometry: across }) }).get();
    expect(names(crossed)).toEqual(['west']);
    // So does a polygon overlapping a zone with no vertex inside it (a plus sign).
    const bar = box(113.92, 22.4, 113.93, 22.7);
    const overlapping = await db.collection('zones').where({ area: _.geoIntersects({ geometry: bar }) }).get();
    expect(names(overlapping)).toEqual(['west']);
  });

  it('§7.14 aggregate $geoNear as the first stage writes distanceField, sorted by distance', async () => {
    const { list } = await db
      .collection('places')
      .aggregate()
      .geoNear({ near: point(CENTER[0], CENTER[1]), spherical: true, distanceField: 'dist', maxDistance: 2000 })
      .end();
    expect(list.map((d: Doc) => d.name)).toEqual(['p100', 'p500', 'p1000']);
    const distances = list.map((d: Doc) => d.dist as number);
    [100, 500, 1000].forEach((m, i) => expect(distances[i]).toBeCloseTo(m, 0));
  });

  it('§7.14 $geoNear anywhere but the first stage is rejected', async () => {
    const error = await failure(
      db
        .collection('places')
        .aggregate()
        .match({ name: 'p100' })
        .geoNear({ near: point(CENTER[0], CENTER[1]), spherical: true, distanceField: 'dist' })
        .end(),
    );
    // aggregate().end() keeps the TCB code rather than mapping it (see §7.12).
    expect(error).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', errMsg: expect.stringMatching(/first stage/) });
  });

  it('§7.14 a geo query on a field without a 2dsphere index is rejected', async () => {
    const _ = db.command;
    await seed('items', [{ loc: point(CENTER[0], CENTER[1]) }]);
    const error = await failure(db.collection('items').where({ loc: _.geoNear({ geometry: point(CENTER[0], CENTER[1]) }) }).get());
    expect(error.errCode).toBe(-502001);
    const within = await failure(
      db.collection('items').where({ loc: _.geoWithin({ centerSphere: [[CENTER[0], CENTER[1]], 0.01] }) }).get(),
    );
    expect(within.errCode).toBe(-502001);
  });
});

// ---- §7.15 aggregate --------------------------------------------------------------------------

describe('§7.15 aggregate', () => {
  beforeEach(async () => {
    await seed('users', [
      { _id: 'u1', name: 'Ann', phone: '1' },
      { _id: 'u2', name: 'Bob', phone: '2' },
    ]);
    await seed('orders', [
      { _id: 'o1', userId: 'u1', cat: 'veg', amount: 5, tags: ['a', 'b'] },
      { _id: 'o2', userId: 'u2', cat: 'fruit', amount: 7, tags: ['b'] },
      { _id: 'o3', userId: 'u1', cat: 'veg', amount: 3, tags: [] },
    ]);
  });

  it('§7.15 group with $sum: 1', async () => {
    const $ = db.command.aggregate;
    const { list } = await db
      .collection('orders')
      .aggregate()
      .group({ _id: '$cat', n: $.sum(1), total: $.sum('$amount') })
      .sort({ _id: 1 })
      .end();
    expect(list).toEqual([
      { _id: 'fruit', n: 1, total: 7 },
      { _id: 'veg', n: 2, total: 8 },
    ]);
  });

  it('§7.15 lookup with localField/foreignField', async () => {
    const { list } = await db
      .collection('orders')
      .aggregate()
      .lookup({ from: 'users', localField: 'userId', foreignField: '_id', as: 'user' })
      .project({ _id: 1, user: 1 })
      .end();
    expect(list).toEqual([
      { _id: 'o1', user: [{ _id: 'u1', name: 'Ann', phone: '1' }] },
      { _id: 'o2', user: [{ _id: 'u2', name: 'Bob', phone: '2' }] },
      { _id: 'o3', user: [{ _id: 'u1', name: 'Ann', phone: '1' }] },
    ]);
  });

  it('§7.15 lookup by _id from an array field (each id once, a missing one skipped) and by a pipeline without let', async () => {
    await seed('items', [{ _id: 't1', members: ['u2', 'u1', 'u2', 'nobody'] }]);
    const $ = db.command.aggregate;
    const { list } = await db
      .collection('items')
      .aggregate()
      .match({ _id: 't1' })
      .lookup({ from: 'users', localField: 'members', foreignField: '_id', as: 'people' })
      .lookup({ from: 'orders', pipeline: $.pipeline().match({ cat: 'veg' }).sort({ amount: 1 }).project({ _id: 1 }).done(), as: 'veg' })
      .end();
    // The joined documents' order is the database's own (MongoDB does not promise one).
    const [team] = list as Array<{ _id: string; people: Array<{ _id: string }>; veg: unknown[] }>;
    expect(list).toHaveLength(1);
    expect([...team!.people].sort((a, b) => a._id.localeCompare(b._id))).toEqual([
      { _id: 'u1', name: 'Ann', phone: '1' },
      { _id: 'u2', name: 'Bob', phone: '2' },
    ]);
    expect(team!.veg).toEqual([{ _id: 'o3' }, { _id: 'o1' }]);
  });

  it('§7.15 lookup with let + pipeline', async () => {
    const _ = db.command;
    const $ = db.command.aggregate;
    const { list } = await db
      .collection('users')
      .aggregate()
      .lookup({
        from: 'orders',
        let: { uid: '$_id' },
        pipeline: $.pipeline()
          .match(_.expr($.and([$.eq(['$userId', '$$uid']), $.gte(['$amount', 4])])))
          .project({ _id: 0, amount: 1 })
          .done(),
        as: 'bigOrders',
      })
      .project({ name: 1, bigOrders: 1 })
      .end();
    expect(list).toEqual([
      { _id: 'u1', name: 'Ann', bigOrders: [{ amount: 5 }] },
      { _id: 'u2', name: 'Bob', bigOrders: [{ amount: 7 }] },
    ]);
  });

  it('§7.15 unwind and sortByCount', async () => {
    const unwound = await db.collection('orders').aggregate().unwind('$tags').project({ tags: 1 }).end();
    expect(unwound.list).toEqual([
      { _id: 'o1', tags: 'a' },
      { _id: 'o1', tags: 'b' },
      { _id: 'o2', tags: 'b' },
    ]);
    const kept = await db
      .collection('orders')
      .aggregate()
      .unwind({ path: '$tags', preserveNullAndEmptyArrays: true })
      .count('rows')
      .end();
    expect(kept.list).toEqual([{ rows: 4 }]);
    const counted = await db.collection('orders').aggregate().sortByCount('$cat').end();
    expect(counted.list).toEqual([
      { _id: 'veg', count: 2 },
      { _id: 'fruit', count: 1 },
    ]);
  });

  it('§7.15 dateToString with timezone Asia/Shanghai', async () => {
    const $ = db.command.aggregate;
    await seed('items', [{ at: new Date('2026-01-01T16:30:00Z') }]);
    const { list } = await db
      .collection('items')
      .aggregate()
      .project({
        _id: 0,
        local: $.dateToString({ date: '$at', format: '%Y-%m-%d %H:%M', timezone: 'Asia/Shanghai' }),
        utc: $.dateToString({ date: '$at', format: '%Y-%m-%d' }),
      })
      .end();
    expect(list).toEqual([{ local: '2026-01-02 00:30', utc: '2026-01-01' }]);
  });
});

// ---- §7.21 export / import --------------------------------------------------------------------

describe('§7.21 export and import', () => {
  it('§7.21 export → reset → import preserves Date, int, double, Long, null, nested arrays and GeoJSON', async () => {
    const _ = db.command;
    const when = new Date('2026-03-04T05:06:07.089Z');
    await db.collection('places').add({
      data: {
        _id: 'rt',
        when,
        int: 42,
        dbl: 1.5,
        big: 12345678901,
        nothing: null,
        nested: [[1, 2], [3, [4, 'five']], []],
        obj: { deep: { list: [{ a: 1 }] } },
        loc: new db.Geo.Point(113.9, 22.5),
      },
    });
    await db.collection('items').add({ data: { _id: 7, n: 1 } });
    const before = await read('places', 'rt');

    const text = await exportText();
    const line = text.split('\n').find((l) => l.includes('"rt"'));
    expect(line).toBeDefined();
    expect(line).toContain('"when":{"$date":{"$numberLong":"1772600767089"}}');
    expect(line).toContain('"int":{"$numberInt":"42"}');
    expect(line).toContain('"dbl":{"$numberDouble":"1.5"}');
    expect(line).toContain('"big":{"$numberLong":"12345678901"}');
    expect(line).toContain('"nothing":null');

    await control(cloud, 'POST', 'reset', {});
    expect((await db.collection('places').count()).total).toBe(0);
    await control(cloud, 'POST', 'import', text);

    expect(await read('places', 'rt')).toEqual(before);
    expect(await read('items', 7)).toEqual({ _id: 7, n: 1 });
    const after = await read('places', 'rt');
    expect(after.when).toBeInstanceOf(Date);
    expect((after.when as Date).getTime()).toBe(when.getTime());
    expect(after.big).toBe(12345678901);
    expect(after.nothing).toBeNull();
    // Types survive on the server too: date, Long and geo queries still match.
    expect((await db.collection('places').where({ when: _.eq(when) }).count()).total).toBe(1);
    expect((await db.collection('places').where({ big: 12345678901, dbl: _.gt(1.4) }).count()).total).toBe(1);
    const near = await db
      .collection('places')
      .where({ loc: _.geoNear({ geometry: new db.Geo.Point(113.9, 22.5001), maxDistance: 50 }) })
      .get();
    expect(near.data.map((d: Doc) => d._id)).toEqual(['rt']);
    expect(await exportText()).toBe(text);
  });
});
