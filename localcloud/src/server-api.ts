/**
 * The part of WeChat's server API (https://api.weixin.qq.com) that `npm run deploy` uses, answered
 * the way WeChat answers: an access token from `POST /cgi-bin/stable_token` (AppID + AppSecret), then
 * `POST /tcb/databasecollectionget`, `/tcb/databasecollectionadd` and `/tcb/updateindex` with
 * `?access_token=`. Replies are JSON with `errcode` and `errmsg` ("ok" or the English text of WeChat's
 * global error table followed by ` rid: …`), always HTTP 200, as WeChat does.
 *
 * Wire facts (developers.weixin.qq.com, getStableAccessToken and the cloud HTTP API pages):
 * - stable_token takes `{grant_type: "client_credential", appid, secret, force_refresh?}` and answers
 *   `{access_token, expires_in}`, expires_in at most 7200. Without force_refresh the same token comes
 *   back while it is valid (a new one in its last 5 minutes, the old one still working until it ends);
 *   force_refresh makes the previous token invalid at once.
 * - databasecollectionget `{env, limit = 10, offset = 0}` → `{collections: [{name, count, size,
 *   index_count, index_size}], pager: {Offset, Limit, Total}}`. index_count counts the `_id` index.
 * - databasecollectionadd `{env, collection_name}`; updateindex `{env, collection_name,
 *   create_indexes: [{name, unique, keys: [{name, direction: "1" | "-1" | "2dsphere"}]}],
 *   drop_indexes: [{name}]}`. Other failures carry the cloud database's error code (-502005 for a
 *   collection that does not exist, -502001 for a refused request), mapped as wx-server-sdk maps them.
 * There is no API that lists a collection's indexes; index_count is all WeChat tells.
 * - invokecloudfunction `?access_token=&env=&name=` with the event as the POST body → `{resp_data}`,
 *   the function's return value as JSON text. The function runs with SOURCE `wx_http` and no
 *   OPENID ("HTTP API 途径触发云函数不包含用户信息"). A function that fails answers with its cloud error
 *   code (-501000 not found, -504002 failed, …) and the error's text.
 */
import { randomBytes } from 'node:crypto';
import type { CollectionState, IndexSpec } from './db/collections';
import { encodeEjson } from './db/ejson';
import type { DatabaseEngine } from './db/engine';
import { CloudError } from './db/errors';

/** WeChat's global error codes used here, with their English text. */
export const WECHAT_ERRORS = {
  invalidCredential: [40001, 'invalid credential, access_token is invalid or not latest'],
  invalidGrantType: [40002, 'invalid grant_type'],
  invalidAppid: [40013, 'invalid appid'],
  invalidArgs: [40097, 'invalid args'],
  missingParameter: [40101, 'missing parameter'],
  invalidAppSecret: [40125, 'invalid appsecret'],
  accessTokenMissing: [41001, 'access_token missing'],
  appidMissing: [41002, 'appid missing'],
  appSecretMissing: [41004, 'appsecret missing'],
  accessTokenExpired: [42001, 'access_token expired'],
  requirePost: [43002, 'require POST method'],
  emptyPostData: [44002, 'empty post data'],
  dataFormatError: [47001, 'data format error'],
} as const satisfies Record<string, readonly [number, string]>;

/** The cloud database's codes by TCB error name, as wx-server-sdk's TCB_ERR_CODE maps them (unknown → -501001). */
const TCB_ERRCODES: Record<string, number> = {
  INVALIID_ENV: -501005,
  INVALID_PARAM: -501007,
  DATABASE_REQUEST_FAILED: -502001,
  DATABASE_COLLECTION_NOT_EXIST: -502005,
};
const TCB_SYSTEM_ERROR = -501001;

export const TOKEN_LIFETIME_SECONDS = 7200;
/** In its last 5 minutes a token is renewed by a normal call; the old one keeps working until it ends. */
const RENEW_BEFORE_SECONDS = 300;
const INDEX_DIRECTIONS = { '1': 1, '-1': -1, '2dsphere': '2dsphere' } as const;

/** How the server API runs a function (tcb/invokecloudfunction): the local cloud's runtime. */
export type ServerInvoke = (name: string, event: unknown) => Promise<{ ok: true; result: unknown } | { ok: false; errCode: number; message: string }>;

export interface ServerApiOptions {
  /** Runs a function for tcb/invokecloudfunction; without it that path answers 404. */
  invoke?: ServerInvoke;
  appid: string;
  appSecret: string;
  envName: string;
  engine: DatabaseEngine;
  /** The local cloud's clock, so tests can let tokens expire. */
  now: () => number;
}

export interface ServerApiReply {
  status: number;
  body: Record<string, unknown>;
}

type Json = Record<string, unknown>;

class WechatError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message);
  }
}

