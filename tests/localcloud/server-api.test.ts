// @vitest-environment node
/**
 * The local cloud answers the server API calls `npm run deploy` makes (stable_token,
 * databasecollectionget/add, updateindex) as WeChat does: JSON with errcode/errmsg (`… rid: …`),
 * the access-token rules, and MongoDB's createIndexes rules for indexes. Indexes created this way
 * survive a restart of a cloud that keeps its data on disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { TOKEN_LIFETIME_SECONDS } from '../../localcloud/src/server-api';
import { startTestCloud } from '../helpers/localcloud';

const APPID = 'wx1234567890abcdef';
const SECRET = '0123456789abcdef0123456789abcdef';
const ENV = 'linli-api-test';

type Json = Record<string, unknown>;

async function post(cloud: LocalCloud, pathname: string, body: unknown, token?: string): Promise<Json> {
  const response = await fetch(`${cloud.url}${pathname}${token === undefined ? '' : `?access_token=${token}`}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

const tokenOf = async (cloud: LocalCloud, extra: Json = {}): Promise<string> => {
  const reply = await post(cloud, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: APPID, secret: SECRET, ...extra });
  expect(reply).toMatchObject({ expires_in: expect.any(Number) });
  return reply.access_token as string;
};

/** errcode and errmsg with the request id WeChat appends. */
const wechatError = (errcode: number, text: string) => ({ errcode, errmsg: expect.stringMatching(new RegExp(`^${text.replace(/[[\]().]/g, '\\$&')}.* rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`)) });

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ appid: APPID, appSecret: SECRET, envName: ENV });
});

afterAll(async () => {
  await cloud?.close();
});

describe('stable_token', () => {
  it('refuses what WeChat refuses, with its codes', async () => {
    const base = { grant_type: 'client_credential', appid: APPID, secret: SECRET };
    expect(await post(cloud, '/cgi-bin/stable_token', { ...base, grant_type: 'password' })).toEqual(wechatError(40002, 'invalid grant_type'));
    expect(await post(cloud, '/cgi-bin/stable_token', { ...base, appid: undefined })).toEqual(wechatError(41002, 'appid missing'));
    expect(await post(cloud, '/cgi-bin/stable_token', { ...base, appid: 'wx0000000000000000' })).toEqual(wechatError(40013, 'invalid appid'));
    expect(await post(cloud, '/cgi-bin/stable_token', { ...base, secret: '' })).toEqual(wechatError(41004, 'appsecret missing'));
    expect(await post(cloud, '/cgi-bin/stable_token', { ...base, secret: 'f'.repeat(32) })).toEqual(wechatError(40125, 'invalid appsecret'));
    expect(await post(cloud, '/cgi-bin/stable_token', 'not json')).toEqual(wechatError(47001, 'data format error'));
    expect(await post(cloud, '/cgi-bin/stable_token', '')).toEqual(wechatError(44002, 'empty post data'));
    const get = await fetch(`${cloud.url}/cgi-bin/stable_token`);
    expect(await get.json()).toEqual(wechatError(43002, 'require POST method'));
  });

  it('gives the same token while it is valid; force_refresh replaces it and the old one stops working', async () => {
    const first = await tokenOf(cloud);
    expect(await tokenOf(cloud)).toBe(first);
    expect((await post(cloud, '/tcb/databasecollectionget', { env: ENV }, first)).errcode).toBe(0);
    const refreshed = await tokenOf(cloud, { force_refresh: true });
    expect(refreshed).not.toBe(first);
    expect(await post(cloud, '/tcb/databasecollectionget', { env: ENV }, first)).toEqual(
      wechatError(40001, 'invalid credential, access_token is invalid or not latest'),
    );
    expect((await post(cloud, '/tcb/databasecollectionget', { env: ENV }, refreshed)).errcode).toBe(0);
  });

  it('a token expires after 7200 s; in its last 5 minutes a normal call already hands out the next one', async () => {
    const token = await tokenOf(cloud, { force_refresh: true });
    cloud.clock.advance((TOKEN_LIFETIME_SECONDS - 200) * 1000);
    const next = await tokenOf(cloud);
    expect(next).not.toBe(token);
    // The old token still works until its own end.
    expect((await post(cloud, '/tcb/databasecollectionget', { env: ENV }, token)).errcode).toBe(0);
    cloud.clock.advance(201 * 1000);
    expect(await post(cloud, '/tcb/databasecollectionget', { env: ENV }, token)).toEqual(wechatError(42001, 'access_token expired'));
    expect((await post(cloud, '/tcb/databasecollectionget', { env: ENV }, next)).errcode).toBe(0);
  });
});

