// @vitest-environment node
/**
 * Drives the real wx-server-sdk 4.0.2 against a minimal stand-in for the emulator's /admin endpoint
 * that answers `wx.openApi` with the local cloud's own answerOpenApi, recording what arrived on the
 * wire. The stand-in lets a test play any calling function (any API token and permission list).
 * The full path through the local cloud and real functions is in tests/conformance/functions.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerOpenApi } from '../../localcloud/src/openapi/answer';
import {
  OPENAPI_PLATFORM_ERRORS,
  decodeCommApiData,
  decodeCommOpenApiResp,
  encodeOpenApiBody,
  encodeOpenApiPlatformError,
  parseOpenApiRequest,
  type OpenApiRequest,
} from '../../localcloud/src/openapi/wire';
import {
  getPhoneNumber,
  MSG_SEC_RISKY_LABEL,
  PHONE_CODE_TTL_MS,
  PhoneCodeState,
  SubscriptionState,
  msgSecCheck,
  subscribeMessageSend,
  type SubscribeMessageOutboxEntry,
} from '../../localcloud/src/openapi/apis';

type Json = Record<string, unknown>;
interface WxCloud {
  init(opts: { env: string }): void;
  openapi: {
    security: { msgSecCheck(data: Json): Promise<Json>; imgSecCheck(data: Json): Promise<Json> };
    subscribeMessage: { send(data: Json): Promise<Json> };
    phonenumber: { getPhoneNumber(data: Json): Promise<Json> };
    wxacode: { getUnlimited(data: Json): Promise<Json> };
  };
}

const ENV = 'test-env';
const FULL_TOKEN = 'tok-full';
const LIMITED_TOKEN = 'tok-limited';
// Which APIs each calling function (identified by its token) declared in config.json.
const PERMISSIONS: Record<string, readonly string[]> = {
  [FULL_TOKEN]: ['security.msgSecCheck', 'subscribeMessage.send', 'phonenumber.getPhoneNumber', 'wxacode.getUnlimited'],
  [LIMITED_TOKEN]: ['security.msgSecCheck'],
};
const WORDS = ['BadWord', '违禁词'];

const subscriptions = new SubscriptionState();
const phoneCodes = new PhoneCodeState();
const APPID = 'wx-test-appid';
const outbox: SubscribeMessageOutboxEntry[] = [];
const received: OpenApiRequest[] = [];
let server: Server;
let cloud: WxCloud;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const contentType = req.headers['content-type'] ?? '';
      if (!req.url?.startsWith('/admin') || !contentType.startsWith('multipart/form-data')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'INVALID_PARAM', message: 'stand-in only serves wx.openApi', requestId: 'r' }));
        return;
      }
      const call = await parseOpenApiRequest(body, contentType);
      received.push(call);
      const reply = answerOpenApi(call, PERMISSIONS[call.wxCloudApiToken] ?? null, {
        sensitiveWords: WORDS,
        subscriptions,
        phoneCodes,
        appid: APPID,
        now: new Date('2024-05-01T08:00:00Z'),
      });
      if (reply.outboxEntry) outbox.push(reply.outboxEntry);
      res.writeHead(200, { 'content-type': reply.contentType });
      res.end(reply.body);
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(process.env, {
    TENCENTCLOUD_SECRETID: 'dummy-id',
    TENCENTCLOUD_SECRETKEY: 'dummy-key',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TCB_ENV: ENV,
    SCF_NAMESPACE: ENV,
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `http://127.0.0.1:${port}/admin` }),
    // node-sdk only forwards WX_API_TOKEN when it is listed in TCB_CONTEXT_KEYS (or WX_CONTEXT_KEYS).
    TCB_CONTEXT_KEYS: 'WX_API_TOKEN',
    WX_API_TOKEN: FULL_TOKEN,
  });
  cloud = createRequire(import.meta.url)('wx-server-sdk') as WxCloud;
  cloud.init({ env: ENV });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  subscriptions.reset();
  outbox.length = 0;
  received.length = 0;
  process.env.WX_API_TOKEN = FULL_TOKEN;
});

const lastCall = (): OpenApiRequest => {
  const call = received.at(-1);
  if (!call) throw new Error('no openapi request reached the server');
  return call;
};

describe('wx-server-sdk -> security.msgSecCheck', () => {
  it('passes clean content and reports what was sent on the wire', async () => {
    const res = await cloud.openapi.security.msgSecCheck({ version: 2, openid: 'o-user-1', scene: 2, content: '今天天气不错' });
    expect(res).toMatchObject({ errCode: 0, errMsg: 'openapi.security.msgSecCheck:ok', result: { suggest: 'pass', label: 100 } });
    expect(typeof res.traceId).toBe('string'); // trace_id converted to camelCase by the SDK
    expect(lastCall()).toMatchObject({
      action: 'wx.openApi',
      apiName: 'security.msgSecCheck',
      apiType: 0,
      envName: ENV,
      wxCloudApiToken: FULL_TOKEN,
      data: { version: 2, openid: 'o-user-1', scene: 2, content: '今天天气不错' },
    });
  });

  it('reports risky content without throwing', async () => {
    const res = await cloud.openapi.security.msgSecCheck({ version: 2, openid: 'o-user-1', scene: 2, content: 'this has a badword inside' });
    expect(res.errCode).toBe(0);
    expect(res.result).toEqual({ suggest: 'risky', label: MSG_SEC_RISKY_LABEL });
    expect(res.detail).toContainEqual(expect.objectContaining({ strategy: 'keyword', keyword: 'BadWord', suggest: 'risky' }));
  });

  it('surfaces a WeChat errcode in the body as a rejection with that errCode', async () => {
    await expect(cloud.openapi.security.msgSecCheck({ version: 2, openid: 'o-user-1', scene: 9, content: 'x' })).rejects.toMatchObject({
      errCode: 47001,
    });
  });
});

describe('wx-server-sdk -> phonenumber.getPhoneNumber', () => {
  const now = new Date('2024-05-01T08:00:00Z');

  it('exchanges a code for phone_info, which the SDK hands over camelCased', async () => {
    const code = phoneCodes.mint('o-user-1', '13800138000', '86', now);
    const res = await cloud.openapi.phonenumber.getPhoneNumber({ code, openid: 'o-user-1' });
    expect(lastCall().data).toEqual({ code, openid: 'o-user-1' });
    expect(res).toEqual({
      errCode: 0,
      errMsg: 'openapi.phonenumber.getPhoneNumber:ok',
      phoneInfo: { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86', watermark: { timestamp: now.getTime() / 1000, appid: APPID } },
    });
  });

  it('rejects a used, forged or someone else’s code with errCode 40029', async () => {
    const code = phoneCodes.mint('o-user-1', '13800138000', '86', now);
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code, openid: 'o-user-2' })).rejects.toMatchObject({ errCode: 40029 });
    await cloud.openapi.phonenumber.getPhoneNumber({ code, openid: 'o-user-1' });
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code, openid: 'o-user-1' })).rejects.toMatchObject({ errCode: 40029 });
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code: 'f'.repeat(64) })).rejects.toMatchObject({ errCode: 40029 });
  });

  it('rejects with -604101 when the calling function lacks the permission', async () => {
    process.env.WX_API_TOKEN = LIMITED_TOKEN;
    const code = phoneCodes.mint('o-user-1', '13800138000', '86', now);
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code })).rejects.toMatchObject({ errCode: -604101 });
  });
});

describe('getPhoneNumber semantics', () => {
  const t0 = new Date('2024-05-01T08:00:00Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  it('a code is good once, for five minutes, for the openid it was minted for', () => {
    const state = new PhoneCodeState();
    const code = state.mint('o1', '13800138000', '86', t0);
    expect(code).toMatch(/^[0-9a-f]{64}$/);
    expect(getPhoneNumber(state, { code, openid: 'o2' }, t0, APPID).errcode).toBe(40029);
    expect(getPhoneNumber(state, { code, openid: 'bad openid!' }, t0, APPID).errcode).toBe(40003);
    expect(getPhoneNumber(state, { code, openid: 'o1' }, later(PHONE_CODE_TTL_MS), APPID)).toMatchObject({ errcode: 0, phone_info: { purePhoneNumber: '13800138000' } });
    expect(getPhoneNumber(state, { code, openid: 'o1' }, later(PHONE_CODE_TTL_MS), APPID).errcode).toBe(40029);
    const stale = state.mint('o1', '13800138000', '86', t0);
    expect(getPhoneNumber(state, { code: stale }, later(PHONE_CODE_TTL_MS + 1), APPID)).toMatchObject({ errcode: 40029, errmsg: expect.stringMatching(/^invalid code/) });
    expect(getPhoneNumber(state, { code: 42 }, t0, APPID).errcode).toBe(40029);
  });

  it('a number abroad carries its country code; reset forgets every code', () => {
    const state = new PhoneCodeState();
    const code = state.mint('o1', '4155550100', '1', t0);
    expect(getPhoneNumber(state, { code }, t0, APPID)).toMatchObject({ phone_info: { phoneNumber: '+14155550100', purePhoneNumber: '4155550100', countryCode: '1' } });
    const forgotten = state.mint('o1', '13800138000', '86', t0);
    state.reset();
    expect(getPhoneNumber(state, { code: forgotten }, t0, APPID).errcode).toBe(40029);
  });
});

describe('wx-server-sdk -> subscribeMessage.send', () => {
  const message = {
    touser: 'o-user-1',
    templateId: 'TPL_REPAIR_DONE',
    page: 'pages/orders/detail?id=1',
    data: { thing1: { value: '水管维修' }, time2: { value: '2024年5月1日 16:00' } },
    miniprogramState: 'developer',
  };

  it('rejects with errCode 43101 when the user has no subscription quota', async () => {
    await expect(cloud.openapi.subscribeMessage.send(message)).rejects.toMatchObject({ errCode: 43101 });
    expect(outbox).toHaveLength(0);
    // The SDK converted camelCase to snake_case before encoding.
    expect(lastCall().data).toMatchObject({ template_id: 'TPL_REPAIR_DONE', miniprogram_state: 'developer' });
    expect(lastCall().data).not.toHaveProperty('templateId');
  });

  it('sends once per granted quota and records the message in the outbox', async () => {
    subscriptions.grant('o-user-1', 'TPL_REPAIR_DONE');
    const res = await cloud.openapi.subscribeMessage.send(message);
    expect(res).toMatchObject({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
    // An 18-digit msgid goes through json-bigint, so the SDK hands back a mangled BigNumber, as in production.
    expect(res.msgid).toMatchObject({ s: 1, e: 17 });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.msgid).toMatch(/^\d{18}$/);
    expect(outbox[0]).toMatchObject({
      touser: 'o-user-1',
      template_id: 'TPL_REPAIR_DONE',
      page: 'pages/orders/detail?id=1',
      miniprogram_state: 'developer',
      data: { thing1: { value: '水管维修' }, time2: { value: '2024年5月1日 16:00' } },
      sentAt: '2024-05-01T08:00:00.000Z',
    });
    expect(subscriptions.remaining('o-user-1', 'TPL_REPAIR_DONE')).toBe(0);
    // The single quota is used up.
    await expect(cloud.openapi.subscribeMessage.send(message)).rejects.toMatchObject({ errCode: 43101 });
    expect(outbox).toHaveLength(1);
  });

  it('rejects with -604101 when the calling function lacks the permission, without using quota', async () => {
    process.env.WX_API_TOKEN = LIMITED_TOKEN;
    subscriptions.grant('o-user-1', 'TPL_REPAIR_DONE');
    await expect(cloud.openapi.subscribeMessage.send(message)).rejects.toMatchObject({ errCode: -604101 });
    expect(lastCall().wxCloudApiToken).toBe(LIMITED_TOKEN);
    expect(subscriptions.remaining('o-user-1', 'TPL_REPAIR_DONE')).toBe(1);
    expect(outbox).toHaveLength(0);
  });

  it('rejects an API the emulator does not implement with -604100', async () => {
    await expect(cloud.openapi.wxacode.getUnlimited({ scene: 'a=1' })).rejects.toMatchObject({ errCode: -604100 });
    expect(lastCall().apiName).toBe('wxacode.getUnlimited');
  });

  it('decodes media parameters as raw bytes with their content type', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    await expect(cloud.openapi.security.imgSecCheck({ media: { contentType: 'image/png', value: png } })).rejects.toMatchObject({
      errCode: -604100,
    });
    // The SDK drops the content type on the wire (see wire.ts); it is recovered from the filename.
    expect(lastCall().data.media).toEqual({ contentType: 'image/png', filename: 'media.png', value: png });
  });
});

describe('wire helpers', () => {
  it('round-trips a JSON body through CommOpenApiResp', () => {
    const decoded = decodeCommOpenApiResp(encodeOpenApiBody({ errcode: 0, errmsg: 'ok', msgid: 7 }));
    expect(decoded.errorCode).toBe(0);
    expect(decoded.contentType).toMatch(/application\/json/);
    expect(JSON.parse(Buffer.from(decoded.respData).toString('utf8'))).toEqual({ errcode: 0, errmsg: 'ok', msgid: 7 });
  });

  it('writes bigint ids as bare JSON numbers with every digit', () => {
    const decoded = decodeCommOpenApiResp(encodeOpenApiBody({ errcode: 0, errmsg: 'ok', msgid: 294402298110051942n, note: 'n' }));
    expect(Buffer.from(decoded.respData).toString('utf8')).toBe('{"errcode":0,"errmsg":"ok","msgid":294402298110051942,"note":"n"}');
  });

  it('puts platform errors in errorCode and refuses 0', () => {
    const { body, contentType } = encodeOpenApiPlatformError(-604101);
    expect(contentType).not.toBe('application/json; charset=utf-8');
    expect(decodeCommOpenApiResp(body).errorCode).toBe(-604101);
    expect(() => encodeOpenApiPlatformError(0)).toThrow(RangeError);
  });

  it('rejects a requestData part that is not protobuf', () => {
    expect(() => decodeCommApiData(Buffer.from([0x12, 0xff]))).toThrow(/CommApiData/);
  });
});

describe('msgSecCheck semantics', () => {
  it('validates parameters with WeChat error codes', () => {
    expect(msgSecCheck(WORDS, { version: 2, openid: 'o1', scene: 1 }).errcode).toBe(47001);
    expect(msgSecCheck(WORDS, { version: 2, scene: 1, content: 'x' }).errcode).toBe(47001);
    expect(msgSecCheck(WORDS, { version: 2, openid: 'not an openid!', scene: 1, content: 'x' }).errcode).toBe(40003);
    expect(msgSecCheck(WORDS, { version: 2, openid: 'o1', scene: 0, content: 'x' }).errcode).toBe(47001);
    expect(msgSecCheck(WORDS, { version: 3, openid: 'o1', scene: 1, content: 'x' }).errcode).toBe(47001);
  });

  it('matches words case-insensitively, also in the nickname, and ignores empty words', () => {
    expect(msgSecCheck(['', '  '], { version: 2, openid: 'o1', scene: 1, content: 'anything' })).toMatchObject({ result: { suggest: 'pass' } });
    expect(msgSecCheck(WORDS, { version: 2, openid: 'o1', scene: 1, content: 'hi', nickname: '含违禁词的昵称' })).toMatchObject({
      errcode: 0,
      result: { suggest: 'risky' },
    });
  });

  it('keeps the legacy v1 behaviour of failing with 87014', () => {
    expect(msgSecCheck(WORDS, { content: 'BADWORD' }).errcode).toBe(87014);
    expect(msgSecCheck(WORDS, { content: 'fine' })).toEqual({ errcode: 0, errmsg: 'ok' });
  });
});

describe('subscribeMessageSend semantics', () => {
  const now = new Date('2024-01-02T03:04:05Z');
  const base = { touser: 'o1', template_id: 'T', data: { thing1: { value: 'ok' } } };

  it('validates before consuming quota', () => {
    const state = new SubscriptionState();
    state.grant('o1', 'T');
    expect(subscribeMessageSend(state, { ...base, touser: '' }, now).body.errcode).toBe(40003);
    expect(subscribeMessageSend(state, { ...base, template_id: '' }, now).body.errcode).toBe(40037);
    expect(subscribeMessageSend(state, { ...base, data: { thing1: 'x' } }, now).body.errcode).toBe(47003);
    expect(subscribeMessageSend(state, { ...base, data: { thing1: { value: '这是一段超过二十个字的事物描述文字内容过长了' } } }, now).body.errcode).toBe(47003);
    expect(subscribeMessageSend(state, { ...base, data: { phrase3: { value: 'done' } } }, now).body.errcode).toBe(47003);
    expect(subscribeMessageSend(state, { ...base, miniprogram_state: 'beta' }, now).body.errcode).toBe(47003);
    expect(state.remaining('o1', 'T')).toBe(1);
  });

  it('counts quota per (openid, template) and issues distinct msgids', () => {
    const state = new SubscriptionState();
    state.grant('o1', 'T', 2);
    const a = subscribeMessageSend(state, base, now);
    const b = subscribeMessageSend(state, base, now);
    expect(a.body.errcode).toBe(0);
    expect(b.body.errcode).toBe(0);
    expect(typeof a.body.msgid).toBe('bigint');
    expect(a.body.msgid).not.toBe(b.body.msgid);
    expect(a.outboxEntry?.msgid).toBe(String(a.body.msgid));
    expect(a.outboxEntry).toMatchObject({ touser: 'o1', template_id: 'T', miniprogram_state: 'formal', lang: 'zh_CN', sentAt: now.toISOString() });
    expect(subscribeMessageSend(state, base, now).body).toEqual({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
    state.grant('o1', 'OTHER');
    expect(state.consume('o1', 'T')).toBe(false);
    expect(state.entries()).toEqual([{ openid: 'o1', templateId: 'OTHER', count: 1 }]);
    state.reset();
    expect(state.entries()).toEqual([]);
    expect(() => state.grant('o1', 'T', 0)).toThrow(RangeError);
  });
});
