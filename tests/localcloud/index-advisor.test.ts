/**
 * The local cloud's index advice end to end: which requests it checks, what strict mode refuses
 * (and that a refused write changes nothing), what the exceptions accept, what the log and the
 * console's API show — and that database/schema.json keeps within WeChat's limits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EJSON } from 'bson';
import { afterEach, describe, expect, it } from 'vitest';
import { readSchema } from '../../localcloud/src/config';
import { DatabaseEngine, type SchemaConfig } from '../../localcloud/src/db/engine';
import { CloudError } from '../../localcloud/src/db/errors';
import type { IndexAdviceMode } from '../../localcloud/src/db/index-advisor';
import { MemoryPersistence } from '../../localcloud/src/db/persistence';
import type { LocalCloud } from '../../localcloud/src/server';
import { callFunction, control, REPO_ROOT, startTestCloud } from '../helpers/localcloud';

const SCHEMA: SchemaConfig = {
  collections: {
    orders: { indexes: [{ name: 'community_status_created', keys: { communityId: 1, status: 1, createdAt: -1 } }] },
    settings: {},
    notes: {},
  },
  indexExceptions: [
    { collection: 'settings', reason: 'one document per community' },
    { collection: 'notes', query: 'where {author: $eq}', reason: 'a test of one accepted shape' },
  ],
};

function engineWith(mode: IndexAdviceMode, lines: string[] = []) {
  const engine = new DatabaseEngine({ persistence: new MemoryPersistence(), schema: SCHEMA, now: () => Date.UTC(2025, 0, 1), indexAdvice: mode, log: (line) => lines.push(line) });
  engine.importLines([
    JSON.stringify({ collection: 'orders', doc: { _id: 'o1', communityId: 'c1', status: 'open', phone: '13800138000' } }),
    JSON.stringify({ collection: 'orders', doc: { _id: 'o2', communityId: 'c1', status: 'done', phone: '13900139000' } }),
    JSON.stringify({ collection: 'notes', doc: { _id: 'n1', author: 'a', topic: 't' } }),
  ]);
  return engine;
}

const where = (collectionName: string, query: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  collectionName,
  queryType: 'WHERE',
  query: EJSON.stringify(query),
  ...extra,
});
const get = (engine: DatabaseEngine, collection: string, query: Record<string, unknown>, caller?: string, order?: Record<string, 1 | -1>) =>
  engine.execute('database.getDocument', where(collection, query, order ? { order: EJSON.stringify(order) } : {}), caller);
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof CloudError) return error.message;
    throw error;
  }
  throw new Error('expected the request to be refused');
};

describe('index advice in the database engine', () => {
  it('strict: refuses a function query no index serves, naming the collection, the shape and a fix, never a value', () => {
    const engine = engineWith('strict');
    const message = refusal(() => get(engine, 'orders', { phone: '13800138000' }, 'user'));
    expect(message).toContain('no declared index of orders serves where {phone: $eq}');
    expect(message).toContain('(from function user)');
    expect(message).toContain('add an index such as {phone: 1} to database/schema.json');
    expect(message).toContain('database/index-exceptions.json');
    expect(message).not.toContain('13800138000');
  });

  it('strict: serves what an index serves, and _id lookups', () => {
    const engine = engineWith('strict');
    expect(get(engine, 'orders', { communityId: 'c1', status: 'open' }, 'order', { createdAt: -1 })).toMatchObject({ data: { list: [expect.any(String)] } });
    expect(get(engine, 'orders', { _id: 'o2', phone: '13900139000' }, 'order')).toMatchObject({ data: { list: [expect.any(String)] } });
    expect(engine.unservedQueries()).toEqual([]);
  });

  it('strict: a refused update or remove changes nothing', () => {
    const engine = engineWith('strict');
    const before = [...engine.exportLines()];
    refusal(() => engine.execute('database.modifyDocument', where('orders', { status: 'open' }, { data: EJSON.stringify({ $set: { status: 'done' } }), multi: true }), 'dispatch'));
    refusal(() => engine.execute('database.removeDocument', where('orders', { status: 'done' }, { multi: true }), 'dispatch'));
    expect([...engine.exportLines()]).toEqual(before);
    expect(engine.unservedQueries().map((q) => [q.query, q.operations])).toEqual(
      expect.arrayContaining([
        ['where {status: $eq}', ['update', 'remove']],
      ]),
    );
  });

  it('strict: checks counts and aggregations too', () => {
    const engine = engineWith('strict');
    expect(refusal(() => engine.execute('database.calculateDocument', where('orders', { status: 'open' }), 'stats'))).toContain('where {status: $eq}');
    const stages = (...list: Array<Record<string, unknown>>) =>
      list.map((stage) => ({ stageKey: Object.keys(stage)[0], stageValue: EJSON.stringify(Object.values(stage)[0]) }));
    const aggregate = (...list: Array<Record<string, unknown>>) => engine.execute('database.aggregateDocuments', { collectionName: 'orders', stages: stages(...list) }, 'stats');
    expect(refusal(() => aggregate({ $group: { _id: '$status', n: { $sum: 1 } } }))).toContain('aggregate [$group]');
    expect(refusal(() => aggregate({ $match: { communityId: 'c1' } }, { $sort: { phone: 1 } }))).toContain('where {communityId: $eq} orderBy {phone: asc}');
    expect(aggregate({ $match: { communityId: 'c1', status: 'open' } }, { $group: { _id: null, n: { $sum: 1 } } })).toMatchObject({ data: { list: [expect.any(String)] } });
    expect(aggregate({ $limit: 1 }, { $group: { _id: '$status' } })).toMatchObject({ data: { list: [expect.any(String)] } });
  });

  it('strict: checks what each $lookup reads from the other collection', () => {
    const engine = engineWith('strict');
    const stages = (...list: Array<Record<string, unknown>>) =>
      list.map((stage) => ({ stageKey: Object.keys(stage)[0], stageValue: EJSON.stringify(Object.values(stage)[0]) }));
    const aggregate = (...list: Array<Record<string, unknown>>) => engine.execute('database.aggregateDocuments', { collectionName: 'notes', stages: stages(...list) }, 'user');
    const byId = { $match: { _id: 'n1' } };
    // By a foreign field no index leads with, or by a sub-pipeline no index serves: refused.
    expect(refusal(() => aggregate(byId, { $lookup: { from: 'orders', localField: 'author', foreignField: 'phone', as: 'x' } }))).toContain('no declared index of orders serves where {phone: $in}');
    expect(refusal(() => aggregate(byId, { $lookup: { from: 'orders', pipeline: [{ $match: { status: 'open' } }], as: 'x' } }))).toContain('no declared index of orders serves where {status: $eq}');
    // By _id, or by a sub-pipeline an index serves: read.
    expect(aggregate(byId, { $lookup: { from: 'orders', localField: 'author', foreignField: '_id', as: 'x' } })).toMatchObject({ data: { list: [expect.any(String)] } });
    const [joined] = (aggregate(byId, { $lookup: { from: 'orders', pipeline: [{ $match: { communityId: 'c1', status: 'open' } }, { $limit: 5 }], as: 'open' } }) as { data: { list: string[] } }).data.list;
    expect(EJSON.parse(joined!)).toMatchObject({ _id: 'n1', open: [{ _id: 'o1' }] });
  });

  it('strict: lets a test set its scene up (no calling function), and records the query', () => {
    const engine = engineWith('strict');
    expect(get(engine, 'orders', { phone: '13800138000' })).toMatchObject({ data: { list: [expect.any(String)] } });
    expect(engine.unservedQueries()).toMatchObject([{ collection: 'orders', query: 'where {phone: $eq}', functions: [], accepted: null, count: 1 }]);
  });

  it('accepts a listed collection, or one listed shape of a collection, with its reason', () => {
    const engine = engineWith('strict');
    get(engine, 'settings', { any: 'thing' }, 'community');
    get(engine, 'notes', { author: 'a' }, 'community');
    expect(refusal(() => get(engine, 'notes', { topic: 't' }, 'community'))).toContain('no declared index of notes serves where {topic: $eq}');
    const accepted = Object.fromEntries(engine.unservedQueries().map((q) => [`${q.collection} ${q.query}`, q.accepted]));
    expect(accepted).toEqual({
      'settings where {any: $eq}': 'one document per community',
      'notes where {author: $eq}': 'a test of one accepted shape',
      'notes where {topic: $eq}': null,
    });
  });

  it('log: prints each unserved shape once, refuses nothing, and counts every time', () => {
    const lines: string[] = [];
    const engine = engineWith('log', lines);
    for (const phone of ['13800138000', '13900139000']) get(engine, 'orders', { phone }, 'user');
    get(engine, 'settings', {}, 'community', { name: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('no declared index of orders serves where {phone: $eq}');
    expect(engine.unservedQueries().find((q) => q.collection === 'orders')).toMatchObject({ count: 2, functions: ['user'], suggestion: '{phone: 1}' });
  });

  it('record (the default): prints nothing, lists for the console, and forgets on reset', () => {
    const lines: string[] = [];
    const engine = engineWith('record', lines);
    get(engine, 'orders', { phone: '13800138000' }, 'user');
    expect(lines).toEqual([]);
    expect(engine.unservedQueries()).toHaveLength(1);
    engine.reset();
    expect(engine.unservedQueries()).toEqual([]);
  });
});

describe('index advice through the local cloud', () => {
  let cloud: LocalCloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it("strict: a function's unserved query fails its call; an index makes it pass", async () => {
    // fn_dbwork ends with bench.where({ n: 2 }).get().
    cloud = await startTestCloud({ schema: { collections: { bench: {} } }, indexAdvice: 'strict' });
    const refused = await callFunction(cloud, 'fn_dbwork', {});
    expect(refused.body.errMsg).toContain('no declared index of bench serves where {n: $eq} (from function fn_dbwork)');
    const advice = await control<{ mode: string; queries: Array<Record<string, unknown>> }>(cloud, 'GET', 'index-advice');
    expect(advice).toMatchObject({ mode: 'strict', queries: [{ collection: 'bench', query: 'where {n: $eq}', suggestion: '{n: 1}', functions: ['fn_dbwork'], operations: ['get'] }] });
    await cloud.close();

    cloud = await startTestCloud({ schema: { collections: { bench: { indexes: [{ name: 'n', keys: { n: 1 } }] } } }, indexAdvice: 'strict' });
    expect((await callFunction(cloud, 'fn_dbwork', {})).body.errMsg).toBe('cloud.callFunction:ok');
    expect(await control(cloud, 'GET', 'index-advice')).toMatchObject({ queries: [] });
  });

  it('the console has an index advice tab', async () => {
    cloud = await startTestCloud({});
    const page = await (await fetch(`${cloud.url}/`)).text();
    expect(page).toContain('id="tab-indexes"');
    expect(page).toContain('/__linli/api/index-advice');
  });
});

describe('readSchema', () => {
  it('takes the accepted exceptions from index-exceptions.json beside schema.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-schema-'));
    try {
      fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify({ collections: { settings: {} } }));
      expect(readSchema(path.join(dir, 'schema.json'))?.indexExceptions).toBeUndefined();
      fs.writeFileSync(path.join(dir, 'index-exceptions.json'), JSON.stringify({ exceptions: [{ collection: 'settings', reason: 'tiny' }] }));
      expect(readSchema(path.join(dir, 'schema.json'))?.indexExceptions).toEqual([{ collection: 'settings', reason: 'tiny' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('database/schema.json indexes', () => {
  const schema = readSchema(path.join(REPO_ROOT, 'database/schema.json'))!;
  const collections = Object.entries(schema.collections);

  it("keeps within WeChat's 20 indexes per collection, with unique names", () => {
    for (const [name, { indexes = [] }] of collections) {
      expect(indexes.length, name).toBeLessThanOrEqual(20);
      expect(new Set(indexes.map((index) => index.name)).size, name).toBe(indexes.length);
    }
  });

  it('has no index another one makes redundant (its keys a prefix of the other, in the same or reversed directions)', () => {
    const redundant: string[] = [];
    for (const [name, { indexes = [] }] of collections) {
      for (const short of indexes) {
        if (short.unique) continue; // it enforces something, not only serves
        const keys = Object.entries(short.keys);
        const coveredBy = indexes.find((long) => {
          if (long === short) return false;
          const longKeys = Object.entries(long.keys);
          if (longKeys.length < keys.length) return false;
          const prefix = keys.every(([field], i) => longKeys[i]![0] === field);
          const same = keys.every(([, direction], i) => longKeys[i]![1] === direction);
          const reversed = keys.every(([, direction], i) => typeof direction === 'number' && longKeys[i]![1] === -direction);
          return prefix && (same || reversed);
        });
        if (coveredBy) redundant.push(`${name}.${short.name} (by ${coveredBy.name})`);
      }
    }
    expect(redundant).toEqual([]);
  });

  it('lists each accepted exception on a declared collection, with a reason and a shape as the local cloud prints it', () => {
    const exceptions = schema.indexExceptions ?? [];
    expect(exceptions.length).toBeGreaterThan(0);
    for (const exception of exceptions) {
      expect(Object.keys(schema.collections), exception.collection).toContain(exception.collection);
      expect(exception.reason.trim().length, exception.collection).toBeGreaterThan(10);
      if (exception.query !== undefined) expect(exception.query).toMatch(/^where \{.*\}( orderBy \{.*\})?$/);
    }
  });
});
