/**
 * Hostile payloads against every action of the contract: deep, wide and huge values in every
 * top-level field, wrong types, MongoDB operators and prototype keys; whole inputs that are too
 * deep, too large or not objects; broken envelopes. Every call must end as the platform's refusal
 * (-501007) or as a function reply with a stable code and a Chinese message — never INTERNAL, a
 * 500/504 or a non-JSON body — and not one byte of the database may change. Afterwards every
 * function still serves an honest call at once.
 *
 * Two ways in. A payload the action's input schema refuses is refused by the router before any
 * handler runs, the same for every action, and so is a stranger calling an action that is not open
 * to anyone: those (nine in ten) go through the function's real router in this process, with a
 * store that answers the caller's request and fails the call on any other use — so nothing can
 * have been read for them or written. Everything else goes through the client endpoint exactly as
 * the mini-program calls it: what the platform refuses (too deep, too large), what the schema lets
 * through, broken envelopes.
 *
 * Built from `contract`, so a new action (or a new field) is fuzzed without touching this file.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createRouter } from '../../backend/router';
import { type ActionName, contract, type FunctionName, functionOf } from '../../core/contract';
import type { Handlers } from '../../core/handlers';
import { COLLECTIONS } from '../../core/model';
import type { Deps, Store } from '../../core/ports';
import type { Reply } from '../../core/reply';
import { activityHandlers } from '../../core/usecases/activity';
import { affairHandlers } from '../../core/usecases/affair';
import { catalogHandlers } from '../../core/usecases/catalog';
import { certificateHandlers } from '../../core/usecases/certificate';
import { communityHandlers } from '../../core/usecases/community';
import { departmentHandlers } from '../../core/usecases/department';
import { dispatchHandlers } from '../../core/usecases/dispatch';
import { mallHandlers } from '../../core/usecases/mall';
import { orderHandlers } from '../../core/usecases/order';
import { patrolHandlers } from '../../core/usecases/patrol';
import { councilHandlers } from '../../core/usecases/council';
import { householdHandlers } from '../../core/usecases/household';
import { pointsHandlers } from '../../core/usecases/points';
import { recordHandlers } from '../../core/usecases/record';
import { reportHandlers } from '../../core/usecases/report';
import { scoringHandlers } from '../../core/usecases/scoring';
import { statsHandlers } from '../../core/usecases/stats';
import { userHandlers } from '../../core/usecases/user';
import { accountHandlers } from '../../core/usecases/account';
import { volunteerHandlers } from '../../core/usecases/volunteer';
import type { LocalCloud } from '../../localcloud/src/server';
import { DEMO, snapshot, startLinli } from '../helpers/linli';
import { seed, userDoc, volunteerDoc } from '../helpers/seed';

/** The codes a refused hostile call may reply with (INTERNAL is never one of them). */
const ALLOWED_CODES = new Set(['INVALID_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNKNOWN_ACTION', 'LIMIT_REACHED', 'CONTENT_RISKY']);
const CJK = /[\u3400-\u9fff]/;
/** Calls in flight at once. */
const CONCURRENCY = 8;
/**
 * Instances per function: few, so a slot that is never given back soon starves the pool (and fewer
 * cold starts keep the suite fast on two cores).
 */
const WORKERS_PER_FUNCTION = 2;
/**
 * Holds every role at once: admin by LINLI_ADMIN_OPENIDS (startLinli sets it to demo-admin), and
 * resident, staff, grid worker, department staff and approved volunteer by the documents seeded below. Role checks
 * pass for every action, so each hostile input reaches the input parser.
 */
const EVERYONE = DEMO.admin;
/** Never registered: the whole-input variants also run as them. */
const STRANGER = 'o-fuzz-stranger';

// ---- the payloads ------------------------------------------------------------------------------

