/**
 * Wire format of `cloud.openapi.*` calls made by wx-server-sdk 4.0.2 (via @cloudbase/node-sdk 3.17.2).
 *
 * Request (verified by capturing the real SDK):
 *   POST {TCB_CONTEXT_CNFG.URL}?env=<env>&seqId=<id>, content-type multipart/form-data, parts:
 *     action          "wx.openApi"
 *     apiName         dotted proxy path, e.g. "subscribeMessage.send", "security.msgSecCheck"
 *     requestData     application/octet-stream, protobuf CommApiData (see below)
 *     envName, wxCloudApiToken | wxCloudbaseAccesstoken, tcb_sessionToken, crossAuthorizationToken
 *     (cgiName "commrpcv2" only with cloud.openapi({version:'v2'}))
 *   CommApiData { 1 apiType int32 (0 OPEN_API), 2 openapiData OpenApiData, 6 appid string }
 *   OpenApiData { 1 pairs repeated KeyValuePair }
 *   KeyValuePair { 1 key string, 2 value bytes (JSON text), 3 contenttype string, 4 filename string }
 *     (media params such as imgSecCheck's `media` carry raw bytes and filename "<key>.<ext>";
 *      field 3 is never set by this SDK version, see pairValue)
 *   The SDK converts camelCase keys to snake_case (recursively) BEFORE encoding, so keys here are
 *   already snake_case (`template_id`, `miniprogram_state`); each top-level key is one pair.
 *
 * Response (what the SDK decodes):
 *   HTTP 200 with raw protobuf CommOpenApiResp
 *     { 1 respData bytes, 2 contentType string, 3 errorCode int32, 4 httpCode uint32,
 *       5 headers repeated HttpHeader{1 key,2 value}, 6 svrkitErrorCode int32 }
 *   - errorCode != 0 -> SDK throws { errCode: errorCode, errMsg: 'system error: error code: <n>' }.
 *   - contentType matching /application\/json|text\/plain/ -> respData parsed as JSON; a truthy
 *     `errcode` makes the SDK throw { errCode: errcode, errMsg: 'openapi.<api>:fail <errmsg>' };
 *     otherwise errcode/errmsg are dropped, keys become camelCase and errCode 0 is added.
 *   - The HTTP content-type must NOT be exactly 'application/json; charset=utf-8': that one makes
 *     node-sdk parse the body as a JSON `{code, message}` TCB error instead.
 */
import busboy from 'busboy';
import protobuf from 'protobufjs/minimal.js';

export interface OpenApiRequest {
  apiName: string;
  /** Decoded parameters, keys as sent (snake_case unless the caller disabled convertCase). */
  data: Record<string, unknown>;
  wxCloudApiToken: string;
  envName: string;
  /** The multipart `action` field; 'wx.openApi' for cloud.openapi.* calls. */
  action: string;
  /** CommApiData.apiType: 0 OPEN_API for cloud.openapi.*; 2 SVRKIT_API for cloud.getOpenData & co. */
  apiType: number;
  /** CommApiData.appid, set by cloud.openapi({ appid }) for cross-account calls. */
  appid?: string;
}

/** A media parameter (e.g. img for img.scan) is not JSON: the SDK sends raw bytes plus a type. */
export interface OpenApiMediaParam {
  contentType: string;
  filename: string;
  value: Buffer;
}

/** HTTP content type for every protobuf reply (anything but the exact JSON-error type works). */
export const OPENAPI_RESPONSE_CONTENT_TYPE = 'application/octet-stream';
/** HTTP content type that node-sdk treats as a JSON `{code, message}` TCB error. */
export const OPENAPI_TCB_ERROR_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Platform errors the real service reports through CommOpenApiResp.errorCode. */
export const OPENAPI_PLATFORM_ERRORS = {
  API_NOT_FOUND: -604100,
  NO_PERMISSION: -604101,
  TIMEOUT: -604102,
  /** The call did not come from a running cloud function (no valid API token). */
  ILLEGAL_INVOCATION_SOURCE: -604104,
} as const;

