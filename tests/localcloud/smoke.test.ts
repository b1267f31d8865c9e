import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { callFunction, connectSdk, type Sdk, startTestCloud } from '../helpers/localcloud';

describe('local cloud smoke', () => {
  let cloud: LocalCloud;
  let sdk: Sdk;
  beforeAll(async () => {
    cloud = await startTestCloud({ schema: { collections: { orders: {} } } });
    sdk = connectSdk(cloud);
  });
  afterAll(() => cloud.close());

  it('adds and reads back a document with the real SDK', async () => {
    const db = sdk.database();
    const { _id } = await db.collection('orders').add({ data: { status: 'pending' } });
    const { data } = await db.collection('orders').doc(_id).get();
    expect(data).toEqual({ _id, status: 'pending' });
  });

  it('runs a function as the calling user', async () => {
    const reply = await callFunction(cloud, 'echo', { hello: '邻里' }, 'o-alice');
    expect(reply.status).toBe(200);
    expect(reply.body.errMsg).toBe('cloud.callFunction:ok');
    expect(reply.body.result).toMatchObject({ event: { hello: '邻里' }, wxContext: { OPENID: 'o-alice', SOURCE: 'wx_client' } });
  });
});
