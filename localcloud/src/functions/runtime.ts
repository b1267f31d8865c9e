/**
 * Runs cloud functions in worker threads, each invocation with the environment the real runtime
 * gives it, and keeps a log of recent invocations.
 *
 * Memory stays bounded: at most `maxWorkers` instances live at once over all functions (each some
 * 25–35 MB with linli's functions), an instance idle for `workerIdleMs` retires, and the invocation log keeps the newest
 * `historySize` records, each with at most MAX_LOG_LINES lines and MAX_LOG_CHARS characters of output.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
// Node's own timers: tests in a DOM environment replace the global ones with timers that cannot unref.
import { clearTimeout as clearNodeTimeout, setTimeout as setNodeTimeout } from 'node:timers';
import { Worker } from 'node:worker_threads';
import { discoverFunctions, type FunctionDefinition } from './registry';
import type { InstanceMemory, InvokeMessage, ResultMessage, WorkerMessage } from './worker';

/** The errors wx.cloud.callFunction reports, with the codes the platform uses. */
export const FUNCTION_ERRORS = {
  notFound: { errCode: -501000, httpStatus: 404, tcbCode: 'FUNCTIONS_REQUEST_FAIL' },
  executeFail: { errCode: -504002, httpStatus: 500, tcbCode: 'FUNCTIONS_EXECUTE_FAIL' },
  timeout: { errCode: -504003, httpStatus: 504, tcbCode: 'FUNCTIONS_EXECUTE_FAIL' },
  resultTooLarge: { errCode: -604001, httpStatus: 500, tcbCode: 'FUNCTIONS_EXECUTE_FAIL' },
  /** The event is too large, too deep or not JSON (wx-server-sdk's TCB_INVALID_PARAM, "invalid parameters"). */
  invalidEvent: { errCode: -501007, httpStatus: 400, tcbCode: 'INVALID_PARAM' },
} as const;
export type FunctionErrorKind = keyof typeof FUNCTION_ERRORS;

export const RESULT_LIMIT_BYTES = 1024 * 1024;
/**
 * Largest event, as serialised JSON in UTF-8. WeChat's callFunction documentation sends data above
 * 100 KB through wx.cloud.CDN to stay under the call chain's transport limit, and CloudBase limits
 * text request bodies to cloud functions to 100 KB: the local cloud refuses what the real one might.
 */
export const MAX_EVENT_BYTES = 100 * 1024;
/** Deepest event: `{}` is one level, `{"a":[]}` two. */
export const MAX_EVENT_DEPTH = 64;
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
  /** The instance's heap and buffers when the invocation began, and at most while it ran (once it answered). */
  memory?: InstanceMemory;
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
  /** Instances of one function running at once (SCF's concurrency limit); default DEFAULT_MAX_WORKERS_PER_FUNCTION. */
  maxWorkersPerFunction?: number;
  /**
   * Instances alive at once over all functions; default DEFAULT_MAX_WORKERS. At the limit, a call
   * whose function has an instance waits for it; one whose function has none takes the room of the
   * longest idle instance of another function, or waits for room. A nested call (made by a running
   * invocation) never waits for room, as its caller holds an instance meanwhile.
   */
  maxWorkers?: number;
  /** An instance idle this long retires, as SCF reclaims idle instances; default DEFAULT_WORKER_IDLE_MS. */
  workerIdleMs?: number;
  /** Echo function console output to this process's stdout/stderr. */
  echoLogs?: boolean;
  /** Invocation records kept, newest first; default DEFAULT_HISTORY_SIZE. */
  historySize?: number;
}

interface PooledWorker {
  worker: Worker;
  /** The function this instance runs (an instance serves one function, as on SCF). */
  name: string;
  current: ActiveInvocation | null;
  /** Set while the instance waits in its pool: retires it when it has been idle too long. */
  idleTimer: NodeJS.Timeout | null;
  /** When it last went idle, to retire the longest idle first when room is needed. */
  idleSince: number;
}

interface Pool {
  /** Idle instances, the most recently used last: reuse takes the last, so the first ones retire. */
  idle: PooledWorker[];
  busy: number;
  waiting: Array<() => void>;
}

