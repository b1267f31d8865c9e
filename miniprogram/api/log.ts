/**
 * What went wrong on a person's phone, for someone to find: WeChat's real-time log
 * (小程序管理后台 → 开发 → 开发管理 → 运维中心 → 实时日志, kept 7 days). Each entry is filtered by the
 * action and the request id, so searching either finds it; the request id is also the one the
 * cloud function logs its own failure under (云开发控制台 → 云函数 → 日志).
 *
 * Only codes, platform messages and ids are logged, never what a person typed: the log is read by
 * whoever runs the mini-program, not by the person.
 */

export type LogLevel = 'info' | 'warn' | 'error';

/** One cloud call, as the log names it. */
export interface CallTrace {
  action: string;
  /** The platform's id of the invocation (callFunction's requestID), when it got that far. */
  requestId?: string;
  /** The input's clientRequestId, for writes: the same on a person's retry. */
  clientRequestId?: string;
}

/** Each call to info/warn/error may carry at most 5 KB; a stack or reason is cut well below that. */
const MAX_TEXT = 2000;

/** The latest cloud call, named in an app error's entry: what the person was doing when it broke. */
let lastCall: CallTrace | null = null;

/** The real-time log, or null on a base library without it (before 2.7.1). */
function realtimeLog(): WechatMiniprogram.RealtimeLogManager | null {
  return typeof wx.getRealtimeLogManager === 'function' ? wx.getRealtimeLogManager() : null;
}

function write(level: LogLevel, filters: Array<string | undefined>, ...args: unknown[]): void {
  try {
    const log = realtimeLog();
    if (!log) return;
    const [first, ...more] = filters.filter((filter): filter is string => Boolean(filter));
    // Filter keywords are kept per page; the first replaces the page's earlier ones (addFilterMsg is 2.8.1+).
    if (first && typeof log.setFilterMsg === 'function') log.setFilterMsg(first);
    if (typeof log.addFilterMsg === 'function') for (const filter of more) log.addFilterMsg(filter);
    log[level](...args);
  } catch {
    // Logging must never break what it reports on.
  }
}

/** Remembers a call that is about to go out (for the app error entries). */
export function noteCall(trace: CallTrace): void {
  lastCall = trace;
}

/** A call that failed: `detail` says how (reply code, or the platform's errCode and errMsg). */
export function logCallFailure(level: LogLevel, trace: CallTrace, detail: Record<string, unknown>): void {
  lastCall = trace;
  write(level, [trace.action, trace.requestId, trace.clientRequestId], '[api] call failed', { ...trace, ...detail });
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return (reason.stack || `${reason.name}: ${reason.message}`).slice(0, MAX_TEXT);
  if (typeof reason === 'string') return reason.slice(0, MAX_TEXT);
  try {
    return String(JSON.stringify(reason)).slice(0, MAX_TEXT);
  } catch {
    return String(reason).slice(0, MAX_TEXT);
  }
}

/** An error no page handled (App.onError, App.onUnhandledRejection). */
export function logAppError(kind: 'error' | 'unhandledRejection', reason: unknown): void {
  const call = lastCall;
  write('error', [kind, call?.action, call?.requestId], `[app] ${kind}`, { reason: describe(reason), lastCall: call });
}
