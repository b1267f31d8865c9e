/**
 * The only place that calls the cloud. Typed by the contract in core/: every page gets typed input
 * and a typed reply. Failures come back as a reply too (never a throw), shown as a Chinese toast
 * unless the caller handles them. Nothing is retried automatically: writes carry a
 * clientRequestId, so a person's second tap is the safe retry. Failures that someone running the
 * mini-program should see (the cloud broke, the platform refused, the versions disagree) go to
 * WeChat's real-time log with the action and the request id (api/log.ts); refusals that are part
 * of the service (CONFLICT, FORBIDDEN, INSUFFICIENT_POINTS, …) are only shown to the person.
 */
import type { ActionName, InputOf, OutputOf } from '../../core/contract';
import type { ErrorCode } from '../../core/errors';
import type { Reply } from '../../core/reply';
import { type CallTrace, type LogLevel, logCallFailure, noteCall } from './log';
import { callFunction, type PlatformError } from './transport';

export type ClientErrorCode = ErrorCode | 'NETWORK';
export type ApiReply<T> = { ok: true; data: T } | { ok: false; error: { code: ClientErrorCode; message: string } };

export interface CallOptions {
  /** Shows a loading mask with this text while the call runs. */
  loading?: string;
  /** Set false when the page shows the error itself. */
  toast?: boolean;
}

const NETWORK_MESSAGE = '网络不给力，请检查网络后重试';

/** The reply codes that go to the real-time log, and how loud. */
const LOGGED_CODES: Partial<Record<ClientErrorCode, LogLevel>> = {
  INTERNAL: 'error',
  NETWORK: 'error',
  // The uploaded functions do not know an action this mini-program sends: the two versions differ.
  UNKNOWN_ACTION: 'error',
  // The pages check what a person types first, so the contract refusing it points at a page.
  INVALID_INPUT: 'warn',
};

function clientRequestIdOf(input: unknown): string | undefined {
  const id = (input as { clientRequestId?: unknown } | null)?.clientRequestId;
  return typeof id === 'string' ? id : undefined;
}

function toastError(message: string): void {
  wx.showToast({ title: message, icon: 'none', duration: 2500 });
}

export async function call<A extends ActionName>(action: A, input: InputOf<A>, options: CallOptions = {}): Promise<ApiReply<OutputOf<A>>> {
  const name = action.slice(0, action.indexOf('.'));
  if (options.loading) wx.showLoading({ title: options.loading, mask: true });
  let reply: ApiReply<OutputOf<A>>;
  const trace: CallTrace = { action, clientRequestId: clientRequestIdOf(input) };
  noteCall(trace);
  try {
    const { result, requestId } = await callFunction(name, { action, input });
    trace.requestId = requestId;
    const answer = result as Reply<OutputOf<A>> | undefined;
    reply = answer && typeof answer === 'object' && 'ok' in answer ? answer : { ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } };
    const level = reply.ok ? undefined : LOGGED_CODES[reply.error.code];
    if (!reply.ok && level) logCallFailure(level, trace, { code: reply.error.code });
  } catch (error) {
    const { errCode, errMsg, requestId } = error as PlatformError;
    console.warn(`[api] ${action}`, errMsg);
    trace.requestId = requestId;
    logCallFailure('error', trace, { code: 'NETWORK', errCode, errMsg });
    reply = { ok: false, error: { code: 'NETWORK', message: NETWORK_MESSAGE } };
  } finally {
    if (options.loading) wx.hideLoading();
  }
  if (!reply.ok && options.toast !== false) toastError(reply.error.message);
  return reply;
}

/** A fresh id for one submission of a form (matches the contract's clientRequestId). */
export function newRequestId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
