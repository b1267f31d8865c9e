/**
 * Scenario harness: a local cloud running linli's real cloud functions (built from cloudfunctions/)
 * on the schema in database/, and typed calls through /client/callFunction as a given openid.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionName, InputOf, OutputOf } from '../../core/contract';
import { functionOf } from '../../core/contract';
import type { Reply } from '../../core/reply';
import { readSchema } from '../../localcloud/src/config';
import { DEFAULT_APP_SECRET, type LocalCloud, type LocalCloudOptions } from '../../localcloud/src/server';
import { postJson, REPO_ROOT, startTestCloud } from './localcloud';

export const DEMO = {
  admin: 'demo-admin',
  staff: 'demo-staff',
  /** A second staff member (王建国), so four-eyes approvals can be shown. */
  staff2: 'demo-staff-2',
  /** A grid worker (周网格) for grid g1. */
  grid: 'demo-grid',
  /** Someone of the demo department 幸福里物业服务中心 (dept-property; handles 环境卫生 and 设施损坏). */
  dept: 'demo-dept',
  resident: 'demo-resident',
  volunteer: 'demo-volunteer',
  applicant: 'demo-applicant',
  community: 'demo-community',
} as const;

export interface LinliOptions extends LocalCloudOptions {
  /** Import database/demo-data (default true). */
  demo?: boolean;
  /**
   * Only these functions keep their timer triggers. A test that moves the clock on by weeks does
   * not want thousands of runs of the 5-minute dispatch timer it does not look at.
   */
  timers?: string[];
  /** LINLI_ADMIN_OPENIDS, the deployment's administrators (default: DEMO.admin; [] for none). */
  admins?: string[];
}

const FUNCTIONS_ROOT = path.join(REPO_ROOT, 'cloudfunctions');

/** The built functions, linked into a scratch folder, with every timer trigger off but those of `keep`. */
function functionsWithTimers(keep: readonly string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-timers-'));
  for (const name of fs.readdirSync(FUNCTIONS_ROOT)) {
    const dir = path.join(FUNCTIONS_ROOT, name);
    if (!fs.existsSync(path.join(dir, 'config.json'))) continue;
    fs.mkdirSync(path.join(root, name));
    for (const file of ['index.js', 'package.json']) if (fs.existsSync(path.join(dir, file))) fs.symlinkSync(path.join(dir, file), path.join(root, name, file));
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { triggers?: unknown };
    if (!keep.includes(name)) delete config.triggers;
    fs.writeFileSync(path.join(root, name, 'config.json'), JSON.stringify(config));
  }
  return root;
}

