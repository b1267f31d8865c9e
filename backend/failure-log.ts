/**
 * A cloud function's unexpected failure (replied as INTERNAL) as one JSON line on stderr, so the
 * cloud's log search (云开发控制台 → 云函数 → 日志) finds it by function, action or request id (the
 * requestID the mini-program got and put in its real-time log). The line never holds the input,
 * and the error's message is cut free of what could be personal: any run of 6 or more digits (a
 * phone, an ID number, a bank card; a duplicate-key error quotes the key; not an error code such
 * as -502001) and any Chinese text (a name, an address) becomes "…".
 */

export interface FailureContext {
  /** The cloud function. */
  function: string;
  /** The envelope's action, or `timer` for a trigger run; null when the event had none. */
  action: string | null;
  /** The platform's id of this invocation (the main function's context.request_id). */
  requestId: string | null;
}

const MAX_MESSAGE = 500;
const STACK_FRAMES = 5;

/** What might name or reach a person in an error message (a negative number is an error code: kept). */
const PERSONAL = /(?<![-\d])\d{6,}[\dXx]*|[\u3400-\u9fff\uf900-\ufaff]+/g;

export function redact(text: string): string {
  return text.replace(PERSONAL, '…');
}

export function failureLine(context: FailureContext, error: unknown): string {
  const failure = (error ?? {}) as { name?: unknown; message?: unknown; errCode?: unknown; code?: unknown; errMsg?: unknown; stack?: unknown };
  const message = typeof failure.message === 'string' && failure.message ? failure.message : typeof failure.errMsg === 'string' ? failure.errMsg : String(error);
  // wx-server-sdk's errors carry errCode (a number) and sometimes a string code; a plain Error neither.
  const errorCode = failure.errCode ?? failure.code;
  const frames = typeof failure.stack === 'string' ? failure.stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, STACK_FRAMES) : [];
  return JSON.stringify({
    level: 'error',
    function: context.function,
    action: context.action,
    requestId: context.requestId,
    code: 'INTERNAL',
    error: {
      name: typeof failure.name === 'string' ? failure.name : typeof error,
      ...(typeof errorCode === 'string' || typeof errorCode === 'number' ? { code: errorCode } : {}),
      message: redact(message).slice(0, MAX_MESSAGE),
      ...(frames.length > 0 ? { stack: frames.map((frame) => redact(frame.trim())) } : {}),
    },
  });
}
