/**
 * Pure semantics of the WeChat open APIs the emulator supports (no I/O).
 *
 * Handlers receive the parameters exactly as the SDK sends them: snake_case keys, because
 * wx-server-sdk converts camelCase -> snake_case before encoding (see wire.ts). They return the
 * WeChat JSON body (errcode/errmsg/...); the SDK throws for a non-zero errcode by itself.
 *
 * Sources: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html
 *          https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 *          https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber.html
 */
import { randomBytes } from 'node:crypto';

export type WeChatBody = Record<string, unknown> & { errcode: number; errmsg: string };

/** WeChat error bodies used by the handlers below (errmsg text as the real service sends it). */
export const WX_ERR = {
  INVALID_OPENID: { errcode: 40003, errmsg: 'invalid openid' },
  INVALID_CODE: { errcode: 40029, errmsg: 'invalid code' },
  INVALID_TEMPLATE_ID: { errcode: 40037, errmsg: 'invalid template_id' },
  USER_REFUSED: { errcode: 43101, errmsg: 'user refuse to accept the msg' },
  DATA_FORMAT: { errcode: 47001, errmsg: 'data format error' },
  ARGUMENT_INVALID: { errcode: 47003, errmsg: 'argument invalid!' },
  RISKY_CONTENT: { errcode: 87014, errmsg: 'risky content' },
} as const;