describe('tcb database APIs', () => {
  let token = '';
  beforeAll(async () => {
    token = await tokenOf(cloud, { force_refresh: true });
  });

  it('need a valid token, a JSON body and the right env', async () => {
    expect(await post(cloud, '/tcb/databasecollectionget', { env: ENV })).toEqual(wechatError(41001, 'access_token missing'));
    expect(await post(cloud, '/tcb/databasecollectionget', { env: ENV }, 'not-a-token')).toEqual(
      wechatError(40001, 'invalid credential, access_token is invalid or not latest'),
    );
    expect(await post(cloud, '/tcb/databasecollectionget', '', token)).toEqual(wechatError(44002, 'empty post data'));
    expect(await post(cloud, '/tcb/databasecollectionget', '{', token)).toEqual(wechatError(47001, 'data format error'));
    expect(await post(cloud, '/tcb/databasecollectionget', {}, token)).toEqual(wechatError(40101, 'missing parameter'));
    expect(await post(cloud, '/tcb/databasecollectionadd', { env: 'other-env', collection_name: 'x' }, token)).toEqual(wechatError(-501005, '[ResourceNotFound] env not exists'));
    expect(cloud.engine.collections.get('x')).toBeUndefined();
  });

  it('adds collections, refuses one that exists, and lists them by page with the _id index counted', async () => {
    for (const name of ['alpha', 'beta', 'gamma']) expect(await post(cloud, '/tcb/databasecollectionadd', { env: ENV, collection_name: name }, token)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await post(cloud, '/tcb/databasecollectionadd', { env: ENV, collection_name: 'alpha' }, token)).toEqual(wechatError(-501001, '[ResourceInUse] Table exist'));
    cloud.engine.execute('database.insertDocument', { collectionName: 'beta', data: ['{"_id":"b1","size":"S"}'] });
    const page = await post(cloud, '/tcb/databasecollectionget', { env: ENV, limit: 2, offset: 1 }, token);
    expect(page).toMatchObject({ errcode: 0, errmsg: 'ok', pager: { Offset: 1, Limit: 2, Total: 3 } });
    expect(page.collections).toEqual([
      { name: 'beta', count: 1, size: expect.any(Number), index_count: 1, index_size: 0 },
      { name: 'gamma', count: 0, size: 0, index_count: 1, index_size: 0 },
    ]);
    expect(((page.collections as Json[])[0]!.size as number) > 0).toBe(true);
    const firstPage = await post(cloud, '/tcb/databasecollectionget', { env: ENV }, token);
    expect((firstPage.collections as Json[]).map((c) => c.name)).toEqual(['alpha', 'beta', 'gamma']);
    expect(firstPage.pager).toEqual({ Offset: 0, Limit: 10, Total: 3 });
  });

  it('creates indexes; the same one again changes nothing; conflicts, unknown names and _id_ are refused', async () => {
    const byName = { name: 'by_name', unique: false, keys: [{ name: 'name', direction: '1' }] };
    const update = (body: Json) => post(cloud, '/tcb/updateindex', { env: ENV, collection_name: 'alpha', create_indexes: [], drop_indexes: [], ...body }, token);
    expect(await update({ create_indexes: [byName, { name: 'place', unique: false, keys: [{ name: 'location', direction: '2dsphere' }] }] })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await update({ create_indexes: [byName] })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(cloud.engine.collections.require('alpha').indexes).toEqual([
      { name: 'by_name', keys: { name: 1 } },
      { name: 'place', keys: { location: '2dsphere' } },
    ]);
    expect(await update({ create_indexes: [{ ...byName, keys: [{ name: 'name', direction: '-1' }] }] })).toEqual(wechatError(-502001, '[IndexKeySpecsConflict]'));
    expect(await update({ create_indexes: [{ ...byName, name: 'name_again' }] })).toEqual(wechatError(-502001, '[IndexOptionsConflict] Index already exists with a different name: by_name'));
    expect(await update({ drop_indexes: [{ name: 'nope' }] })).toEqual(wechatError(-502001, '[IndexNotFound] index not found with name [nope]'));
    expect(await update({ drop_indexes: [{ name: '_id_' }] })).toEqual(wechatError(-501007, 'cannot drop _id index'));
    expect(await update({ create_indexes: [{ name: 'bad', unique: false, keys: [{ name: 'x', direction: 'up' }] }] })).toEqual(wechatError(40097, 'invalid args'));
    expect(await update({ create_indexes: undefined })).toEqual(wechatError(40101, 'missing parameter'));
    expect(await post(cloud, '/tcb/updateindex', { env: ENV, collection_name: 'missing', create_indexes: [], drop_indexes: [] }, token)).toEqual(
      wechatError(-502005, '[ResourceNotFound] Db or Table not exist'),
    );
    const listed = await post(cloud, '/tcb/databasecollectionget', { env: ENV }, token);
    expect((listed.collections as Json[]).find((c) => c.name === 'alpha')).toMatchObject({ index_count: 3 });
  });

  it('a unique index over repeated keys is refused, and a refused request changes nothing', async () => {
    cloud.engine.execute('database.insertDocument', { collectionName: 'gamma', data: ['{"_id":"g1","code":"A"}', '{"_id":"g2","code":"A"}'] });
    await post(cloud, '/tcb/updateindex', { env: ENV, collection_name: 'gamma', create_indexes: [{ name: 'by_id2', unique: false, keys: [{ name: 'other', direction: '1' }] }], drop_indexes: [] }, token);
    const reply = await post(
      cloud,
      '/tcb/updateindex',
      {
        env: ENV,
        collection_name: 'gamma',
        create_indexes: [
          { name: 'fine', unique: false, keys: [{ name: 'size', direction: '1' }] },
          { name: 'code_unique', unique: true, keys: [{ name: 'code', direction: '1' }] },
        ],
        drop_indexes: [{ name: 'by_id2' }],
      },
      token,
    );
    expect(reply).toEqual(wechatError(-502001, 'E11000 duplicate key error collection: gamma index: code_unique'));
    expect(cloud.engine.collections.require('gamma').indexes.map((index) => index.name)).toEqual(['by_id2']);
    // Once the repeat is gone, the unique index holds from then on.
    cloud.engine.execute('database.removeDocument', { collectionName: 'gamma', queryType: 'DOC', query: '{"_id":"g2"}', multi: false });
    expect((await post(cloud, '/tcb/updateindex', { env: ENV, collection_name: 'gamma', create_indexes: [{ name: 'code_unique', unique: true, keys: [{ name: 'code', direction: '1' }] }], drop_indexes: [] }, token)).errcode).toBe(0);
    expect(() => cloud.engine.execute('database.insertDocument', { collectionName: 'gamma', data: ['{"_id":"g3","code":"A"}'] })).toThrow(/E11000/);
  });

  it('an unknown server API path says the local cloud does not emulate it', async () => {
    const response = await fetch(`${cloud.url}/tcb/databasemigrateexport?access_token=${token}`, { method: 'POST', body: JSON.stringify({ env: ENV }) });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errcode: -1, errmsg: expect.stringContaining('does not emulate /tcb/databasemigrateexport') });
  });
});

