/**
 * The local cloud: one HTTP server with the TCB wire endpoint (/admin) that the real wx-server-sdk
 * talks to, the client endpoint the mini-program and tests call (/client/*), a control API
 * (/__linli/api/*) and a web console (/).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EJSON } from 'bson';
import busboy from 'busboy';
import { Clock } from './clock';
import { DatabaseEngine, type SchemaConfig } from './db/engine';
import type { IndexAdviceMode } from './db/index-advisor';
import { CloudError } from './db/errors';
import { MemoryPersistence, SqlitePersistence } from './db/persistence';
import { type CallerIdentity, FUNCTION_ERRORS, FunctionRuntime, type InvokeOutcome } from './functions/runtime';
import { answerOpenApi } from './openapi/answer';
import { PhoneCodeState, type SubscribeMessageOutboxEntry, SubscriptionState } from './openapi/apis';
import { parseOpenApiRequest } from './openapi/wire';
import { TimerScheduler } from './scheduler';
import { isServerApiPath, ServerApi } from './server-api';
import { FileStorage, STORAGE_PATH_PREFIX } from './storage';
import { renderConsolePage } from './ui/console-page';
import { filterFromQuery, filterInvocations } from './ui/invocation-filter';

export const VERSION = '0.1.0';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_OUTBOX_SIZE = 1000;
/** Not a secret: the local cloud's stand-in, so `npm run deploy` can rehearse against `npm start`. */
export const DEFAULT_APP_SECRET = 'linli-local-appsecret';

export interface LocalCloudOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Folder for the SQLite database and stored files; null keeps everything in memory. */
  dataDir?: string | null;
  /** Folders holding `<name>/index.js` + `config.json`. */
  functionRoots?: string[];
  schema?: SchemaConfig;
  /** JSON lines (a .jsonl file, or a folder of them read in name order) imported when the database starts empty. */
  seed?: string;
  envName?: string;
  appid?: string;
  /** The AppSecret that `/cgi-bin/stable_token` accepts with `appid` (default DEFAULT_APP_SECRET). */
  appSecret?: string;
  workerScript?: string;
  sensitiveWords?: string[];
  /** Fire timer triggers in real time (tests advance the clock instead). */
  realTimeTimers?: boolean;
  echoFunctionLogs?: boolean;
  transactionTimeoutMs?: number;
  /** Instances of one function running at once (default 8). */
  maxWorkersPerFunction?: number;
  /** Instances alive at once over all functions (default 16); see RuntimeOptions.maxWorkers. */
  maxWorkers?: number;
  /** An instance idle this long retires (default 2 minutes). */
  workerIdleMs?: number;
  /** Invocation records kept (default 500). */
  invocationHistorySize?: number;
  /** Subscription messages kept in the outbox, newest (default 1000). */
  outboxSize?: number;
  /** Where the virtual clock starts (default: real time); it runs on from there. */
  startAt?: Date;
  /** Queries no declared index serves: `record` for the console (default), also `log`, or refuse (`strict`). */
  indexAdvice?: IndexAdviceMode;
}

/** A message a function sent, kept instead of delivered: the open API it called and which function called it. */
export type OutboxMessage = SubscribeMessageOutboxEntry & { api: string; from: string | null };

export interface LocalCloud {
  url: string;
  port: number;
  adminUrl: string;
  clientUrl: string;
  envName: string;
  engine: DatabaseEngine;
  runtime: FunctionRuntime;
  clock: Clock;
  scheduler: TimerScheduler;
  outbox: OutboxMessage[];
  subscriptions: SubscriptionState;
  storage: FileStorage;
  close(): Promise<void>;
}

/** The worker script is built next to the server bundle; from sources, use the built one. */
export function defaultWorkerScript(): string {
  const beside = path.join(__dirname, 'worker.js');
  if (fs.existsSync(beside)) return beside;
  return path.resolve(__dirname, '../../.build/localcloud/worker.js');
}

