import type { ErrorCode } from './errors';

/** What every cloud action replies. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/** The envelope a cloud function receives from the mini-program. */
export interface ActionRequest {
  action: string;
  input?: unknown;
}