const ok = (extra: Record<string, unknown> = {}): WeChatBody => ({ errcode: 0, errmsg: 'ok', ...extra });
const fail = (e: { errcode: number; errmsg: string }, hint?: string): WeChatBody => ({
  errcode: e.errcode,
  errmsg: hint ? `${e.errmsg} hint: [${hint}]` : e.errmsg,
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Real openids are 28 chars of [A-Za-z0-9_-]; accept any plausible id so fixtures can use short ones.
const OPENID_RE = /^[A-Za-z0-9_-]{1,64}$/;

// Real trace ids look like "6548e1b2-1c2d3e4f-5a6b7c8d".
const traceId = (): string => [4, 4, 4].map((n) => randomBytes(n).toString('hex')).join('-');

// ---------------------------------------------------------------------------------------------
// security.msgSecCheck

/** Label reported for keyword hits: 21000 = "其他" (other); 100 = normal. */
export const MSG_SEC_RISKY_LABEL = 21000;
const MAX_CONTENT_LENGTH = 2500;

function findRiskyWord(words: readonly string[], texts: readonly string[]): string | undefined {
  const haystack = texts.join('\n').toLowerCase();
  for (const w of words) {
    const needle = w.trim().toLowerCase();
    // An empty entry would match everything, so it is ignored.
    if (needle && haystack.includes(needle)) return w.trim();
  }
  return undefined;
}

/**
 * security.msgSecCheck. v2 `{version:2, openid, scene:1-4, content, title?, nickname?, signature?}`
 * never fails for risky text: it reports result.suggest 'risky'. v1 (no version) answers 87014.
 */
export function msgSecCheck(words: readonly string[], data: Record<string, unknown>): WeChatBody {
  const { version, content } = data;
  if (typeof content !== 'string') return fail(WX_ERR.DATA_FORMAT, 'content');
  if ([...content].length > MAX_CONTENT_LENGTH) return fail(WX_ERR.DATA_FORMAT, 'content too long');

  if (version === undefined || version === 1) {
    // Legacy v1: pass -> ok, risky -> 87014 (which the SDK throws).
    return findRiskyWord(words, [content]) === undefined ? ok() : fail(WX_ERR.RISKY_CONTENT);
  }
  if (version !== 2) return fail(WX_ERR.DATA_FORMAT, 'version');

  const { openid, scene } = data;
  if (typeof openid !== 'string') return fail(WX_ERR.DATA_FORMAT, 'openid');
  if (!OPENID_RE.test(openid)) return fail(WX_ERR.INVALID_OPENID);
  if (typeof scene !== 'number' || !Number.isInteger(scene) || scene < 1 || scene > 4) return fail(WX_ERR.DATA_FORMAT, 'scene');
  const extras: string[] = [];
  for (const k of ['title', 'nickname', 'signature'] as const) {
    const v = data[k];
    if (v === undefined) continue;
    if (typeof v !== 'string') return fail(WX_ERR.DATA_FORMAT, k);
    extras.push(v);
  }

  const hit = findRiskyWord(words, [content, ...extras]);
  const model = { strategy: 'content_model', errcode: 0, suggest: 'pass', label: 100, prob: 90 };
  if (hit === undefined) {
    return ok({ result: { suggest: 'pass', label: 100 }, detail: [model], trace_id: traceId() });
  }
  return ok({
    result: { suggest: 'risky', label: MSG_SEC_RISKY_LABEL },
    detail: [model, { strategy: 'keyword', errcode: 0, suggest: 'risky', label: MSG_SEC_RISKY_LABEL, level: 20, keyword: hit }],
    trace_id: traceId(),
  });
}

// ---------------------------------------------------------------------------------------------
// subscribeMessage.send

/** One-time subscription quotas per (openid, template), granted by wx.requestSubscribeMessage. */
export class SubscriptionState {
  private readonly quotas = new Map<string, number>();
  private seq = 0;

  private static key(openid: string, templateId: string): string {
    return `${openid}\u0000${templateId}`;
  }

  /** Each "accept" in wx.requestSubscribeMessage grants one send. */
  grant(openid: string, templateId: string, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
    const k = SubscriptionState.key(openid, templateId);
    this.quotas.set(k, (this.quotas.get(k) ?? 0) + count);
  }

  /** Use one quota; false when none is left. */
  consume(openid: string, templateId: string): boolean {
    const k = SubscriptionState.key(openid, templateId);
    const left = this.quotas.get(k) ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.quotas.delete(k);
    else this.quotas.set(k, left - 1);
    return true;
  }

  remaining(openid: string, templateId: string): number {
    return this.quotas.get(SubscriptionState.key(openid, templateId)) ?? 0;
  }

  entries(): Array<{ openid: string; templateId: string; count: number }> {
    return [...this.quotas].map(([k, count]) => {
      const [openid = '', templateId = ''] = k.split('\u0000');
      return { openid, templateId, count };
    });
  }

  /**
   * 18-digit ids like the real service (docs example: 294402298110051942). The SDK parses replies
   * with json-bigint, so any number longer than 15 digits reaches the caller as a mangled
   * BigNumber object ({s, e, c}) exactly as in production; code must not rely on msgid.
   */
  nextMsgId(now: Date): bigint {
    this.seq = (this.seq + 1) % 100000;
    return BigInt(now.getTime()) * 100000n + BigInt(this.seq);
  }

  reset(): void {
    this.quotas.clear();
    this.seq = 0;
  }
}

export interface SubscribeMessageOutboxEntry {
  /** Decimal string: the id does not fit in a double. */
  msgid: string;
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state: string;
  lang: string;
  /** ISO timestamp of the send. */
  sentAt: string;
}

const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal']);
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']);
const HAN_ONLY = /^\p{Script=Han}+$/u;
const HAS_HAN = /\p{Script=Han}/u;

/**
 * Keyword value rules from the sendMessage docs, keyed by the keyword type (the key without its
 * trailing number: thing1 -> thing). Only the documented limits that commonly break real sends
 * are checked; unknown types just need a non-empty string.
 */
const VALUE_RULES: Record<string, (v: string) => string | undefined> = {
  thing: (v) => (len(v) > 20 ? 'exceeds 20 characters' : undefined),
  short_thing: (v) => (len(v) > 5 ? 'exceeds 5 characters' : undefined),
  number: (v) => (len(v) > 32 ? 'exceeds 32 characters' : /^[-+]?\d+(\.\d+)?$/.test(v) ? undefined : 'must be a number'),
  letter: (v) => (len(v) > 32 ? 'exceeds 32 characters' : /^[A-Za-z]+$/.test(v) ? undefined : 'must be letters only'),
  symbol: (v) => (len(v) > 5 ? 'exceeds 5 characters' : undefined),
  character_string: (v) => (len(v) > 32 ? 'exceeds 32 characters' : HAS_HAN.test(v) ? 'must not contain Chinese characters' : undefined),
  phone_number: (v) => (len(v) > 17 ? 'exceeds 17 characters' : undefined),
  car_number: (v) => (len(v) > 8 ? 'exceeds 8 characters' : undefined),
  name: (v) => (HAS_HAN.test(v) ? (len(v) > 10 ? 'exceeds 10 characters' : undefined) : len(v) > 20 ? 'exceeds 20 characters' : undefined),
  phrase: (v) => (len(v) > 5 ? 'exceeds 5 characters' : HAN_ONLY.test(v) ? undefined : 'must be Chinese characters only'),
};

function len(s: string): number {
  return [...s].length;
}

function checkTemplateData(data: unknown): { data: Record<string, { value: string }> } | { error: WeChatBody } {
  if (!isRecord(data)) return { error: fail(WX_ERR.DATA_FORMAT, 'data') };
  const out: Record<string, { value: string }> = {};
  const keys = Object.keys(data);
  if (keys.length === 0) return { error: fail(WX_ERR.ARGUMENT_INVALID, 'data is empty') };
  for (const key of keys) {
    const item = data[key];
    if (!isRecord(item) || typeof item.value !== 'string') return { error: fail(WX_ERR.ARGUMENT_INVALID, `data.${key}.value invalid`) };
    const value = item.value;
    if (value.trim() === '') return { error: fail(WX_ERR.ARGUMENT_INVALID, `data.${key}.value is empty`) };
    const type = /^([a-z_]+?)\d*$/.exec(key)?.[1];
    const problem = type === undefined ? undefined : VALUE_RULES[type]?.(value);
    if (problem) return { error: fail(WX_ERR.ARGUMENT_INVALID, `data.${key}.value ${problem}`) };
    out[key] = { value };
  }
  return { data: out };
}

/**
 * subscribeMessage.send `{touser, template_id, page?, data, miniprogram_state?, lang?}`.
 * Parameters are validated first, then one subscription quota is consumed; without quota the
 * real service answers 43101.
 */
export function subscribeMessageSend(
  state: SubscriptionState,
  data: Record<string, unknown>,
  now: Date,
): { body: WeChatBody; outboxEntry?: SubscribeMessageOutboxEntry } {
  const { touser, template_id: templateId, page, miniprogram_state: mpState = 'formal', lang = 'zh_CN' } = data;
  if (typeof touser !== 'string' || !OPENID_RE.test(touser)) return { body: fail(WX_ERR.INVALID_OPENID) };
  if (typeof templateId !== 'string' || templateId.trim() === '') return { body: fail(WX_ERR.INVALID_TEMPLATE_ID) };
  if (page !== undefined && typeof page !== 'string') return { body: fail(WX_ERR.DATA_FORMAT, 'page') };
  if (typeof mpState !== 'string' || !MINIPROGRAM_STATES.has(mpState)) return { body: fail(WX_ERR.ARGUMENT_INVALID, 'miniprogram_state') };
  if (typeof lang !== 'string' || !LANGS.has(lang)) return { body: fail(WX_ERR.ARGUMENT_INVALID, 'lang') };
  const checked = checkTemplateData(data.data);
  if ('error' in checked) return { body: checked.error };

  if (!state.consume(touser, templateId)) return { body: fail(WX_ERR.USER_REFUSED) };

  const msgid = state.nextMsgId(now);
  const outboxEntry: SubscribeMessageOutboxEntry = {
    msgid: msgid.toString(),
    touser,
    template_id: templateId,
    ...(page === undefined ? {} : { page }),
    data: checked.data,
    miniprogram_state: mpState,
    lang,
    sentAt: now.toISOString(),
  };
  // bigint in the body: encodeOpenApiBody writes it as a bare JSON number, digits intact.
  return { body: ok({ msgid }), outboxEntry };
}

// ---------------------------------------------------------------------------------------------
// phonenumber.getPhoneNumber (手机号快速验证)

/** "每个code只能使用一次，code的有效期为5min". */
export const PHONE_CODE_TTL_MS = 5 * 60 * 1000;
/** Codes kept at once; the oldest go first (a runaway client must not grow the local cloud without bound). */
const MAX_PHONE_CODES = 10_000;

interface PhoneCodeGrant {
  openid: string;
  purePhoneNumber: string;
  countryCode: string;
  /** When the person tapped the button (the reply's watermark.timestamp). */
  mintedAt: Date;
}

/**
 * The codes WeChat's phone-number button has handed out: each stands for one person's choice of
 * number, is good for one exchange, and expires.
 */
export class PhoneCodeState {
  private readonly codes = new Map<string, PhoneCodeGrant>();

  /** What the button does on a phone: a fresh code for this person and number. */
  mint(openid: string, purePhoneNumber: string, countryCode: string, now: Date): string {
    for (const [code, grant] of this.codes) {
      if (this.codes.size < MAX_PHONE_CODES && now.getTime() - grant.mintedAt.getTime() <= PHONE_CODE_TTL_MS) break;
      this.codes.delete(code);
    }
    const code = randomBytes(32).toString('hex');
    this.codes.set(code, { openid, purePhoneNumber, countryCode, mintedAt: now });
    return code;
  }

  /**
   * The grant behind a code, used up; null for a code that is unknown, used, expired, or (when
   * `openid` is given, as the API's optional parameter checks) another person's. A code refused
   * for its openid stays usable by its owner.
   */
  redeem(code: string, openid: string | undefined, now: Date): PhoneCodeGrant | null {
    const grant = this.codes.get(code);
    if (!grant) return null;
    if (now.getTime() - grant.mintedAt.getTime() > PHONE_CODE_TTL_MS) {
      this.codes.delete(code);
      return null;
    }
    if (openid !== undefined && openid !== grant.openid) return null;
    this.codes.delete(code);
    return grant;
  }

  reset(): void {
    this.codes.clear();
  }
}

/**
 * phonenumber.getPhoneNumber `{code, openid?}` -> `{phone_info: {phoneNumber, purePhoneNumber,
 * countryCode, watermark: {timestamp, appid}}}`. Every refused code is 40029 (invalid code), as
 * WeChat answers a forged, reused or expired one; the documentation names no other code for an
 * openid that does not match, so it is answered the same way.
 */
export function getPhoneNumber(state: PhoneCodeState, data: Record<string, unknown>, now: Date, appid: string): WeChatBody {
  const { code, openid } = data;
  if (typeof code !== 'string' || code === '') return fail(WX_ERR.INVALID_CODE);
  if (openid !== undefined && (typeof openid !== 'string' || !OPENID_RE.test(openid))) return fail(WX_ERR.INVALID_OPENID);
  const grant = state.redeem(code, openid, now);
  if (!grant) return fail(WX_ERR.INVALID_CODE, traceId());
  const { purePhoneNumber, countryCode } = grant;
  return ok({
    phone_info: {
      phoneNumber: countryCode === '86' ? purePhoneNumber : `+${countryCode}${purePhoneNumber}`,
      purePhoneNumber,
      countryCode,
      watermark: { timestamp: Math.floor(grant.mintedAt.getTime() / 1000), appid },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Dispatch table

export interface OpenApiContext {
  /** Words that make msgSecCheck report 'risky' (case-insensitive substring match). */
  sensitiveWords: readonly string[];
  subscriptions: SubscriptionState;
  phoneCodes: PhoneCodeState;
  /** The mini-program's appid (getPhoneNumber's watermark). */
  appid: string;
  now: Date;
}

export interface OpenApiResult {
  body: WeChatBody;
  /** Set when a subscribe message was accepted; the caller stores it in its outbox. */
  outboxEntry?: SubscribeMessageOutboxEntry;
}

export type OpenApiHandler = (ctx: OpenApiContext, data: Record<string, unknown>) => OpenApiResult;

/**
 * Keyed by the dotted name the SDK sends in the multipart `apiName` field, which is the
 * `cloud.openapi.<a>.<b>` proxy path verbatim (also the name used in config.json permissions).
 * Unknown names should be answered with platform error -604100 (API not found).
 */
export const openApiHandlers: Record<string, OpenApiHandler> = {
  'security.msgSecCheck': (ctx, data) => ({ body: msgSecCheck(ctx.sensitiveWords, data) }),
  'subscribeMessage.send': (ctx, data) => subscribeMessageSend(ctx.subscriptions, data, ctx.now),
  'phonenumber.getPhoneNumber': (ctx, data) => ({ body: getPhoneNumber(ctx.phoneCodes, data, ctx.now, ctx.appid) }),
};