describe('indexes created through the server API on a cloud with a data folder', () => {
  it('are there again after a restart, beside the schema’s', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-server-api-'));
    const schema = { collections: { places: { indexes: [{ name: 'by_city', keys: { city: 1 as const } }] } } };
    try {
      const first = await startTestCloud({ appid: APPID, appSecret: SECRET, envName: ENV, dataDir, schema });
      const token = await tokenOf(first);
      await post(first, '/tcb/databasecollectionadd', { env: ENV, collection_name: 'notes' }, token);
      await post(first, '/tcb/updateindex', { env: ENV, collection_name: 'notes', create_indexes: [{ name: 'by_day', unique: true, keys: [{ name: 'day', direction: '-1' }] }], drop_indexes: [] }, token);
      await post(first, '/tcb/updateindex', { env: ENV, collection_name: 'places', create_indexes: [{ name: 'by_zip', unique: false, keys: [{ name: 'zip', direction: '1' }] }], drop_indexes: [] }, token);
      await first.close();
      const second = await startTestCloud({ appid: APPID, appSecret: SECRET, envName: ENV, dataDir, schema });
      try {
        expect(second.engine.collections.require('notes').indexes).toEqual([{ name: 'by_day', keys: { day: -1 }, unique: true }]);
        expect(second.engine.collections.require('places').indexes).toEqual([{ name: 'by_city', keys: { city: 1 } }, { name: 'by_zip', keys: { zip: 1 } }]);
        second.engine.execute('database.insertDocument', { collectionName: 'notes', data: ['{"_id":"n1","day":1}'] });
        expect(() => second.engine.execute('database.insertDocument', { collectionName: 'notes', data: ['{"_id":"n2","day":1}'] })).toThrow(/E11000/);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