/** Live instances per function and in all, the most that were ever alive at once, and how many started. */
export interface InstanceStats {
  live: number;
  peak: number;
  started: number;
  maxWorkers: number;
  maxWorkersPerFunction: number;
  workerIdleMs: number;
  functions: Array<{ name: string; busy: number; idle: number }>;
}

/**
 * Two instances of a function per core, at least 4 and at most 8 (4 on a 2-core machine). SCF gives
 * each instance its own CPU; here they share the machine's cores, and an invocation spends about half
 * its time waiting for the database, so two per core keep the cores busy. More add no throughput,
 * only V8 isolates that each compile and optimise the function and wx-server-sdk on their own (a
 * fresh instance spends several times the CPU of a warm one on the same call) and some 30 MB each:
 * 200 sign-ups at once on 2 cores took 10–20% more CPU with 8 instances than with 4.
 */
export const DEFAULT_MAX_WORKERS_PER_FUNCTION = Math.min(8, Math.max(4, 2 * os.availableParallelism()));
export const DEFAULT_MAX_WORKERS = 16;
export const DEFAULT_WORKER_IDLE_MS = 120_000;
export const DEFAULT_HISTORY_SIZE = 500;
/** Output kept per invocation: whichever limit comes first, then one line saying the rest was dropped. */
export const MAX_LOG_LINES = 200;
export const MAX_LOG_CHARS = 16 * 1024;
export const LOGS_TRUNCATED = `…（日志超过 ${MAX_LOG_LINES} 行或 ${MAX_LOG_CHARS} 个字符，其余未记录）`;
/** Longest error message kept in an invocation record (the caller still gets the whole message). */
export const MAX_ERROR_CHARS = 4 * 1024;

/**
 * Young generation of an instance's heap. V8's default lets a busy instance touch 16 MB or more of
 * short-lived objects; with 3 MB an instance of a linli function holds some 33 MB instead of 49 after
 * sustained calls, the order loop runs no slower and a heavy call (dispatch.suggest over 10,000
 * volunteers) about 15% slower (measured on 2 cores). V8's --optimize-for-size saved 4 MB more but
 * made that call 60% slower, and it is a flag of the whole process.
 */
const INSTANCE_YOUNG_GENERATION_MB = 3;

/**
 * Appends a line of console output to an invocation's logs: at most MAX_LOG_LINES lines and
 * MAX_LOG_CHARS characters are kept, then LOGS_TRUNCATED once, and nothing after it.
 */
function appendLog(logs: string[], line: string): void {
  if (logs[logs.length - 1] === LOGS_TRUNCATED) return;
  const used = logs.reduce((sum, kept) => sum + kept.length, 0);
  if (logs.length < MAX_LOG_LINES && used + line.length <= MAX_LOG_CHARS) {
    logs.push(line);
    return;
  }
  // The part of the first overflowing line that still fits is kept.
  const room = MAX_LOG_CHARS - used;
  if (logs.length < MAX_LOG_LINES && room > 0) logs.push(line.slice(0, room));
  logs.push(LOGS_TRUNCATED);
}

const EVENT_TOO_DEEP = `data nested too deep (limit ${MAX_EVENT_DEPTH} levels)`;
const EVENT_TOO_LARGE = `data exceed max size (limit ${MAX_EVENT_BYTES} bytes)`;
const notSerialisable = (reason: string) => `data is not serialisable as JSON: ${reason}`;

/** Objects JSON.stringify does not walk into: they have toJSON, or are written as primitives. */
function isJsonLeaf(value: object): boolean {
  return (
    typeof (value as { toJSON?: unknown }).toJSON === 'function' ||
    value instanceof Number ||
    value instanceof String ||
    value instanceof Boolean
  );
}

/**
 * Walks the event the way JSON.stringify would, with an explicit stack instead of recursion (a
 * parsed body can be a million levels deep; JSON.stringify's own recursion overflows the stack a few
 * thousand levels down). Stops at the first problem: deeper than MAX_EVENT_DEPTH, a cycle, or more
 * array elements and properties than MAX_EVENT_BYTES could hold, which also bounds the work.
 * Objects with toJSON are not entered; the serialised text is measured afterwards.
 */