/** The lines of a seed: one .jsonl file, or every .jsonl file of a folder in name order. */
export function readSeedLines(seed: string): string[] {
  if (!fs.existsSync(seed)) return [];
  const files = fs.statSync(seed).isDirectory()
    ? fs.readdirSync(seed).filter((name) => name.endsWith('.jsonl')).sort().map((name) => path.join(seed, name))
    : [seed];
  return files.flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'request body must be a JSON object');
  }
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Appends `scf` to a caller's source, as the platform does along a call chain. */
function nestedSource(source: string): string {
  return source.endsWith(',scf') || source === 'scf' ? source : `${source},scf`;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const envName = options.envName ?? 'linli-local';
  const appid = options.appid ?? 'touristappid';
  const dataDir = options.dataDir ?? null;
  const clock = options.startAt ? Clock.startingAt(options.startAt) : new Clock();
  const persistence = dataDir ? new SqlitePersistence(dataDir) : new MemoryPersistence();
  const engine = new DatabaseEngine({
    persistence,
    schema: options.schema,
    now: () => clock.now(),
    transactionTimeoutMs: options.transactionTimeoutMs,
    indexAdvice: options.indexAdvice,
  });
  const isEmpty = engine.collections.names().every((name) => engine.collections.require(name).entries.size === 0);
  if (options.seed && isEmpty) engine.importLines(readSeedLines(options.seed));

  let baseUrl = '';
  const runtime = new FunctionRuntime({
    functionRoots: options.functionRoots ?? [],
    envName,
    adminUrl: () => `${baseUrl}/admin`,
    workerScript: options.workerScript ?? defaultWorkerScript(),
    clockOffsetMs: () => clock.offset,
    echoLogs: options.echoFunctionLogs ?? false,
    maxWorkersPerFunction: options.maxWorkersPerFunction,
    maxWorkers: options.maxWorkers,
    workerIdleMs: options.workerIdleMs,
    historySize: options.invocationHistorySize,
  });
  const storage = new FileStorage({ dir: dataDir ? path.join(dataDir, 'storage') : null, envName, baseUrl: () => baseUrl });
  const subscriptions = new SubscriptionState();
  const phoneCodes = new PhoneCodeState();
  /** Oldest first, the newest outboxSize messages (trimmed in place: callers hold this array). */
  const outbox: OutboxMessage[] = [];
  const outboxSize = options.outboxSize ?? DEFAULT_OUTBOX_SIZE;
  const sensitiveWords = options.sensitiveWords ?? [];
  const startedAt = new Date().toISOString();

  const invoke = (name: string, event: unknown, identity: CallerIdentity, source: string, callerId: string | null = null) =>
    runtime.invoke({ name, event, identity, source, callerId });
  const serverApi = new ServerApi({
    appid,
    appSecret: options.appSecret ?? DEFAULT_APP_SECRET,
    envName,
    engine,
    now: () => clock.now(),
    // The HTTP API carries no user: SOURCE wx_http, no OPENID.
    invoke: async (name, event) => {
      const outcome = await invoke(name, event, { openid: null, appid }, 'wx_http');
      return outcome.ok ? outcome : { ok: false, errCode: FUNCTION_ERRORS[outcome.kind].errCode, message: outcome.message };
    },
  });

  const scheduler = new TimerScheduler(
    clock,
    () => runtime.list(),
    async ({ definition, at }) => {
      await invoke(
        definition.name,
        { Type: 'Timer', TriggerName: definition.trigger?.name, Time: at.toISOString(), Message: '' },
        { openid: null, appid },
        'wx_trigger',
      );
    },
  );

  // ---- /admin: the TCB wire protocol ----------------------------------------------------------

  async function handleOpenApi(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const request = await parseOpenApiRequest(body, header(req, 'content-type') ?? '');
    const caller = runtime.byToken(request.wxCloudApiToken);
    const answer = answerOpenApi(request, caller?.definition.openapi ?? null, {
      sensitiveWords,
      subscriptions,
      phoneCodes,
      appid,
      now: new Date(clock.now()),
    });
    if (answer.outboxEntry) {
      outbox.push({ api: request.apiName, from: caller?.definition.name ?? null, ...answer.outboxEntry });
      if (outbox.length > outboxSize) outbox.splice(0, outbox.length - outboxSize);
    }
    res.writeHead(200, { 'content-type': answer.contentType });
    res.end(answer.body);
  }

  async function handleInvokeFunction(req: http.IncomingMessage, body: Record<string, unknown>) {
    const caller = typeof body.wxCloudApiToken === 'string' ? runtime.byToken(body.wxCloudApiToken) : undefined;
    const identity = caller?.identity ?? { openid: null, appid };
    const source = nestedSource(caller?.source ?? header(req, 'x-tcb-source')?.split(',')[0] ?? 'scf');
    let event: unknown = {};
    try {
      if (typeof body.request_data === 'string' && body.request_data !== '') event = JSON.parse(body.request_data);
    } catch {
      throw new CloudError('INVALID_PARAM', 'request_data must be JSON');
    }
    const outcome = await invoke(String(body.function_name ?? ''), event, identity, source, caller?.record.id ?? null);
    if (!outcome.ok) return { code: FUNCTION_ERRORS[outcome.kind].tcbCode, message: outcome.message, requestId: outcome.requestId };
    return { data: { response_data: JSON.stringify(outcome.result ?? null) }, requestId: outcome.requestId };
  }

  async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if ((header(req, 'content-type') ?? '').startsWith('multipart/form-data')) return handleOpenApi(req, res, raw);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new HttpError(400, 'body must be JSON');
    }
    const action = String(body.action ?? '');
    const requestId = randomUUID();
    try {
      if (action.startsWith('database.')) {
        const caller = typeof body.wxCloudApiToken === 'string' ? runtime.byToken(body.wxCloudApiToken) : undefined;
        if (caller) caller.record.database[action] = (caller.record.database[action] ?? 0) + 1;
        return sendJson(res, 200, { ...engine.execute(action, body, caller?.definition.name), requestId });
      }
      if (action === 'functions.invokeFunction') return sendJson(res, 200, await handleInvokeFunction(req, body));
      if (action.startsWith('storage.')) return sendJson(res, 200, await storage.handleAction(action, body));
      throw new CloudError('INVALID_PARAM', `the local cloud does not emulate action ${action || '(none)'}`);
    } catch (error) {
      if (!(error instanceof CloudError)) throw error;
      sendJson(res, 200, { code: error.code, message: error.message, requestId });
    }
  }

  // ---- /client: what wx.cloud does for the mini-program ---------------------------------------

  function clientIdentity(req: http.IncomingMessage): CallerIdentity {
    const openid = header(req, 'x-wx-openid');
    if (!openid) throw new HttpError(401, 'x-wx-openid header is required (the caller’s openid)');
    return {
      openid,
      appid: header(req, 'x-wx-appid') ?? appid,
      unionid: header(req, 'x-wx-unionid'),
      clientIp: req.socket.remoteAddress ?? null,
    };
  }

  function sendCallResult(res: http.ServerResponse, outcome: InvokeOutcome): void {
    if (outcome.ok) {
      sendJson(res, 200, { result: outcome.result, errMsg: 'cloud.callFunction:ok', requestID: outcome.requestId });
      return;
    }
    const { errCode, httpStatus } = FUNCTION_ERRORS[outcome.kind];
    sendJson(res, httpStatus, {
      errCode,
      errMsg: `cloud.callFunction:fail ${errCode} ${outcome.message}`,
      requestID: outcome.requestId,
    });
  }

  /** wx.cloud.uploadFile's local stand-in: multipart with a `cloudPath` field and a `file` part. */
  async function handleClientUpload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const fields: Record<string, string> = {};
    let file: Buffer | null = null;
    await new Promise<void>((resolve, reject) => {
      const parser = busboy({ headers: req.headers, limits: { fileSize: MAX_BODY_BYTES, files: 1 } });
      parser.on('field', (name, value) => {
        fields[name] = value;
      });
      parser.on('file', (_name, stream) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          file = Buffer.concat(chunks);
        });
      });
      parser.on('close', resolve);
      parser.on('error', reject);
      req.pipe(parser);
    });
    if (!fields.cloudPath || !file) throw new HttpError(400, 'cloudPath and file are required');
    try {
      const fileID = await storage.save(fields.cloudPath, file);
      sendJson(res, 200, { fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' });
    } catch (error) {
      throw new HttpError(400, `cloud.uploadFile:fail ${(error as Error).message}`);
    }
  }

  /** What an <image src="cloud://…"> shows: the stored file, by its fileID. */
  async function handleClientFile(res: http.ServerResponse, url: URL): Promise<void> {
    const cloudPath = storage.cloudPathOf(url.searchParams.get('fileID') ?? '');
    const data = cloudPath ? await storage.read(cloudPath) : null;
    if (!data) throw new HttpError(404, 'storage file not exists');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    res.end(data);
  }

  async function handleClient(req: http.IncomingMessage, res: http.ServerResponse, route: string): Promise<void> {
    const identity = clientIdentity(req);
    if (route === 'uploadFile') return handleClientUpload(req, res);
    const body = await readJson(req);
    if (route === 'callFunction') {
      if (typeof body.name !== 'string' || body.name === '') throw new HttpError(400, 'name is required');
      return sendCallResult(res, await invoke(body.name, body.data ?? {}, identity, 'wx_client'));
    }
    if (route === 'requestSubscribeMessage') {
      const ids = Array.isArray(body.tmplIds) ? body.tmplIds.filter((id): id is string => typeof id === 'string') : [];
      if (ids.length === 0) throw new HttpError(400, 'tmplIds is required');
      for (const id of ids) subscriptions.grant(identity.openid!, id);
      return sendJson(res, 200, { errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(ids.map((id) => [id, 'accept'])) });
    }
    if (route === 'phoneCode') {
      // What <button open-type="getPhoneNumber"> hands the page once the person picks a number.
      const phoneNumber = typeof body.phoneNumber === 'string' ? body.phoneNumber.trim() : '';
      const countryCode = body.countryCode === undefined ? '86' : String(body.countryCode);
      if (!/^\d{5,20}$/.test(phoneNumber)) throw new HttpError(400, 'phoneNumber is required (digits, without the country code)');
      if (!/^\d{1,4}$/.test(countryCode)) throw new HttpError(400, 'countryCode must be 1 to 4 digits');
      const code = phoneCodes.mint(identity.openid!, phoneNumber, countryCode, new Date(clock.now()));
      return sendJson(res, 200, { errMsg: 'getPhoneNumber:ok', code });
    }
    throw new HttpError(404, `unknown client API ${route}`);
  }

  // ---- /__linli/api: control ------------------------------------------------------------------

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, route: string, url: URL) {
    const method = req.method ?? 'GET';
    const parts = route.split('/').map(decodeURIComponent);
    if (method === 'GET' && route === 'status') {
      return sendJson(res, 200, {
        envName,
        version: VERSION,
        startedAt,
        storage: persistence.kind,
        dataDir,
        clock: clock.toJSON(),
        instances: runtime.instances(),
        memory: process.memoryUsage(),
        urls: { admin: `${baseUrl}/admin`, client: `${baseUrl}/client/callFunction`, console: `${baseUrl}/` },
      });
    }
    if (method === 'GET' && route === 'collections') {
      return sendJson(res, 200, {
        collections: engine.collections.names().map((name) => {
          const state = engine.collections.require(name);
          return { name, count: state.entries.size, indexes: state.indexes.map((i) => ({ ...i, unique: i.unique === true })) };
        }),
      });
    }
    if (method === 'GET' && parts[0] === 'collections' && parts[2] === 'documents' && parts.length === 3) {
      const state = engine.collections.get(parts[1]!);
      if (!state) throw new HttpError(404, `no collection ${parts[1]}`);
      const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
      const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
      const entries = [...state.entries.values()].slice(offset, offset + limit);
      return sendJson(res, 200, {
        total: state.entries.size,
        offset,
        limit,
        documents: entries.map((entry) => EJSON.serialize(entry.doc, { relaxed: true })),
      });
    }
    if (method === 'GET' && route === 'functions') {
      return sendJson(res, 200, {
        functions: runtime.list().map(({ name, timeoutMs, trigger, openapi, error }) => ({ name, timeoutMs, trigger, openapi, error })),
      });
    }
    if (method === 'POST' && parts[0] === 'functions' && parts[2] === 'invoke' && parts.length === 3) {
      const body = await readJson(req);
      const openid = typeof body.openid === 'string' && body.openid !== '' ? body.openid : null;
      return sendCallResult(res, await invoke(parts[1]!, body.data ?? {}, { openid, appid }, 'wx_client'));
    }
    if (method === 'POST' && route === 'functions/reload') {
      runtime.reload();
      return sendJson(res, 200, { functions: runtime.list().map((f) => f.name) });
    }
    if (method === 'GET' && route === 'invocations') {
      const limit = Math.min(500, Number(url.searchParams.get('limit') ?? 50) || 50);
      return sendJson(res, 200, filterInvocations(runtime.recent(Number.MAX_SAFE_INTEGER), filterFromQuery(url.searchParams), limit));
    }
    if (method === 'GET' && route === 'index-advice') return sendJson(res, 200, { mode: engine.indexAdvisor.mode, queries: engine.unservedQueries() });
    if (method === 'GET' && route === 'outbox') return sendJson(res, 200, { messages: [...outbox].reverse() });
    if (method === 'GET' && route === 'clock') return sendJson(res, 200, clock.toJSON());
    if (method === 'POST' && route === 'clock') {
      const body = await readJson(req);
      const advanceMs = Number(body.advanceMs);
      if (!Number.isFinite(advanceMs) || advanceMs < 0) throw new HttpError(400, 'advanceMs must be a non-negative number');
      const fired = await scheduler.advance(advanceMs);
      return sendJson(res, 200, { ...clock.toJSON(), fired: fired.map((f) => ({ name: f.definition.name, at: f.at.toISOString() })) });
    }
    if (method === 'POST' && route === 'reset') {
      engine.reset();
      outbox.length = 0;
      subscriptions.reset();
      phoneCodes.reset();
      storage.reset();
      runtime.clearHistory();
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'GET' && route === 'export') {
      res.writeHead(200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${envName}-export.jsonl"`,
      });
      for (const line of engine.exportLines()) res.write(`${line}\n`);
      return res.end();
    }
    if (method === 'POST' && route === 'import') {
      const text = (await readBody(req)).toString('utf8');
      return sendJson(res, 200, { ok: true, imported: engine.importLines(text.split('\n')) });
    }
    if (method === 'POST' && route === 'subscriptions') {
      const body = await readJson(req);
      if (typeof body.openid !== 'string' || typeof body.templateId !== 'string') throw new HttpError(400, 'openid and templateId are required');
      subscriptions.grant(body.openid, body.templateId, Number(body.count ?? 1) || 1);
      return sendJson(res, 200, { ok: true });
    }
    throw new HttpError(404, `unknown control API ${method} ${route}`);
  }

  // ---- routing --------------------------------------------------------------------------------

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const pathname = url.pathname;
    const route = async () => {
      if (req.method === 'POST' && pathname === '/admin') return handleAdmin(req, res);
      if (isServerApiPath(pathname)) {
        const reply = await serverApi.answer(req.method ?? 'GET', pathname, url.searchParams, await readBody(req));
        return sendJson(res, reply.status, reply.body);
      }
      if (req.method === 'POST' && pathname.startsWith('/client/')) return handleClient(req, res, pathname.slice('/client/'.length));
      if (req.method === 'GET' && pathname === '/client/file') return handleClientFile(res, url);
      if (pathname.startsWith('/__linli/api/')) return handleControl(req, res, pathname.slice('/__linli/api/'.length), url);
      if (pathname.startsWith(STORAGE_PATH_PREFIX) && (await storage.handleHttp(req, res))) return;
      if (req.method === 'GET' && (pathname === '/' || pathname === '/index.html')) {
        const html = renderConsolePage({ envName, version: VERSION });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(html);
      }
      throw new HttpError(404, `not found: ${req.method} ${pathname}`);
    };
    route().catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (status === 500) console.error('[localcloud]', error);
      if (!res.headersSent) sendJson(res, status, { errCode: -1, errMsg: message });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
  if (options.realTimeTimers) scheduler.start();

  return {
    url: baseUrl,
    port,
    adminUrl: `${baseUrl}/admin`,
    clientUrl: `${baseUrl}/client/callFunction`,
    envName,
    engine,
    runtime,
    clock,
    scheduler,
    outbox,
    subscriptions,
    storage,
    async close() {
      scheduler.stop();
      await runtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      engine.close();
    },
  };
}
