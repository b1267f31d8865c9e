/**
 * Runs cloud functions in worker threads, each invocation with the environment the real runtime
 * gives it, and keeps a log of recent invocations.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { discoverFunctions, type FunctionDefinition } from './registry';
import type { InvokeMessage, ResultMessage, WorkerMessage } from './worker';

/** The errors wx.cloud.callFunction reports, with the codes the platform uses. */
export const FUNCTION_ERRORS = {
  notFound: { errCode: -501000, httpStatus: 404, tcbCode: 'FUNCTIONS_REQUEST_FAIL' },
  executeFail: { errCode: -504002, httpStatus: 500, tcbCode: 'FUNCTIONS_EXECUTE_FAIL' },
  timeout: { errCode: -504003, httpStatus: 504, tcbCode: 'FUNCTIONS_EXECUTE_FAIL' },
  resultTooLarge: { errCode: -604001, httpStatus: 500, tcbCode: 'FUNCTIONS_EXECUTE_FAIL' },
} as const;
export type FunctionErrorKind = keyof typeof FUNCTION_ERRORS;

export const RESULT_LIMIT_BYTES = 1024 * 1024;
/** Limit for a cold start (worker boot + loading the module), which the function's timeout excludes. */
export const INIT_TIMEOUT_MS = 10_000;

/** Who is calling, as the platform would know it. */
export interface CallerIdentity {
  openid: string | null;
  appid: string;
  unionid?: string | null;
  clientIp?: string | null;
}

export interface InvokeRequest {
  name: string;
  event: unknown;
  identity: CallerIdentity;
  /** TCB_SOURCE: 'wx_client', 'wx_client,scf' for a nested call, 'wx_trigger' for a timer. */
  source: string;
  callerId?: string | null;
}

type Outcome = { ok: true; result: unknown } | { ok: false; kind: FunctionErrorKind; message: string };
export type InvokeOutcome = Outcome & { requestId: string };

export interface InvocationRecord {
  id: string;
  name: string;
  /** The `action` field of the event, when it has one (linli's functions are called with one). */
  action: string | null;
  source: string;
  openid: string | null;
  startedAt: string;
  durationMs: number | null;
  status: 'running' | 'ok' | 'error' | 'timeout';
  error?: string;
  callerId: string | null;
  logs: string[];
  /** Database requests this invocation made, by wire action (e.g. database.getDocument: 2). */
  database: Record<string, number>;
}

/** An invocation in flight, found by the API token its SDK sends back on every call. */
export interface ActiveInvocation {
  record: InvocationRecord;
  definition: FunctionDefinition;
  identity: CallerIdentity;
  source: string;
}

export interface RuntimeOptions {
  functionRoots: string[];
  envName: string;
  /** URL of this server's /admin endpoint, read when a worker starts. */
  adminUrl: () => string;
  workerScript: string;
  /** The virtual clock's offset, passed to each invocation. */
  clockOffsetMs?: () => number;
  maxWorkersPerFunction?: number;
  /** Echo function console output to this process's stdout/stderr. */
  echoLogs?: boolean;
  historySize?: number;
}

interface PooledWorker {
  worker: Worker;
  current: ActiveInvocation | null;
}

interface Pool {
  idle: PooledWorker[];
  busy: number;
  waiting: Array<() => void>;
}

const MAX_LOG_LINES = 200;

export class FunctionRuntime {
  private definitions = new Map<string, FunctionDefinition>();
  private readonly pools = new Map<string, Pool>();
  private readonly active = new Map<string, ActiveInvocation>();
  private readonly history: InvocationRecord[] = [];
  private readonly allWorkers = new Set<Worker>();
  private readonly maxWorkers: number;
  private closed = false;

  constructor(private readonly options: RuntimeOptions) {
    this.maxWorkers = options.maxWorkersPerFunction ?? 8;
    this.reload();
  }

  reload(): void {
    this.definitions = discoverFunctions(this.options.functionRoots);
  }