/** `depth` nested arrays around "x", as JSON text (written out: JSON.stringify recurses). */
const deepArrays = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
const json = (value: unknown) => JSON.stringify(value);
/** Parsed from text, so `__proto__` is an own key (an object literal would set the prototype). */
const PROTOTYPE_KEYS = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
const MANY_STRINGS = json(Array.from({ length: 5000 }, (_, i) => `s${i}`));
const wideObject = (keys: number, prefix: string) => json(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`${prefix}${i}`, i])));
const WIDE_OBJECT = wideObject(2000, 'k');
const JUNK_KEYS = wideObject(5000, 'junk');
/** 90 KB: with the envelope, the event stays under the platform's 100 KB. */
const HUGE_STRING = json('x'.repeat(90 * 1024));
const OVERSIZED_INPUT = json({ s: 'x'.repeat(200 * 1024) });

type Expect = 'platform' | 'function';
interface Variant {
  /** For failure messages: the action (or function), the field and what was sent. */
  label: string;
  name: string;
  openid: string;
  /** The `data` of the call as JSON text. */
  data: string;
  expect: Expect;
}

/** Field variants: `value` is JSON text. `kind` is the field's base type (zod's def.type). */
function fieldValues(kind: string): Array<[string, string]> {
  const scalar = kind === 'number' || kind === 'boolean';
  const values: Array<[string, string]> = [
    ['nested 60 deep', deepArrays(60)],
    ['a 90 KB string', HUGE_STRING],
    ['5,000 strings', MANY_STRINGS],
    ['2,000 keys', WIDE_OBJECT],
    ['null', 'null'],
    // true is a right value for a yes/no field; "true" is the wrong type there.
    kind === 'boolean' ? ['"true" as text', '"true"'] : ['true', 'true'],
    ['1e308', '1e308'],
    ['-1', '-1'],
    ['empty text', '""'],
    kind === 'number' ? ['text for a number', '"12"'] : ['a number for text', '12345'],
  ];
  // A number or yes/no field refuses every object alike (the 2,000 keys already show it): operators
  // and prototype keys go where an object could pass for text, an id or a nested object.
  if (scalar) return values;
  return [
    ...values,
    ['{$ne:null}', '{"$ne":null}'],
    ['{$gt:""}', '{"$gt":""}'],
    ['{$where:"1"}', '{"$where":"1"}'],
    ['{$regex:".*"}', '{"$regex":".*"}'],
    ['prototype keys', PROTOTYPE_KEYS],
  ];
}

/**
 * Whole inputs: [label, JSON text, expected]. A stranger is turned away before their input is read
 * (roles first), except by actions open to anyone: elsewhere they get the STRANGER_INPUTS only.
 */
const WHOLE_INPUTS: Array<[string, string, Expect]> = [
  ['input nested 10,000 deep', deepArrays(10_000), 'platform'],
  ['input of 200 KB', OVERSIZED_INPUT, 'platform'],
  ['input as an array', '[1,"a",{"b":null}]', 'function'],
  ['input as text', '"hello"', 'function'],
  ['input null', 'null', 'function'],
  ['input as a number', '42', 'function'],
  ['input with 5,000 junk keys', JUNK_KEYS, 'function'],
  ['input with prototype keys', PROTOTYPE_KEYS, 'function'],
  ['input of operators', '{"$where":"1","$ne":null,"$or":[{"_id":{"$exists":true}}]}', 'function'],
];
const STRANGER_INPUTS = new Set(['input nested 10,000 deep', 'input of 200 KB', 'input with 5,000 junk keys', 'input with prototype keys']);