export class OpenApiWireError extends Error {
  override name = 'OpenApiWireError';
}

const { Reader, Writer } = protobuf;

/** Parse the multipart body the SDK posts for action 'wx.openApi'. */
export function parseOpenApiRequest(body: Buffer, contentType: string): Promise<OpenApiRequest> {
  return new Promise((resolve, reject) => {
    const fields = new Map<string, Buffer>();
    let bb: busboy.Busboy;
    try {
      // latin1 keeps text fields byte-exact, so a binary part that arrives as a plain field survives too.
      bb = busboy({ headers: { 'content-type': contentType }, defCharset: 'latin1', limits: { fieldSize: 16 * 1024 * 1024 } });
    } catch (e) {
      reject(new OpenApiWireError(`not a multipart body: ${(e as Error).message}`));
      return;
    }
    bb.on('field', (name, value) => fields.set(name, Buffer.from(value, 'latin1')));
    // Resolve only once busboy is done AND every file part has been fully read.
    let open = 1;
    const settle = (): void => {
      if (--open > 0) return;
      try {
        resolve(buildRequest(fields));
      } catch (e) {
        reject(e);
      }
    };
    bb.on('file', (name, stream) => {
      // form-data sends Buffers as application/octet-stream, which busboy treats as a file part.
      open++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        fields.set(name, Buffer.concat(chunks));
        settle();
      });
    });
    bb.on('error', (e) => reject(new OpenApiWireError(`bad multipart body: ${(e as Error).message}`)));
    bb.on('close', settle);
    bb.end(body);
  });
}

function buildRequest(fields: Map<string, Buffer>): OpenApiRequest {
  const text = (name: string): string => fields.get(name)?.toString('utf8') ?? '';
  const apiName = text('apiName');
  if (!apiName) throw new OpenApiWireError('missing apiName field');
  const raw = fields.get('requestData');
  const decoded: { apiType: number; data: Record<string, unknown>; appid?: string } =
    raw && raw.length > 0 ? decodeCommApiData(raw) : { apiType: 0, data: {} };
  const req: OpenApiRequest = {
    apiName,
    apiType: decoded.apiType,
    data: decoded.data,
    wxCloudApiToken: text('wxCloudApiToken'),
    envName: text('envName'),
    action: text('action'),
  };
  if (decoded.appid) req.appid = decoded.appid;
  return req;
}

interface KeyValuePair {
  key: string;
  value: Uint8Array;
  contenttype: string;
  filename: string;
}

/** Decode CommApiData and turn its key/value pairs back into a parameter object. */
export function decodeCommApiData(buf: Uint8Array): { apiType: number; data: Record<string, unknown>; appid?: string } {
  const r = Reader.create(buf);
  let apiType = 0;
  let appid: string | undefined;
  const data: Record<string, unknown> = {};
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          apiType = r.int32();
          break;
        case 2:
          for (const p of decodeOpenApiData(r.bytes())) data[p.key] = pairValue(p);
          break;
        case 6:
          appid = r.string();
          break;
        default:
          r.skipType(tag & 7);
      }
    }
  } catch (e) {
    if (e instanceof OpenApiWireError) throw e;
    throw new OpenApiWireError(`bad CommApiData protobuf: ${(e as Error).message}`);
  }
  return appid === undefined ? { apiType, data } : { apiType, data, appid };
}

function decodeOpenApiData(buf: Uint8Array): KeyValuePair[] {
  const r = Reader.create(buf);
  const pairs: KeyValuePair[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) pairs.push(decodeKeyValuePair(r.bytes()));
    else r.skipType(tag & 7);
  }
  return pairs;
}