export async function startLinli(options: LinliOptions = {}): Promise<LocalCloud> {
  // Workers inherit this process's environment, as functions get theirs from the console.
  const { demo = true, timers, admins = [DEMO.admin], ...rest } = options;
  process.env.LINLI_ADMIN_OPENIDS = admins.join(',');
  const scratch = timers ? functionsWithTimers(timers) : null;
  const cloud = await startTestCloud({
    functionRoots: [scratch ?? FUNCTIONS_ROOT],
    schema: readSchema(path.join(REPO_ROOT, 'database/schema.json')),
    seed: demo ? path.join(REPO_ROOT, 'database/demo-data') : undefined,
    echoFunctionLogs: process.env.LINLI_ECHO === '1',
    // A query of a function that no declared index serves fails its request (database/index-exceptions.json lists the accepted ones).
    indexAdvice: 'strict',
    // Two instances per function still run calls side by side (the races tests look for), and each
    // further instance is a cold start (wx-server-sdk and the function loaded again, some 350 ms of CPU).
    maxWorkersPerFunction: 2,
    ...rest,
  });
  if (!scratch) return cloud;
  const close = cloud.close.bind(cloud);
  cloud.close = async () => {
    await close();
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  return cloud;
}

export interface CallOptions {
  /** Send the raw `data` instead of `{ action, input }` (to test malformed requests). */
  raw?: unknown;
}

/** Calls an action as `openid`, the way the mini-program's api layer does. */
export async function call<A extends ActionName>(cloud: LocalCloud, openid: string, action: A, input: InputOf<A>): Promise<Reply<OutputOf<A>>> {
  return callRaw(cloud, openid, functionOf(action), { action, input }) as Promise<Reply<OutputOf<A>>>;
}

export async function callRaw(cloud: LocalCloud, openid: string, name: string, data: unknown): Promise<Reply<unknown>> {
  const { status, json } = await postJson(cloud.clientUrl, { name, data }, { 'x-wx-openid': openid });
  const result = json.result as Reply<unknown> | undefined;
  if (status !== 200 || !result) throw new Error(`${name} failed at the platform: ${status} ${String(json.errMsg)}`);
  return result;
}

/**
 * The code WeChat's phone-number button gives `openid` once they pick `phone` in WeChat (the local
 * cloud's /client/phoneCode mints it, as the button would on a phone).
 */
export async function phoneCode(cloud: LocalCloud, openid: string, phone: string, countryCode?: string): Promise<string> {
  const { status, json } = await postJson(`${cloud.url}/client/phoneCode`, { phoneNumber: phone, ...(countryCode ? { countryCode } : {}) }, { 'x-wx-openid': openid });
  if (status !== 200 || typeof json.code !== 'string') throw new Error(`phoneCode failed: ${status} ${String(json.errMsg)}`);
  return json.code;
}

/** The data of a successful reply, or a thrown error with the reply's code and message. */
export function ok<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.data;
}

/**
 * A second staff member approves every pending rule change of the demo community (four eyes on what
 * pays): for suites that set points up and are not about the approval itself. Returns how many.
 */
export async function approveRuleChanges(cloud: LocalCloud, approver: string = DEMO.staff2): Promise<number> {
  const pending = ok(await call(cloud, approver, 'community.ruleChanges', { status: 'pending', limit: 50 }));
  for (const change of pending.items) ok(await call(cloud, approver, 'community.reviewRuleChange', { changeId: change.id, decision: 'approve' }));
  return pending.items.length;
}

/** Counts documents of a collection straight from the engine (for "nothing was written" checks). */
export function countDocuments(cloud: LocalCloud, collection: string): number {
  return cloud.engine.collections.get(collection)?.entries.size ?? 0;
}

/** A full copy of the database, to compare before and after a refused request. */
export function snapshot(cloud: LocalCloud): string {
  return [...cloud.engine.exportLines()].join('\n');
}

/** An access token for WeChat's server API, with the local cloud's stand-in AppID and AppSecret. */
export async function serverToken(cloud: LocalCloud): Promise<string> {
  const { json } = await postJson(`${cloud.url}/cgi-bin/stable_token`, { grant_type: 'client_credential', appid: 'touristappid', secret: DEFAULT_APP_SECRET });
  return String(json.access_token);
}

/** Runs a function through the server API (tcb/invokecloudfunction) as the deployer does; WeChat's reply. */
export async function serverInvoke(cloud: LocalCloud, name: string, event: unknown): Promise<Record<string, unknown>> {
  return (await postJson(`${cloud.url}/tcb/invokecloudfunction?access_token=${await serverToken(cloud)}&env=${cloud.envName}&name=${name}`, event)).json;
}

/** What the community function's setup-code job replied (the code `npm run deploy` prints, or its refusal). */
export async function issueSetupCode(cloud: LocalCloud): Promise<Reply<{ code: string; expiresAt: string }>> {
  const reply = await serverInvoke(cloud, 'community', { action: 'setup.issueCode' });
  if (reply.errcode !== 0) throw new Error(`invokecloudfunction failed: ${String(reply.errcode)} ${String(reply.errmsg)}`);
  return JSON.parse(String(reply.resp_data)) as Reply<{ code: string; expiresAt: string }>;
}