/** Envelopes sent to a function: [label, data as JSON text, expected]. */
function envelopes(fn: string, otherAction: string): Array<[string, string, Expect]> {
  return [
    ['data without action', '{"input":{}}', 'function'],
    ['action as an object', '{"action":{"$ne":null},"input":{}}', 'function'],
    ['action of another function', json({ action: otherAction, input: {} }), 'function'],
    ['action nested 10,000 deep', `{"action":${deepArrays(10_000)},"input":{}}`, 'platform'],
    ['action empty', '{"action":"","input":{}}', 'function'],
    [`action ${fn}.__proto__`, json({ action: `${fn}.__proto__`, input: {} }), 'function'],
    [`action ${fn}.constructor`, json({ action: `${fn}.constructor`, input: {} }), 'function'],
    [`action ${fn}.hasOwnProperty`, json({ action: `${fn}.hasOwnProperty`, input: {} }), 'function'],
    ['data as an array', '[{"action":"x"}]', 'function'],
    ['data as text', '"user.me"', 'function'],
    ['data as a number', '7', 'function'],
    ['data null', 'null', 'function'],
    ['data with prototype keys', PROTOTYPE_KEYS, 'function'],
  ];
}

// ---- the contract, introspected (zod 4) ---------------------------------------------------------

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Through optional, default, pipe (its input side)… to the schema that checks the value's type. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (let current = schema; ; ) {
    const def = defOf(current);
    if (def.innerType && ['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch'].includes(def.type)) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** Top-level fields and their base types; null for an input that is not an object. */
function fieldsOf(schema: z.ZodType): Map<string, string> | null {
  const def = defOf(unwrap(schema));
  if (def.type === 'object' && def.shape) return new Map(Object.entries(def.shape).map(([key, inner]) => [key, defOf(unwrap(inner)).type]));
  if (def.type === 'union' && def.options) {
    const fields = new Map<string, string>();
    for (const option of def.options) {
      const inner = fieldsOf(option);
      if (!inner) return null;
      for (const [key, kind] of inner) if (!fields.has(key)) fields.set(key, kind);
    }
    return fields;
  }
  return null;
}

const ACTIONS = Object.keys(contract) as ActionName[];
const FUNCTIONS = [...new Set(ACTIONS.map(functionOf))];

function variantsOf(action: ActionName): Variant[] {
  const name = functionOf(action);
  const variants: Variant[] = [];
  const event = (input: string) => `{"action":${json(action)},"input":${input}}`;
  for (const [field, kind] of fieldsOf(contract[action].input) ?? []) {
    for (const [what, value] of fieldValues(kind)) {
      variants.push({ label: `${action} · ${field} · ${what}`, name, openid: EVERYONE, data: event(`{${json(field)}:${value}}`), expect: 'function' });
    }
  }
  const openToAnyone = contract[action].roles.includes('anyone');
  for (const openid of [EVERYONE, STRANGER]) {
    for (const [what, input, expected] of WHOLE_INPUTS) {
      if (openid === STRANGER && !openToAnyone && !STRANGER_INPUTS.has(what)) continue;
      variants.push({ label: `${action} · (whole input as ${openid}) · ${what}`, name, openid, data: event(input), expect: expected });
    }
  }
  return variants;
}

function envelopeVariants(fn: string): Variant[] {
  const otherAction = ACTIONS.find((action) => functionOf(action) !== fn)!;
  return envelopes(fn, otherAction).map(([what, data, expected]) => ({ label: `function ${fn} · (envelope) · ${what}`, name: fn, openid: EVERYONE, data, expect: expected }));
}

// ---- calling -------------------------------------------------------------------------------------

interface Outcome {
  status: number;
  text: string;
  body: Record<string, unknown> | null;
}

