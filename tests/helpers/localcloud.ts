/**
 * Test harness: a local cloud on a free port (in memory unless a data dir is given) with the fixture
 * functions, and the REAL wx-server-sdk pointed at it from the test process.
 */
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../localcloud/src/server';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const FIXTURE_FUNCTIONS = path.join(REPO_ROOT, '.build/test-functions');
/** Fixtures with timer triggers (tests/fixtures/timer-functions), kept out of the default root. */
export const TIMER_FIXTURE_FUNCTIONS = path.join(REPO_ROOT, '.build/test-timer-functions');
export const WORKER_SCRIPT = path.join(REPO_ROOT, '.build/localcloud/worker.js');

// The SDK's own typings are loose; tests use it as the functions do.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Sdk = any;

export async function startTestCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({
    functionRoots: [FIXTURE_FUNCTIONS],
    workerScript: WORKER_SCRIPT,
    ...options,
  });
}

/** Points this process's wx-server-sdk at the cloud, as the runtime does for a function. */
export function connectSdk(cloud: Pick<LocalCloud, 'adminUrl' | 'envName'>): Sdk {
  Object.assign(process.env, {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_SECRETID: 'test-secret-id',
    TENCENTCLOUD_SECRETKEY: 'test-secret-key',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: cloud.envName,
    TCB_ENV: cloud.envName,
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: cloud.adminUrl }),
  });
  const sdk = createRequire(__filename)('wx-server-sdk') as Sdk;
  sdk.init({ env: cloud.envName });
  return sdk;
}

export interface ClientReply {
  status: number;
  body: {
    result?: unknown;
    errMsg?: string;
    errCode?: number;
    requestID?: string;
  };
}

/** What wx.cloud.callFunction does from the mini-program, as the given user (extra headers e.g. x-wx-unionid). */
export async function callFunction(
  cloud: LocalCloud,
  name: string,
  data: unknown,
  openid = 'o-test-user',
  headers: Record<string, string> = {},
): Promise<ClientReply> {
  const response = await fetch(cloud.clientUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid, ...headers },
    body: JSON.stringify({ name, data }),
  });
  return { status: response.status, body: (await response.json()) as ClientReply['body'] };
}

/** Calls the control API. */
export async function control<T = Record<string, unknown>>(cloud: LocalCloud, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${cloud.url}/__linli/api/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${await response.text()}`);
  const type = response.headers.get('content-type') ?? '';
  return (type.startsWith('application/json') ? await response.json() : await response.text()) as T;
}

/**
 * POSTs JSON with plain node:http. Tests in a DOM environment get the DOM's fetch, which applies
 * browser rules (CORS) a mini-program's requests do not have.
 */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
