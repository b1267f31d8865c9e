import { BSONRegExp, EJSON } from 'bson';

/** A stored document: EJSON decoded in relaxed mode (numbers as JS numbers, dates as Date). */
export type Doc = Record<string, unknown> & { _id?: unknown };

const SERVER_DATE = '$tcb_server_date';

/**
 * Decodes an EJSON string sent by the SDK. `db.serverDate({offset})` arrives as
 * {"$tcb_server_date":{"offset":N}} and becomes a Date at the server's (possibly virtual) now;
 * BSON regular expressions become JS RegExp so mingo can evaluate them.
 */
export function decodeEjson(text: string, nowMs: number): unknown {
  return resolveSpecials(EJSON.parse(text, { relaxed: true }), nowMs);
}

export function resolveSpecials(value: unknown, nowMs: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof RegExp) return value;
  if (value instanceof BSONRegExp) return new RegExp(value.pattern, toJsRegExpFlags(value.options));
  if (Array.isArray(value)) return value.map((item) => resolveSpecials(item, nowMs));
  const record = value as Record<string, unknown>;
  const serverDate = record[SERVER_DATE];
  if (serverDate !== undefined && Object.keys(record).length === 1) {
    const offset = Number((serverDate as { offset?: unknown } | null)?.offset ?? 0);
    return new Date(nowMs + (Number.isFinite(offset) ? offset : 0));
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record)) out[key] = resolveSpecials(inner, nowMs);
  return out;
}

/** BSON allows flags JS does not know (x, l); keep the ones JS understands. */
function toJsRegExpFlags(options: string): string {
  return [...new Set(options.split(''))].filter((flag) => 'imsu'.includes(flag)).join('');
}

/** Canonical EJSON, the form the real service sends back and the form we persist. */
export function encodeEjson(value: unknown): string {
  return EJSON.stringify(value as Parameters<typeof EJSON.stringify>[0], { relaxed: false });
}

/** Parses an EJSON field that may be absent or empty. */
export function decodeOptional(text: unknown, nowMs: number): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  return decodeEjson(text, nowMs);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof RegExp)
  );
}