function walkEvent(event: unknown): string | null {
  if (event === null || typeof event !== 'object' || isJsonLeaf(event)) return null;
  const stack: Array<{ value: object; depth: number }> = [{ value: event, depth: 1 }];
  /** The objects from the root to the one being entered, to tell a cycle from a shared object. */
  const path: object[] = [];
  const onPath = new Set<object>();
  /** A lower bound of the serialised size: one byte per array element, four per property ("k":0). */
  let minBytes = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (depth > MAX_EVENT_DEPTH) return EVENT_TOO_DEEP;
    while (path.length >= depth) onPath.delete(path.pop()!);
    if (onPath.has(value)) return notSerialisable('Converting circular structure to JSON');
    path.push(value);
    onPath.add(value);
    const children: unknown[] = [];
    if (Array.isArray(value)) {
      // Every element is written, as null at least.
      minBytes += value.length;
      if (minBytes > MAX_EVENT_BYTES) return EVENT_TOO_LARGE;
      for (let i = 0; i < value.length; i += 1) children.push(value[i]);
    } else {
      for (const key of Object.keys(value)) {
        const child = (value as Record<string, unknown>)[key];
        if (child === undefined || typeof child === 'function' || typeof child === 'symbol') continue; // omitted
        if (typeof child !== 'object' || child === null || !isJsonLeaf(child)) minBytes += 4;
        children.push(child);
      }
      if (minBytes > MAX_EVENT_BYTES) return EVENT_TOO_LARGE;
    }
    // Pushed last to first, so the walk meets problems in the order JSON.stringify would.
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child !== null && typeof child === 'object' && !isJsonLeaf(child)) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return null;
}

/** Nesting depth of JSON text: the levels of [] and {} outside strings. */
function jsonDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return deepest;
}

/**
 * The event as the JSON the function will receive, or why the platform would refuse it. Never
 * throws: it runs before an instance is taken, and a refused event never reaches one.
 */
function serialiseEvent(event: unknown): { ok: true; json: string } | { ok: false; message: string } {
  let json: string | undefined;
  try {
    const problem = walkEvent(event);
    if (problem) return { ok: false, message: problem };
    json = JSON.stringify(event);
  } catch (error) {
    // BigInt, a throwing toJSON or getter, a toJSON result too deep for the stack…
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: notSerialisable(reason.split('\n')[0] ?? reason) };
  }
  if (json === undefined) return { ok: false, message: notSerialisable(`${typeof event} has no JSON form`) };
  if (Buffer.byteLength(json) > MAX_EVENT_BYTES) return { ok: false, message: EVENT_TOO_LARGE };
  // Exact for what the function receives, including what toJSON produced.
  if (jsonDepth(json) > MAX_EVENT_DEPTH) return { ok: false, message: EVENT_TOO_DEEP };
  return { ok: true, json };
}