/** POSTs a pre-serialised body to /client/callFunction (so `__proto__` stays a key and depth is exact). */
function post(cloud: LocalCloud, openid: string, name: string, data: string): Promise<Outcome> {
  const payload = `{"name":${json(name)},"data":${data}}`;
  return new Promise((resolve, reject) => {
    const request = http.request(
      cloud.clientUrl,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), 'x-wx-openid': openid } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> | null = null;
          try {
            const parsed: unknown = JSON.parse(text);
            if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
          } catch {
            body = null;
          }
          resolve({ status: response.statusCode ?? 0, text, body });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Runs `work` over `items`, `limit` at a time. */
async function pooled<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

interface Tally {
  calls: number;
  /** Of them, through the router in this process (see refusedBeforeHandler). */
  inProcess: number;
  platform: number;
  byCode: Map<string, number>;
  ok: number;
  okActions: Set<string>;
}

/** What is wrong with one call's outcome (null: nothing), and counts it. */
function judge(cloud: LocalCloud, variant: Variant, outcome: Outcome, tally: Tally): string | null {
  tally.calls += 1;
  const { status, body, text } = outcome;
  const shown = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  if (!body) return `${variant.label}: HTTP ${status} with a body that is not a JSON object: ${shown}`;
  if (variant.expect === 'platform') {
    if (status === 400 && body.errCode === -501007) {
      tally.platform += 1;
      return null;
    }
    return `${variant.label}: expected the platform's refusal (HTTP 400, -501007), got HTTP ${status}: ${shown}`;
  }
  if (status !== 200) return `${variant.label}: expected a function reply, got HTTP ${status}: ${shown}`;
  const result = body.result as { ok?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
  if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') return `${variant.label}: the reply is not { ok, … }: ${shown}`;
  if (result.ok) {
    tally.ok += 1;
    tally.okActions.add(variant.label.split(' · ')[0]!);
    return null;
  }
  const code = String(result.error?.code);
  const message = result.error?.message;
  tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + 1);
  const problems: string[] = [];
  if (!ALLOWED_CODES.has(code)) {
    const record = cloud.runtime.recent(500).find((entry) => entry.id === body.requestID);
    const logs = record ? record.logs.join(' | ').slice(0, 600) : '(no log record)';
    problems.push(`replied ${code} (logs: ${logs})`);
  }
  if (typeof message !== 'string' || !CJK.test(message)) problems.push(`message is not Chinese: ${JSON.stringify(message)}`);
  return problems.length > 0 ? `${variant.label}: ${problems.join('; ')}` : null;
}

/** The documents that differ between two snapshots, for a failure message: each around its first change. */
function difference(before: string, after: string): string {
  const old = new Set(before.split('\n'));
  const now = new Set(after.split('\n'));
  const removed = [...old].filter((line) => !now.has(line));
  const added = [...now].filter((line) => !old.has(line));
  const idOf = (line: string) => /^\{"collection":"[^"]*","doc":\{"_id":("(?:[^"\\]|\\.)*")/.exec(line)?.[0] ?? line.slice(0, 80);
  const lines: string[] = [];
  for (const line of added) {
    const was = removed.find((other) => idOf(other) === idOf(line));
    if (!was) {
      lines.push(`+ ${line.slice(0, 300)}`);
      continue;
    }
    let at = 0;
    while (at < line.length && line[at] === was[at]) at += 1;
    const from = Math.max(0, at - 40);
    lines.push(`~ ${idOf(line)}: …${was.slice(from, at + 120)} → …${line.slice(from, at + 120)}`);
  }
  for (const line of removed) if (!added.some((other) => idOf(other) === idOf(line))) lines.push(`- ${line.slice(0, 300)}`);
  return lines.slice(0, 8).join('\n    ');
}

// ---- in process: what the input schema refuses --------------------------------------------------

const HANDLERS: { [F in FunctionName]: Handlers<F> } = {
  user: { ...userHandlers, ...accountHandlers },
  community: communityHandlers,
  catalog: catalogHandlers,
  volunteer: volunteerHandlers,
  order: orderHandlers,
  dispatch: dispatchHandlers,
  scoring: scoringHandlers,
  points: pointsHandlers,
  mall: mallHandlers,
  stats: statsHandlers,
  activity: activityHandlers,
  record: recordHandlers,
  certificate: certificateHandlers,
  report: reportHandlers,
  department: departmentHandlers,
  affair: affairHandlers,
  patrol: patrolHandlers,
  council: councilHandlers,
  household: householdHandlers,
};

/**
 * A variant the router refuses before any handler runs: one the action's input schema refuses, or a
 * stranger calling an action not open to anyone (roles are checked first). The platform's own
 * refusals (too deep, too large) are not among them: only the client endpoint can show those.
 */
function refusedBeforeHandler(variant: Variant): boolean {
  if (variant.expect !== 'function') return false;
  const event: unknown = JSON.parse(variant.data);
  if (!event || typeof event !== 'object' || Array.isArray(event)) return false;
  const { action, input } = event as { action?: unknown; input?: unknown };
  if (typeof action !== 'string' || !Object.hasOwn(contract, action) || functionOf(action as ActionName) !== variant.name) return false;
  if (variant.openid === STRANGER) return !contract[action as ActionName].roles.includes('anyone');
  return variant.openid === EVERYONE && !contract[action as ActionName].input.safeParse(input ?? {}).success;
}

/**
 * EVERYONE as the caller's one request returns them (every role; the demo community's grids), and
 * STRANGER nobody. Any other use of the store throws, so the call it came from ends as INTERNAL and
 * is reported.
 */
function callerOnlyStore(): Store {
  const caller = {
    _id: EVERYONE,
    communityId: DEMO.community,
    name: '全能测试员',
    phone: '13700000000',
    address: { gridId: 'g1', building: '1栋' },
    roles: ['resident', 'staff', 'grid_worker', 'department'],
    gridIds: ['g1', 'g2'],
    departmentId: 'dept-property',
    volunteer: [{ _id: EVERYONE, communityId: DEMO.community, realName: '全能测试员', status: 'approved', skills: ['送餐'], available: true, stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 } }],
    community: [],
    points: [],
  };
  const refuse = (what: string): never => {
    throw new Error(`the store was used (${what}) for an input its schema refuses`);
  };
  return {
    collection: (name: string) =>
      ({
        findJoined: async (where: Record<string, unknown>) => {
          if (name === COLLECTIONS.users && where._id === EVERYONE) return [caller];
          if (name === COLLECTIONS.users && where._id === STRANGER) return [];
          return refuse(`${name}.findJoined`);
        },
        // Someone with no user document may still have applied as a volunteer or be an administrator: the caller's second look.
        get: async (id: string) => ((name === COLLECTIONS.volunteers || name === COLLECTIONS.admins) && id === STRANGER ? null : refuse(`${name}.get`)),
        find: () => refuse(`${name}.find`),
        count: () => refuse(`${name}.count`),
        sum: () => refuse(`${name}.sum`),
        add: () => refuse(`${name}.add`),
        update: () => refuse(`${name}.update`),
        remove: () => refuse(`${name}.remove`),
      }) as never,
    transaction: () => refuse('a transaction'),
  };
}

const IN_PROCESS_DEPS: Deps = {
  store: callerOnlyStore(),
  clock: { now: () => new Date() },
  random: { id: () => 'fuzz-id', digits: (length) => '7'.repeat(length), code: (length) => 'A'.repeat(length) },
  content: { check: async () => 'pass' },
  notifier: { notify: async () => undefined },
  phones: { exchange: async () => null },
  files: {
    upload: async () => { throw new Error('files were written for an input its schema refuses'); },
    temporaryUrl: async () => { throw new Error('files were read for an input its schema refuses'); },
    remove: async () => { throw new Error('files were removed for an input its schema refuses'); },
  },
  spreadsheets: {
    write: async () => { throw new Error('a spreadsheet was written for an input its schema refuses'); },
  },
  adminOpenids: new Set([EVERYONE]),
};

/** The caller the in-process routers see: set just before each call (calls run one at a time). */
let inProcessCaller: string = EVERYONE;
const routers = new Map(
  FUNCTIONS.map((fn) => [fn, createRouter(fn as FunctionName, HANDLERS[fn as FunctionName] as never, () => IN_PROCESS_DEPS, () => ({ OPENID: inProcessCaller, SOURCE: 'wx_client' }))]),
);

/** What is wrong with the router's reply to a variant it refuses before any handler (null: nothing). */
async function judgeInProcess(variant: Variant, tally: Tally): Promise<string | null> {
  tally.calls += 1;
  tally.inProcess += 1;
  inProcessCaller = variant.openid;
  const reply = (await routers.get(variant.name as FunctionName)!(JSON.parse(variant.data))) as Reply<unknown>;
  const why = variant.openid === STRANGER ? 'a stranger may not call it' : 'its input schema refuses it';
  if (reply.ok) return `${variant.label}: ${why}, yet the call succeeded`;
  const { code, message } = reply.error;
  tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + 1);
  const problems: string[] = [];
  const expected = variant.openid === STRANGER ? 'UNAUTHENTICATED' : 'INVALID_INPUT';
  if (code !== expected) problems.push(`replied ${code} (expected ${expected}: ${message})`);
  if (!CJK.test(message)) problems.push(`message is not Chinese: ${JSON.stringify(message)}`);
  return problems.length > 0 ? `${variant.label}: ${problems.join('; ')}` : null;
}

// ---- the suite ------------------------------------------------------------------------------------

/**
 * Reads that count themselves against the caller's daily limit: a payload that is a valid request
 * (null is read as {}) is served, and moves that count. Nothing else of theirs may change.
 */
const COUNTED_READS: Partial<Record<ActionName, RegExp>> = {
  'stats.trend': /^\{"collection":"quotas","doc":\{"_id":"stats_trend:/,
};
const withoutCount = (action: string, lines: string): string => {
  const count = COUNTED_READS[action as ActionName];
  return count ? lines.split('\n').filter((line) => !count.test(line)).join('\n') : lines;
};

/** One honest, read-only call per function, as the demo user who would make it. */
const HONEST: Record<string, { openid: string; action: ActionName; input: Record<string, unknown> }> = {
  user: { openid: DEMO.resident, action: 'user.me', input: {} },
  community: { openid: DEMO.resident, action: 'community.list', input: {} },
  catalog: { openid: DEMO.resident, action: 'catalog.list', input: {} },
  volunteer: { openid: DEMO.staff, action: 'volunteer.list', input: {} },
  order: { openid: DEMO.resident, action: 'order.listMine', input: {} },
  dispatch: { openid: DEMO.volunteer, action: 'dispatch.hall', input: {} },
  scoring: { openid: DEMO.staff, action: 'scoring.pending', input: {} },
  points: { openid: DEMO.resident, action: 'points.balance', input: {} },
  mall: { openid: DEMO.resident, action: 'mall.goods', input: {} },
  stats: { openid: DEMO.staff, action: 'stats.overview', input: {} },
  activity: { openid: DEMO.resident, action: 'activity.list', input: {} },
  record: { openid: DEMO.volunteer, action: 'record.mine', input: {} },
  certificate: { openid: DEMO.volunteer, action: 'certificate.mine', input: {} },
  affair: { openid: DEMO.resident, action: 'affair.list', input: {} },
};

/** For a function not listed above: its first action that takes an empty input, as EVERYONE. */
function honestCallOf(fn: string): { openid: string; action: ActionName; input: Record<string, unknown> } | undefined {
  if (HONEST[fn]) return HONEST[fn];
  const action = ACTIONS.find((name) => functionOf(name) === fn && contract[name].input.safeParse({}).success);
  return action && { openid: EVERYONE, action, input: {} };
}

describe('hostile payloads against every action', () => {
  let cloud: LocalCloud;
  const tally: Tally = { calls: 0, inProcess: 0, platform: 0, byCode: new Map(), ok: 0, okActions: new Set() };

  beforeAll(async () => {
    // No timers: nothing but the calls under test may touch the database.
    cloud = await startLinli({ timers: [], maxWorkersPerFunction: WORKERS_PER_FUNCTION });
    seed(cloud, 'users', [{ ...userDoc(EVERYONE, '全能测试员', { roles: ['resident', 'staff', 'grid_worker', 'department'] }), gridIds: ['g1', 'g2'], departmentId: 'dept-property' }]);
    seed(cloud, 'volunteers', [volunteerDoc(EVERYONE, '全能测试员', { skills: ['送餐', '陪诊', '理发', '家电维修', '跑腿', '陪伴', '保洁', '助浴', '代购'] })]);
  });
  afterAll(() => cloud?.close());

  it('every call is refused by the platform or the function, and the database does not change', async () => {
    const started = performance.now();
    const failures: string[] = [];
    const batches: Array<{ label: string; variants: Variant[] }> = [
      ...ACTIONS.map((action) => ({ label: action, variants: variantsOf(action) })),
      ...FUNCTIONS.map((fn) => ({ label: `function ${fn} (envelopes)`, variants: envelopeVariants(fn) })),
    ];
    for (const batch of batches) {
      const inProcess = batch.variants.filter(refusedBeforeHandler);
      for (const variant of inProcess) {
        const problem = await judgeInProcess(variant, tally);
        if (problem) failures.push(problem);
      }
      const throughTheCloud = batch.variants.filter((variant) => !inProcess.includes(variant));
      const before = snapshot(cloud);
      await pooled(throughTheCloud, CONCURRENCY, async (variant) => {
        const problem = judge(cloud, variant, await post(cloud, variant.openid, variant.name, variant.data), tally);
        if (problem) failures.push(problem);
      });
      const after = snapshot(cloud);
      if (withoutCount(batch.label, after) === withoutCount(batch.label, before)) continue;
      // Find the call that wrote: once more, one at a time (what is written twice shows twice).
      const writers: string[] = [];
      let current = after;
      for (const variant of throughTheCloud) {
        await post(cloud, variant.openid, variant.name, variant.data);
        const next = snapshot(cloud);
        if (next !== current) writers.push(`${variant.label}\n    ${difference(current, next)}`);
        current = next;
      }
      failures.push(
        `${batch.label}: the database changed\n    ${difference(before, after)}\n  ${writers.length > 0 ? `written again by:\n  ${writers.join('\n  ')}` : '(not written again when replayed one at a time)'}`,
      );
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const codes = [...tally.byCode].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code} ${count}`).join(', ');
    console.log(
      `fuzz: ${ACTIONS.length} actions in ${FUNCTIONS.length} functions, ${tally.calls} calls in ${seconds} s (${tally.inProcess} refused before any handler (by role or schema), through the router in process; ${tally.calls - tally.inProcess} through the local cloud): ` +
        `${tally.platform} refused by the platform, ${tally.calls - tally.platform - tally.ok} by the function (${codes}), ` +
        `${tally.ok} ok (read-only: ${[...tally.okActions].sort().join(', ')})`,
    );
    expect(failures, failures.join('\n')).toEqual([]);
  }, 300_000);

  it('afterwards every function serves an honest call at once, and no slot is held', async () => {
    for (const fn of FUNCTIONS) {
      const honest = honestCallOf(fn);
      expect(honest, `an honest call for function ${fn}: add one to HONEST`).toBeDefined();
      // More calls at once than the function has instances: each instance is taken and given back.
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: WORKERS_PER_FUNCTION + 1 }, () => post(cloud, honest!.openid, fn, json({ action: honest!.action, input: honest!.input }))),
      );
      const ms = performance.now() - started;
      for (const outcome of outcomes) {
        expect(outcome.status, `${honest!.action}: ${outcome.text.slice(0, 300)}`).toBe(200);
        expect((outcome.body?.result as { ok?: boolean } | undefined)?.ok, `${honest!.action}: ${outcome.text.slice(0, 300)}`).toBe(true);
      }
      expect(ms, `${WORKERS_PER_FUNCTION + 1} honest ${honest!.action} calls took ${Math.round(ms)} ms`).toBeLessThan(5_000);
    }
    expect(cloud.runtime.recent(500).filter((record) => record.status === 'running'), 'invocations still running').toEqual([]);
  }, 120_000);

  it('did not pollute Object.prototype in this process', () => {
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });
});
