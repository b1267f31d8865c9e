/**
 * The only place that calls the cloud. Typed by the contract in core/: every page gets typed input
 * and a typed reply. Failures come back as a reply too (never a throw), shown as a Chinese toast
 * unless the caller handles them. Nothing is retried automatically: writes carry a
 * clientRequestId, so a person's second tap is the safe retry.
 */
import type { ActionName, InputOf, OutputOf } from '../../core/contract';
import type { ErrorCode } from '../../core/errors';
import type { Reply } from '../../core/reply';
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

function toastError(message: string): void {
  wx.showToast({ title: message, icon: 'none', duration: 2500 });
}

export async function call<A extends ActionName>(action: A, input: InputOf<A>, options: CallOptions = {}): Promise<ApiReply<OutputOf<A>>> {
  const name = action.slice(0, action.indexOf('.'));
  if (options.loading) wx.showLoading({ title: options.loading, mask: true });
  let reply: ApiReply<OutputOf<A>>;
  try {
    const result = (await callFunction(name, { action, input })) as Reply<OutputOf<A>> | undefined;
    reply = result && typeof result === 'object' && 'ok' in result ? result : { ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } };
  } catch (error) {
    console.warn(`[api] ${action}`, (error as PlatformError).errMsg);
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