const fail = ([errcode, text]: readonly [number, string], detail?: string): WechatError =>
  new WechatError(errcode, detail ? `${text}: ${detail}` : text);

/** WeChat's request id suffix, e.g. `rid: 6650a1b2-1c2d3e4f-5a6b7c8d`. */
const rid = (): string => `rid: ${[4, 4, 4].map((n) => randomBytes(n).toString('hex')).join('-')}`;

export const SERVER_API_PATHS = ['/cgi-bin/stable_token', '/tcb/databasecollectionget', '/tcb/databasecollectionadd', '/tcb/updateindex', '/tcb/invokecloudfunction'] as const;

export function isServerApiPath(pathname: string): boolean {
  return pathname === '/cgi-bin/stable_token' || pathname.startsWith('/tcb/');
}

export class ServerApi {
  /** Valid tokens and when each ends (ms on the local cloud's clock). */
  private readonly tokens = new Map<string, number>();
  private current: string | null = null;

  constructor(private readonly options: ServerApiOptions) {}

  async answer(method: string, pathname: string, query: URLSearchParams, body: Buffer): Promise<ServerApiReply> {
    try {
      if (method !== 'POST') throw fail(WECHAT_ERRORS.requirePost);
      if (pathname === '/cgi-bin/stable_token') return ok(this.stableToken(parseBody(body)));
      this.checkToken(query.get('access_token'));
      if (pathname === '/tcb/invokecloudfunction' && this.options.invoke) return ok(await this.invokeFunction(query, body, this.options.invoke));
      const request = parseBody(body);
      if (pathname === '/tcb/databasecollectionget') return ok(this.collectionGet(request));
      if (pathname === '/tcb/databasecollectionadd') return ok(this.collectionAdd(request));
      if (pathname === '/tcb/updateindex') return ok(this.updateIndex(request));
      return { status: 404, body: { errcode: -1, errmsg: `the local cloud does not emulate ${pathname} ${rid()}` } };
    } catch (error) {
      if (error instanceof WechatError) return { status: 200, body: { errcode: error.errcode, errmsg: `${error.message} ${rid()}` } };
      if (error instanceof CloudError) {
        return { status: 200, body: { errcode: TCB_ERRCODES[error.code] ?? TCB_SYSTEM_ERROR, errmsg: `${error.message} ${rid()}` } };
      }
      throw error;
    }
  }

  private stableToken(request: Json): Json {
    if (request.grant_type !== 'client_credential') throw fail(WECHAT_ERRORS.invalidGrantType);
    if (typeof request.appid !== 'string' || request.appid === '') throw fail(WECHAT_ERRORS.appidMissing);
    if (request.appid !== this.options.appid) throw fail(WECHAT_ERRORS.invalidAppid);
    if (typeof request.secret !== 'string' || request.secret === '') throw fail(WECHAT_ERRORS.appSecretMissing);
    if (request.secret !== this.options.appSecret) throw fail(WECHAT_ERRORS.invalidAppSecret);
    const now = this.options.now();
    for (const [token, endsAt] of this.tokens) if (endsAt <= now) this.tokens.delete(token);
    const currentEndsAt = this.current ? this.tokens.get(this.current) : undefined;
    if (request.force_refresh === true) this.tokens.clear();
    else if (this.current && currentEndsAt !== undefined && currentEndsAt - now > RENEW_BEFORE_SECONDS * 1000) {
      return { access_token: this.current, expires_in: Math.floor((currentEndsAt - now) / 1000) };
    }
    this.current = `${randomBytes(48).toString('base64url')}`;
    this.tokens.set(this.current, now + TOKEN_LIFETIME_SECONDS * 1000);
    return { access_token: this.current, expires_in: TOKEN_LIFETIME_SECONDS };
  }

  private checkToken(token: string | null): void {
    if (!token) throw fail(WECHAT_ERRORS.accessTokenMissing);
    const endsAt = this.tokens.get(token);
    if (endsAt === undefined) throw fail(WECHAT_ERRORS.invalidCredential);
    if (endsAt <= this.options.now()) throw fail(WECHAT_ERRORS.accessTokenExpired);
  }

