/** The reply to one `wx.openApi` request: permission checks, then the API's semantics, then the wire encoding. */
import { type OpenApiContext, openApiHandlers, type SubscribeMessageOutboxEntry } from './apis';
import {
  encodeOpenApiBody,
  encodeOpenApiPlatformError,
  encodeOpenApiTcbError,
  OPENAPI_PLATFORM_ERRORS,
  OPENAPI_RESPONSE_CONTENT_TYPE,
  type OpenApiRequest,
} from './wire';

export interface OpenApiAnswer {
  contentType: string;
  body: Buffer;
  /** A subscribe message that was sent; the caller keeps it in its outbox. */
  outboxEntry?: SubscribeMessageOutboxEntry;
}

/**
 * @param declared the calling function's `permissions.openapi` from config.json, or null when the
 *   request does not come from a running cloud function.
 */
export function answerOpenApi(request: OpenApiRequest, declared: readonly string[] | null, context: OpenApiContext): OpenApiAnswer {
  if (request.action !== 'wx.openApi') return encodeOpenApiTcbError('INVALID_PARAM', `the local cloud does not emulate ${request.action}`);
  if (declared === null) return encodeOpenApiPlatformError(OPENAPI_PLATFORM_ERRORS.ILLEGAL_INVOCATION_SOURCE);
  const handler = openApiHandlers[request.apiName];
  if (!handler) return encodeOpenApiPlatformError(OPENAPI_PLATFORM_ERRORS.API_NOT_FOUND);
  if (!declared.includes(request.apiName)) return encodeOpenApiPlatformError(OPENAPI_PLATFORM_ERRORS.NO_PERMISSION);
  const result = handler(context, request.data);
  return { contentType: OPENAPI_RESPONSE_CONTENT_TYPE, body: encodeOpenApiBody(result.body), outboxEntry: result.outboxEntry };
}
