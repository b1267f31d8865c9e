/**
 * One function container. Runs one invocation at a time, so setting process.env per invocation is
 * safe: worker threads each have their own copy of process.env, which is what wx-server-sdk's
 * getWXContext() reads. The module stays loaded between invocations, like a warm SCF instance.
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

export interface InvokeMessage {
  type: 'invoke';
  entry: string;
  env: Record<string, string>;
  event: string;
  context: Record<string, unknown>;
  /** The local cloud's virtual clock offset; 0 in real time. */
  clockOffsetMs: number;
}

/**
 * What this instance held during an invocation: its V8 heap and the buffers it allocated (a worker
 * thread shares the process's RSS, but its heap and buffers are its own), when the invocation began
 * and at most while it ran, sampled every MEMORY_SAMPLE_MS.
 */
export interface InstanceMemory {
  startBytes: number;
  peakBytes: number;
}

export type ResultMessage =
  | { type: 'result'; ok: true; json: string | undefined; memory?: InstanceMemory }
  | { type: 'result'; ok: false; message: string; stack?: string; memory?: InstanceMemory };

/** Sent once the function module is loaded: its timeout counts from here, not from the cold start. */
export interface StartedMessage {
  type: 'started';
}

/** Output written by the function, sent on the same port as the result so none arrives after it. */
export interface LogMessage {
  type: 'log';
  stream: 'stdout' | 'stderr';
  text: string;
}

export type WorkerMessage = ResultMessage | StartedMessage | LogMessage;

if (!parentPort) throw new Error('worker.ts must run as a worker thread');
const port = parentPort;
// A worker's own process.env answers every read through a native lookup; wx-server-sdk reads a dozen
// variables on every database request. A plain object with the same contents answers in a fraction.
process.env = { ...process.env };
let previousKeys: string[] = [];

type Handler = (event: unknown, context: unknown) => unknown;

const MEMORY_SAMPLE_MS = 20;
const heldBytes = (): number => {
  const { heapTotal, external } = process.memoryUsage();
  return heapTotal + external;
};

/**
 * Function code sees the local cloud's clock: when a test moves it forward, `new Date()` and
 * `Date.now()` inside the function move with it, as they would have on a real later day.
 */
let clockOffsetMs = 0;
const RealDate = Date;
class VirtualDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + clockOffsetMs);
    else super(...(args as [string | number | Date]));
  }
  static override now(): number {
    return RealDate.now() + clockOffsetMs;
  }
}
globalThis.Date = VirtualDate as DateConstructor;

// A worker's own stdout reaches the parent asynchronously, after the result: forward it in order instead.
for (const stream of ['stdout', 'stderr'] as const) {
  process[stream].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    port.postMessage({ type: 'log', stream, text } satisfies LogMessage);
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (callback) queueMicrotask(callback);
    return true;
  }) as typeof process.stdout.write;
}

function loadHandler(entry: string): Handler {
  const loaded = createRequire(entry)(entry) as { main?: unknown };
  if (typeof loaded.main !== 'function') throw new Error(`${entry} does not export main`);
  return loaded.main as Handler;
}

port.on('message', async (message: InvokeMessage) => {
  for (const key of previousKeys) delete process.env[key];
  Object.assign(process.env, message.env);
  previousKeys = Object.keys(message.env);
  clockOffsetMs = message.clockOffsetMs;
  let reply: ResultMessage;
  const startBytes = heldBytes();
  const memory: InstanceMemory = { startBytes, peakBytes: startBytes };
  const sampler = setInterval(() => {
    memory.peakBytes = Math.max(memory.peakBytes, heldBytes());
  }, MEMORY_SAMPLE_MS);
  try {
    const handler = loadHandler(message.entry);
    port.postMessage({ type: 'started' } satisfies StartedMessage);
    const result = await handler(JSON.parse(message.event), message.context);
    // The real runtime serialises the result as JSON: undefined is dropped, Dates become strings.
    reply = { type: 'result', ok: true, json: JSON.stringify(result), memory };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
    reply = { type: 'result', ok: false, message: err.message, stack: err.stack, memory };
  } finally {
    clearInterval(sampler);
    memory.peakBytes = Math.max(memory.peakBytes, heldBytes());
  }
  port.postMessage(reply);
});