  list(): FunctionDefinition[] {
    return [...this.definitions.values()];
  }

  get(name: string): FunctionDefinition | undefined {
    return this.definitions.get(name);
  }

  byToken(token: string): ActiveInvocation | undefined {
    return this.active.get(token);
  }

  recent(limit = 50): InvocationRecord[] {
    return this.history.slice(-limit).reverse();
  }

  clearHistory(): void {
    this.history.length = 0;
  }

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    const requestId = randomUUID();
    const definition = this.definitions.get(request.name);
    if (!definition?.runnable) {
      return {
        ok: false,
        requestId,
        kind: 'notFound',
        message: `[ResourceNotFound.Function] FunctionName parameter could not be found. (${request.name})`,
      };
    }
    const record: InvocationRecord = {
      id: requestId,
      name: request.name,
      action: typeof (request.event as { action?: unknown } | null)?.action === 'string' ? (request.event as { action: string }).action : null,
      source: request.source,
      openid: request.identity.openid,
      startedAt: new Date().toISOString(),
      durationMs: null,
      status: 'running',
      callerId: request.callerId ?? null,
      logs: [],
      database: {},
    };
    this.history.push(record);
    if (this.history.length > (this.options.historySize ?? 500)) this.history.shift();
    const started = performance.now();
    const outcome = await this.run(definition, request, record);
    record.durationMs = Math.round(performance.now() - started);
    record.status = outcome.ok ? 'ok' : outcome.kind === 'timeout' ? 'timeout' : 'error';
    if (!outcome.ok) record.error = outcome.message;
    return { ...outcome, requestId };
  }

  private environmentFor(definition: FunctionDefinition, request: InvokeRequest, token: string): Record<string, string> {
    const { identity } = request;
    const env: Record<string, string> = {
      ...definition.envVariables,
      TCB_ENV: this.options.envName,
      SCF_NAMESPACE: this.options.envName,
      TCB_SOURCE: request.source,
      TRIGGER_SRC: request.source === 'wx_trigger' ? 'timer' : '',
      WX_API_TOKEN: token,
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_API_TOKEN',
      TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SOURCE,TRIGGER_SRC',
      WX_APPID: identity.appid,
    };
    if (identity.openid) env.WX_OPENID = identity.openid;
    if (identity.unionid) env.WX_UNIONID = identity.unionid;
    if (identity.clientIp) env.WX_CLIENTIP = identity.clientIp;
    return env;
  }

  private async run(
    definition: FunctionDefinition,
    request: InvokeRequest,
    record: InvocationRecord,
  ): Promise<Outcome> {
    const token = randomBytes(24).toString('hex');
    const active: ActiveInvocation = { record, definition, identity: request.identity, source: request.source };
    const pooled = await this.acquire(definition.name);
    pooled.current = active;
    this.active.set(token, active);
    const message: InvokeMessage = {
      type: 'invoke',
      entry: definition.entry,
      env: this.environmentFor(definition, request, token),
      event: JSON.stringify(request.event ?? {}),
      clockOffsetMs: this.options.clockOffsetMs?.() ?? 0,
      context: {
        request_id: record.id,
        function_name: definition.name,
        function_version: '$LATEST',
        namespace: this.options.envName,
        memory_limit_in_mb: 256,
        time_limit_in_ms: definition.timeoutMs,
      },
    };
    try {
      const reply = await new Promise<ResultMessage | 'timeout' | Error>((resolve) => {
        // Like SCF, initialisation has its own limit; the configured timeout starts once the module is loaded.
        let timer = setTimeout(() => finish('timeout'), INIT_TIMEOUT_MS + definition.timeoutMs);
        const onMessage = (result: WorkerMessage) => {
          if (result.type === 'result') finish(result);
          else if (result.type === 'started') {
            clearTimeout(timer);
            timer = setTimeout(() => finish('timeout'), definition.timeoutMs);
          }
        };
        const onError = (error: Error) => finish(error);
        const onExit = (code: number) => finish(new Error(`function process exited with code ${code}`));
        const finish = (value: ResultMessage | 'timeout' | Error) => {
          clearTimeout(timer);
          pooled.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
          resolve(value);
        };
        pooled.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
        pooled.worker.postMessage(message);
      });
      if (reply === 'timeout') {
        this.discard(definition.name, pooled);
        return { ok: false, kind: 'timeout', message: `Invoking task timed out after ${definition.timeoutMs / 1000} seconds` };
      }
      if (reply instanceof Error) {
        this.discard(definition.name, pooled);
        return { ok: false, kind: 'executeFail', message: reply.message };
      }
      this.release(definition.name, pooled);
      if (!reply.ok) return { ok: false, kind: 'executeFail', message: reply.message };
      if (reply.json !== undefined && Buffer.byteLength(reply.json) > RESULT_LIMIT_BYTES)
        return { ok: false, kind: 'resultTooLarge', message: 'cloudfunction result size exceed limit (1MB)' };
      return { ok: true, result: reply.json === undefined ? undefined : JSON.parse(reply.json) };
    } finally {
      this.active.delete(token);
      pooled.current = null;
    }
  }

  private pool(name: string): Pool {
    let pool = this.pools.get(name);
    if (!pool) {
      pool = { idle: [], busy: 0, waiting: [] };
      this.pools.set(name, pool);
    }
    return pool;
  }

  private async acquire(name: string): Promise<PooledWorker> {
    const pool = this.pool(name);
    while (pool.idle.length === 0 && pool.busy >= this.maxWorkers) {
      await new Promise<void>((resolve) => pool.waiting.push(resolve));
    }
    pool.busy += 1;
    return pool.idle.pop() ?? this.spawn();
  }

  private release(name: string, pooled: PooledWorker): void {
    const pool = this.pool(name);
    pool.busy -= 1;
    if (this.closed) void pooled.worker.terminate();
    else pool.idle.push(pooled);
    pool.waiting.shift()?.();
  }

  private discard(name: string, pooled: PooledWorker): void {
    const pool = this.pool(name);
    pool.busy -= 1;
    this.allWorkers.delete(pooled.worker);
    void pooled.worker.terminate();
    pool.waiting.shift()?.();
  }

  private spawn(): PooledWorker {
    const worker = new Worker(this.options.workerScript, {
      stdout: true,
      stderr: true,
      env: {
        ...process.env,
        TENCENTCLOUD_RUNENV: 'SCF',
        TENCENTCLOUD_SECRETID: 'local-secret-id',
        TENCENTCLOUD_SECRETKEY: 'local-secret-key',
        TENCENTCLOUD_REGION: 'ap-shanghai',
        TCB_CONTEXT_CNFG: JSON.stringify({ URL: this.options.adminUrl() }),
        SILENCE: 'true',
      },
    });
    const pooled: PooledWorker = { worker, current: null };
    const record = (chunk: string, echo: NodeJS.WriteStream) => {
      const logs = pooled.current?.record.logs;
      const name = pooled.current?.definition.name ?? 'function';
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        if (logs && logs.length < MAX_LOG_LINES) logs.push(line);
        if (this.options.echoLogs) echo.write(`[${name}] ${line}\n`);
      }
    };
    const capture = (stream: NodeJS.ReadableStream, echo: NodeJS.WriteStream) => {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => record(chunk, echo));
    };
    capture(worker.stdout, process.stdout);
    capture(worker.stderr, process.stderr);
    // The worker forwards its output as messages, in order with its result (see worker.ts).
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'log') record(message.text, message.stream === 'stderr' ? process.stderr : process.stdout);
    });
    worker.on('error', () => {}); // reported to the invocation that was running, if any
    worker.on('exit', () => this.allWorkers.delete(worker));
    worker.unref();
    this.allWorkers.add(worker);
    return pooled;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.allWorkers].map((worker) => worker.terminate()));
    this.allWorkers.clear();
    this.pools.clear();
  }
}
