/**
 * A client of WeChat's server API for the database part of a deploy. Wire formats
 * (developers.weixin.qq.com → 服务端 API → 接口调用凭证 / 云开发 → 数据库):
 * - POST /cgi-bin/stable_token {grant_type: "client_credential", appid, secret} → {access_token, expires_in}
 * - POST /tcb/databasecollectionget?access_token= {env, limit, offset}
 *     → {collections: [{name, count, size, index_count, index_size}], pager: {Offset, Limit, Total}}
 * - POST /tcb/databasecollectionadd?access_token= {env, collection_name}
 * - POST /tcb/invokecloudfunction?access_token=&env=&name= with the event as the body → {resp_data}
 * - POST /tcb/updateindex?access_token= {env, collection_name,
 *     create_indexes: [{name, unique, keys: [{name, direction: "1" | "-1" | "2dsphere"}]}], drop_indexes: [{name}]}
 * Every reply carries errcode (0 = ok) and errmsg; failures are HTTP 200 too.
 */
import type { IndexSpec } from '../../localcloud/src/db/collections';

export interface RemoteCollection {
  name: string;
  count: number;
  /** Indexes including the one on `_id`. */
  indexCount: number;
}

/** What to do about WeChat's error codes the deploy is likely to meet. */
const HINTS: Record<number, string> = {
  40001: 'AppSecret 错误，或 access_token 已失效',
  40013: 'AppID 不对',
  40125: 'AppSecret 不对（微信公众平台 → 开发管理 → 开发设置 → 开发者密码，重置后旧的立即失效）',
  40164: '本机公网 IP 不在“API IP 白名单”里：微信公众平台 → 开发管理 → 开发设置 → 开发者 ID → IP 白名单，加入本机公网 IP',
  41002: '缺少 AppID',
  41004: '缺少 AppSecret',
  85088: '这个小程序还没有开通云开发：在开发者工具中点“云开发”开通并创建环境',
  [-501005]: '云开发环境 ID 不对（云开发控制台 → 设置 → 环境 ID）',
  [-502005]: '集合不存在',
};

export class WechatApiError extends Error {
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    const hint = HINTS[errcode];
    super(`${api} 失败：errcode ${errcode}，${errmsg}${hint ? `（${hint}）` : ''}`);
    this.name = 'WechatApiError';
  }
}

/** Token errors after which one fresh token is worth a retry. */
const STALE_TOKEN = new Set([40001, 40014, 42001]);

export interface WechatServerApiOptions {
  baseUrl: string;
  appid: string;
  appSecret: string;
  /** Injected in tests to count or fail requests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Called with every token received, so the logger can keep it out of any output. */
  onToken?: (token: string) => void;
}

type Reply = Record<string, unknown> & { errcode?: number; errmsg?: string };

export class WechatServerApi {
  private token: string | null = null;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: WechatServerApiOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** POSTs JSON; the URL given to errors never holds the token. */
  private async post(pathname: string, body: unknown, token?: string, query: Record<string, string> = {}): Promise<Reply> {
    const params = new URLSearchParams(query);
    if (token) params.set('access_token', token);
    const url = `${this.options.baseUrl}${pathname}${params.size > 0 ? `?${params}` : ''}`;
    let response: Response;
    try {
      response = await this.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`无法连接 ${this.options.baseUrl}${pathname}：${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as Reply;
    } catch {
      throw new Error(`${this.options.baseUrl}${pathname} 的回复不是 JSON（HTTP ${response.status}）：${text.slice(0, 200)}`);
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const reply = await this.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: this.options.appid, secret: this.options.appSecret });
    if (typeof reply.access_token !== 'string') throw new WechatApiError('获取接口调用凭证（stable_token）', reply.errcode ?? -1, reply.errmsg ?? '没有 access_token');
    this.options.onToken?.(reply.access_token);
    this.token = reply.access_token;
    return this.token;
  }

  /** Calls a tcb API; a stale token is replaced once. */
  private async call(api: string, pathname: string, body: unknown, query: Record<string, string> = {}): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.post(pathname, body, await this.accessToken(), query);
      const errcode = reply.errcode ?? 0;
      if (errcode === 0) return reply;
      if (attempt === 0 && STALE_TOKEN.has(errcode)) {
        this.token = null;
        continue;
      }
      throw new WechatApiError(api, errcode, reply.errmsg ?? '');
    }
  }

  /** Gets the token now, so bad credentials fail before anything else happens. */
  async checkCredentials(): Promise<void> {
    await this.accessToken();
  }

  async listCollections(env: string): Promise<RemoteCollection[]> {
    const pageSize = 100;
    const collections: RemoteCollection[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const reply = await this.call('获取集合信息（databasecollectionget）', '/tcb/databasecollectionget', { env, limit: pageSize, offset });
      const page = (reply.collections ?? []) as Array<{ name: string; count?: number; index_count?: number }>;
      collections.push(...page.map((c) => ({ name: c.name, count: c.count ?? 0, indexCount: c.index_count ?? 0 })));
      const total = (reply.pager as { Total?: number } | undefined)?.Total ?? collections.length;
      if (page.length === 0 || collections.length >= total) return collections;
    }
  }

  /** Runs a cloud function with `event` (SOURCE wx_http, no user) and returns what it returned. */
  async invokeFunction(env: string, name: string, event: unknown): Promise<unknown> {
    const reply = await this.call(`调用云函数 ${name}（invokecloudfunction）`, '/tcb/invokecloudfunction', event, { env, name });
    return typeof reply.resp_data === 'string' ? (JSON.parse(reply.resp_data) as unknown) : null;
  }

  async addCollection(env: string, name: string): Promise<void> {
    await this.call(`新增集合 ${name}（databasecollectionadd）`, '/tcb/databasecollectionadd', { env, collection_name: name });
  }

  /** Creates indexes (an identical existing one is left as it is); drops only what is named. */
  async updateIndex(env: string, collection: string, create: readonly IndexSpec[], drop: readonly string[] = []): Promise<void> {
    await this.call(`变更 ${collection} 的索引（updateindex）`, '/tcb/updateindex', {
      env,
      collection_name: collection,
      create_indexes: create.map((index) => ({
        name: index.name,
        unique: index.unique === true,
        keys: Object.entries(index.keys).map(([name, direction]) => ({ name, direction: String(direction) })),
      })),
      drop_indexes: drop.map((name) => ({ name })),
    });
  }
}