  private async invokeFunction(query: URLSearchParams, body: Buffer, invoke: ServerInvoke): Promise<Json> {
    this.checkEnv({ env: query.get('env') ?? '' });
    const name = query.get('name');
    if (!name) throw fail(WECHAT_ERRORS.missingParameter, 'name');
    if (body.length === 0) throw fail(WECHAT_ERRORS.emptyPostData);
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      throw fail(WECHAT_ERRORS.dataFormatError);
    }
    const outcome = await invoke(name, event);
    if (!outcome.ok) throw new WechatError(outcome.errCode, outcome.message);
    return { resp_data: JSON.stringify(outcome.result ?? null) };
  }

  private checkEnv(request: Json): void {
    if (typeof request.env !== 'string' || request.env === '') throw fail(WECHAT_ERRORS.missingParameter, 'env');
    if (request.env !== this.options.envName) throw new CloudError('INVALIID_ENV', `[ResourceNotFound] env not exists: ${request.env}`);
  }

  private collection(request: Json): CollectionState {
    const name = request.collection_name;
    if (typeof name !== 'string' || name === '') throw fail(WECHAT_ERRORS.missingParameter, 'collection_name');
    return this.options.engine.collections.require(name);
  }

  private collectionGet(request: Json): Json {
    this.checkEnv(request);
    const limit = optionalCount(request.limit, 'limit') ?? 10;
    const offset = optionalCount(request.offset, 'offset') ?? 0;
    const { collections } = this.options.engine;
    const names = collections.names();
    return {
      collections: names.slice(offset, offset + limit).map((name) => {
        const state = collections.require(name);
        return {
          name,
          count: state.entries.size,
          size: [...state.entries.values()].reduce((bytes, entry) => bytes + Buffer.byteLength(encodeEjson(entry.doc)), 0),
          index_count: state.indexes.length + 1,
          // The local cloud keeps no index structures whose size could be measured.
          index_size: 0,
        };
      }),
      pager: { Offset: offset, Limit: limit, Total: names.length },
    };
  }

  private collectionAdd(request: Json): Json {
    this.checkEnv(request);
    const name = request.collection_name;
    if (typeof name !== 'string' || name === '') throw fail(WECHAT_ERRORS.missingParameter, 'collection_name');
    this.options.engine.collections.create(name);
    return {};
  }

  /** Checks the whole request first (drops, then creates beside what remains), so a refused request changes nothing. */
  private updateIndex(request: Json): Json {
    this.checkEnv(request);
    const state = this.collection(request);
    const creates = listOf(request.create_indexes, 'create_indexes').map(indexSpecOf);
    const drops = [
      ...new Set(
        listOf(request.drop_indexes, 'drop_indexes').map((item) => {
          if (!isObject(item) || typeof item.name !== 'string' || item.name === '') throw fail(WECHAT_ERRORS.invalidArgs, 'drop_indexes[].name');
          return item.name;
        }),
      ),
    ];
    const { collections } = this.options.engine;
    for (const name of drops) collections.checkDropIndex(state, name);
    let planned = state.indexes.filter((index) => !drops.includes(index.name));
    for (const spec of creates) if (collections.checkIndex(state, spec, planned) === 'new') planned = [...planned, spec];
    for (const name of drops) collections.dropIndex(state, name);
    for (const spec of creates) collections.createIndex(state, spec);
    return {};
  }
}

function ok(data: Json): ServerApiReply {
  return { status: 200, body: { errcode: 0, errmsg: 'ok', ...data } };
}

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function parseBody(body: Buffer): Json {
  if (body.length === 0) throw fail(WECHAT_ERRORS.emptyPostData);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw fail(WECHAT_ERRORS.dataFormatError);
  }
  if (!isObject(parsed)) throw fail(WECHAT_ERRORS.dataFormatError);
  return parsed;
}

function optionalCount(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw fail(WECHAT_ERRORS.invalidArgs, field);
  return value;
}

function listOf(value: unknown, field: string): unknown[] {
  if (value === undefined) throw fail(WECHAT_ERRORS.missingParameter, field);
  if (!Array.isArray(value)) throw fail(WECHAT_ERRORS.invalidArgs, field);
  return value;
}

function indexSpecOf(item: unknown): IndexSpec {
  if (!isObject(item) || typeof item.name !== 'string' || item.name === '') throw fail(WECHAT_ERRORS.invalidArgs, 'create_indexes[].name');
  if (typeof item.unique !== 'boolean') throw fail(WECHAT_ERRORS.invalidArgs, 'create_indexes[].unique');
  if (!Array.isArray(item.keys) || item.keys.length === 0) throw fail(WECHAT_ERRORS.invalidArgs, 'create_indexes[].keys');
  const keys: IndexSpec['keys'] = {};
  for (const key of item.keys) {
    if (!isObject(key) || typeof key.name !== 'string' || key.name === '' || key.name in keys) throw fail(WECHAT_ERRORS.invalidArgs, 'create_indexes[].keys[].name');
    const direction = typeof key.direction === 'string' ? INDEX_DIRECTIONS[key.direction as keyof typeof INDEX_DIRECTIONS] : undefined;
    if (direction === undefined) throw fail(WECHAT_ERRORS.invalidArgs, 'create_indexes[].keys[].direction');
    keys[key.name] = direction;
  }
  return item.unique ? { name: item.name, keys, unique: true } : { name: item.name, keys };
}