function decodeKeyValuePair(buf: Uint8Array): KeyValuePair {
  const r = Reader.create(buf);
  const p: KeyValuePair = { key: '', value: new Uint8Array(), contenttype: '', filename: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        p.key = r.string();
        break;
      case 2:
        p.value = r.bytes();
        break;
      case 3:
        p.contenttype = r.string();
        break;
      case 4:
        p.filename = r.string();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return p;
}

const MEDIA_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

function pairValue(p: KeyValuePair): unknown {
  const bytes = Buffer.from(p.value);
  // Media params are raw bytes; everything else is JSON text. wx-server-sdk 4.0.2 names the
  // property `contentType` while the message field is `contenttype`, so field 3 never arrives:
  // the filename (field 4, e.g. "media.png") is what marks a media param in practice.
  if (p.contenttype || p.filename) {
    const ext = p.filename.split('.').pop()?.toLowerCase() ?? '';
    const contentType = p.contenttype || MEDIA_TYPES[ext] || 'application/octet-stream';
    return { contentType, filename: p.filename, value: bytes } satisfies OpenApiMediaParam;
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new OpenApiWireError(`parameter ${p.key} is not valid JSON`);
  }
}

/** JSON.stringify that writes bigint values as bare numbers (WeChat ids such as msgid exceed 2^53). */
export function stringifyWithBigInt(value: unknown): string {
  const marker = `__linli_bigint_${Math.random().toString(36).slice(2)}__`;
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${marker}${v.toString()}` : v));
  return json.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

interface CommOpenApiResp {
  respData?: Uint8Array;
  contentType?: string;
  errorCode?: number;
  httpCode?: number;
}

/** Encode CommOpenApiResp with the same field numbers as wx-server-sdk's generated code. */
export function encodeCommOpenApiResp(m: CommOpenApiResp): Buffer {
  const w = Writer.create();
  if (m.respData !== undefined) w.uint32(10).bytes(m.respData);
  if (m.contentType !== undefined) w.uint32(18).string(m.contentType);
  if (m.errorCode !== undefined && m.errorCode !== 0) w.uint32(24).int32(m.errorCode);
  if (m.httpCode !== undefined) w.uint32(32).uint32(m.httpCode);
  return Buffer.from(w.finish());
}

/** Decode CommOpenApiResp (used by tests and for inspecting recorded replies). */
export function decodeCommOpenApiResp(buf: Uint8Array): Required<CommOpenApiResp> {
  const r = Reader.create(buf);
  const m: Required<CommOpenApiResp> = { respData: new Uint8Array(), contentType: '', errorCode: 0, httpCode: 0 };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        m.respData = r.bytes();
        break;
      case 2:
        m.contentType = r.string();
        break;
      case 3:
        m.errorCode = r.int32();
        break;
      case 4:
        m.httpCode = r.uint32();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return m;
}

/** Encode a successful WeChat JSON body (snake_case, e.g. {errcode:0, errmsg:'ok', ...}) the way the real service returns it. */
export function encodeOpenApiBody(body: Record<string, unknown>): Buffer {
  // WeChat's HTTP APIs answer with this content type; the SDK only needs it to contain application/json.
  return encodeCommOpenApiResp({
    respData: Buffer.from(stringifyWithBigInt(body), 'utf8'),
    contentType: 'application/json; encoding=utf-8',
    httpCode: 200,
  });
}

/**
 * Encode a platform-level failure (e.g. -604101 "function has no permission to call this API").
 * It must travel in CommOpenApiResp.errorCode: a JSON `{code,message}` error can only carry the
 * named TCB codes (unknown names collapse to -501001), so the numeric code would be lost.
 */
export function encodeOpenApiPlatformError(errorCode: number): { contentType: string; body: Buffer } {
  if (!Number.isInteger(errorCode) || errorCode === 0) throw new RangeError(`platform error code must be a non-zero integer, got ${errorCode}`);
  return { contentType: OPENAPI_RESPONSE_CONTENT_TYPE, body: encodeCommOpenApiResp({ errorCode, httpCode: 200 }) };
}

/**
 * Encode a TCB gateway error such as a malformed request. The SDK maps `code` through its
 * TCB_ERR_CODE table (INVALID_PARAM -> -501007, unknown names -> -501001).
 */
export function encodeOpenApiTcbError(code: string, message: string, requestId = ''): { contentType: string; body: Buffer } {
  return { contentType: OPENAPI_TCB_ERROR_CONTENT_TYPE, body: Buffer.from(JSON.stringify({ code, message, requestId }), 'utf8') };
}