/** The `action` field of an event, when it has one; never throws (an in-process event may be anything). */
function actionOf(event: unknown): string | null {
  try {
    const action = (event as { action?: unknown } | null | undefined)?.action;
    return typeof action === 'string' ? action : null;
  } catch {
    return null;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  return value;
}

export class FunctionRuntime {
  private definitions = new Map<string, FunctionDefinition>();
  private readonly pools = new Map<string, Pool>();
  private readonly active = new Map<string, ActiveInvocation>();
  /** Oldest first; never longer than historySize. */
  private readonly history: InvocationRecord[] = [];
  private readonly allWorkers = new Set<Worker>();
  private readonly maxWorkersPerFunction: number;
  private readonly maxWorkers: number;
  private readonly workerIdleMs: number;
  private readonly historySize: number;
  /** Instances alive (busy, idle or starting) over all pools, and the most there ever were. */
  private live = 0;
  private peak = 0;
  private started = 0;
  /** Calls waiting for room under maxWorkers, by function (not waiting for their own function's limit). */
  private readonly waitingForRoom: Array<{ name: string; wake: () => void }> = [];
  private closed = false;

  constructor(private readonly options: RuntimeOptions) {
    this.maxWorkersPerFunction = positive(options.maxWorkersPerFunction, DEFAULT_MAX_WORKERS_PER_FUNCTION, 'maxWorkersPerFunction');
    // A larger per-function limit asked for explicitly raises the default over all functions with it.
    this.maxWorkers = positive(options.maxWorkers, Math.max(DEFAULT_MAX_WORKERS, this.maxWorkersPerFunction), 'maxWorkers');
    this.workerIdleMs = positive(options.workerIdleMs, DEFAULT_WORKER_IDLE_MS, 'workerIdleMs');
    this.historySize = positive(options.historySize, DEFAULT_HISTORY_SIZE, 'historySize');
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

  instances(): InstanceStats {
    return {
      live: this.live,
      peak: this.peak,
      started: this.started,
      maxWorkers: this.maxWorkers,
      maxWorkersPerFunction: this.maxWorkersPerFunction,
      workerIdleMs: this.workerIdleMs,
      functions: [...this.pools]
        .map(([name, pool]) => ({ name, busy: pool.busy, idle: pool.idle.length }))
        .filter((pool) => pool.busy + pool.idle > 0),
    };
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
      action: actionOf(request.event),
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
    if (this.history.length > this.historySize) this.history.shift();
    const started = performance.now();
    // Checked before an instance is taken: an event the platform would refuse never runs.
    const event = serialiseEvent(request.event ?? {});
    const outcome: Outcome = event.ok
      ? await this.run(definition, request, record, event.json)
      : { ok: false, kind: 'invalidEvent', message: event.message };
    record.durationMs = Math.round(performance.now() - started);
    record.status = outcome.ok ? 'ok' : outcome.kind === 'timeout' ? 'timeout' : 'error';
    if (!outcome.ok) record.error = outcome.message.length > MAX_ERROR_CHARS ? `${outcome.message.slice(0, MAX_ERROR_CHARS)}…` : outcome.message;
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
    event: string,
  ): Promise<Outcome> {
    const token = randomBytes(24).toString('hex');
    const active: ActiveInvocation = { record, definition, identity: request.identity, source: request.source };
    const pooled = await this.acquire(definition.name, request.callerId != null);
    // From here the slot goes back exactly once, in the finally below. A worker goes back to the pool
    // only after it answered; on any other path (timeout, crash, an unexpected throw) it is discarded.
    let reusable = false;
    try {
      pooled.current = active;
      this.active.set(token, active);
      const message: InvokeMessage = {
        type: 'invoke',
        entry: definition.entry,
        env: this.environmentFor(definition, request, token),
        event,
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
        try {
          pooled.worker.postMessage(message);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        }
      });
      if (reply === 'timeout') {
        return { ok: false, kind: 'timeout', message: `Invoking task timed out after ${definition.timeoutMs / 1000} seconds` };
      }
      if (reply instanceof Error) return { ok: false, kind: 'executeFail', message: reply.message };
      reusable = true;
      if (reply.memory) record.memory = reply.memory;
      if (!reply.ok) return { ok: false, kind: 'executeFail', message: reply.message };
      if (reply.json !== undefined && Buffer.byteLength(reply.json) > RESULT_LIMIT_BYTES)
        return { ok: false, kind: 'resultTooLarge', message: 'cloudfunction result size exceed limit (1MB)' };
      return { ok: true, result: reply.json === undefined ? undefined : JSON.parse(reply.json) };
    } finally {
      this.active.delete(token);
      pooled.current = null;
      if (reusable) this.release(definition.name, pooled);
      else this.discard(definition.name, pooled);
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

  /** An instance of `name` for one invocation: a warm one, else a new one when the limits allow. */
  private async acquire(name: string, nested: boolean): Promise<PooledWorker> {
    const pool = this.pool(name);
    for (;;) {
      const idle = pool.idle.pop();
      if (idle) {
        this.stopIdleTimer(idle);
        pool.busy += 1;
        return idle;
      }
      if (pool.busy >= this.maxWorkersPerFunction) await new Promise<void>((resolve) => pool.waiting.push(resolve));
      else if (this.live < this.maxWorkers || nested) break;
      // At the limit, one of its own instances frees up far sooner than a new one starts (a cold
      // start costs a second of CPU), and retiring another function's instance would only move the cold start there.
      else if (pool.busy > 0) await new Promise<void>((resolve) => pool.waiting.push(resolve));
      else if (this.retireLongestIdle()) break;
      else await new Promise<void>((wake) => this.waitingForRoom.push({ name, wake }));
    }
    pool.busy += 1;
    this.live += 1;
    this.started += 1;
    this.peak = Math.max(this.peak, this.live);
    try {
      return this.spawn(name);
    } catch (error) {
      // No worker, so no slot: give it back before the caller sees the error.
      pool.busy -= 1;
      this.live -= 1;
      pool.waiting.shift()?.();
      this.waitingForRoom.shift()?.wake();
      throw error;
    }
  }

  /**
   * After an invocation that answered: the instance goes to a call of its function that waits, or
   * retires when another function needs the room, or waits idle until workerIdleMs.
   */
  private release(name: string, pooled: PooledWorker): void {
    const pool = this.pool(name);
    pool.busy -= 1;
    if (this.closed) {
      this.end(pooled);
      return;
    }
    const waiterForRoom = this.waitingForRoom.findIndex((waiter) => waiter.name === name);
    const reused = pool.waiting.length > 0 || waiterForRoom >= 0;
    if (!reused && (this.live > this.maxWorkers || this.waitingForRoom.length > 0)) {
      this.end(pooled);
      return;
    }
    pooled.idleSince = performance.now();
    // unref: an idle instance never keeps the process alive.
    pooled.idleTimer = setNodeTimeout(() => this.retire(pooled), this.workerIdleMs).unref();
    pool.idle.push(pooled);
    if (reused) (pool.waiting.shift() ?? this.waitingForRoom.splice(waiterForRoom, 1)[0]!.wake)();
  }

  /** After a timeout, a crash or anything unexpected: the instance is not reused. */
  private discard(name: string, pooled: PooledWorker): void {
    const pool = this.pool(name);
    pool.busy -= 1;
    this.end(pooled);
    pool.waiting.shift()?.();
  }

  /** Terminates an instance that is in no pool any more, and hands its room to a call waiting for it. */
  private end(pooled: PooledWorker): void {
    this.stopIdleTimer(pooled);
    this.live -= 1;
    this.allWorkers.delete(pooled.worker);
    void pooled.worker.terminate();
    this.waitingForRoom.shift()?.wake();
  }

  private stopIdleTimer(pooled: PooledWorker): void {
    if (pooled.idleTimer) clearNodeTimeout(pooled.idleTimer);
    pooled.idleTimer = null;
  }

  /** Ends an idle instance (idle too long, needed as room, or exited on its own); false if it was not idle. */
  private retire(pooled: PooledWorker): boolean {
    const idle = this.pools.get(pooled.name)?.idle;
    const index = idle?.indexOf(pooled) ?? -1;
    if (!idle || index < 0) return false;
    idle.splice(index, 1);
    this.end(pooled);
    return true;
  }

  /** Makes room by retiring the instance idle longest, of any function; false if none is idle. */
  private retireLongestIdle(): boolean {
    let oldest: PooledWorker | undefined;
    for (const pool of this.pools.values()) {
      const first = pool.idle[0];
      if (first && (!oldest || first.idleSince < oldest.idleSince)) oldest = first;
    }
    return oldest ? this.retire(oldest) : false;
  }

  private spawn(name: string): PooledWorker {
    const worker = new Worker(this.options.workerScript, {
      stdout: true,
      stderr: true,
      // A function container runs plain node, not with the flags of what started the local cloud (a
      // TypeScript loader under tsx or vitest would hook every module an instance loads).
      execArgv: process.env.LINLI_WORKER_EXEC_ARGV?.split(' ').filter(Boolean) ?? [],
      resourceLimits: { maxYoungGenerationSizeMb: INSTANCE_YOUNG_GENERATION_MB },
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
    const pooled: PooledWorker = { worker, name, current: null, idleTimer: null, idleSince: 0 };
    const record = (chunk: string, echo: NodeJS.WriteStream) => {
      const logs = pooled.current?.record.logs;
      const name = pooled.current?.definition.name ?? 'function';
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        if (logs) appendLog(logs, line);
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
    worker.on('exit', () => {
      this.allWorkers.delete(worker);
      // An idle instance that ended on its own (a stray timer calling process.exit) leaves its pool.
      this.retire(pooled);
    });
    worker.unref();
    this.allWorkers.add(worker);
    return pooled;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pool of this.pools.values()) for (const pooled of pool.idle) this.stopIdleTimer(pooled);
    await Promise.all([...this.allWorkers].map((worker) => worker.terminate()));
    this.allWorkers.clear();
    this.pools.clear();
  }
}
