/**
 * `npm start`'s process: honours PORT and LINLI_DATA_DIR, serves demo data, shuts down cleanly on
 * SIGTERM, and keeps every acknowledged write across a SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectSdk, REPO_ROOT } from '../helpers/localcloud';

const CLI = path.join(REPO_ROOT, '.build/localcloud/cli.js');

interface RunningCloud {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startCli(env: Record<string, string>): Promise<RunningCloud> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local cloud did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Console:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`local cloud exited early:\n${output}`)));
  });
}

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-cli-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm start (the local cloud process)', () => {
  it('listens on PORT, keeps data in LINLI_DATA_DIR and serves the demo data', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const cloud = await startCli({ PORT: String(port), LINLI_DATA_DIR: dataDir });
    expect(cloud.url).toBe(`http://127.0.0.1:${port}`);
    const status = (await (await fetch(`${cloud.url}/__linli/api/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ storage: 'sqlite', dataDir });
    expect(fs.existsSync(path.join(dataDir, 'database.sqlite'))).toBe(true);
    const page = (await (await fetch(`${cloud.url}/__linli/api/collections/communities/documents`)).json()) as {
      documents: Array<{ name: string }>;
    };
    expect(page.documents.map((doc) => doc.name)).toContain('幸福里社区');
    // The demo data has its administrator (demo-admin): no setup code.
    expect(cloud.output()).not.toContain('初始化码');
    const console = await fetch(`${cloud.url}/`);
    expect(console.headers.get('content-type')).toContain('text/html');
  });

  it('without the demo data, prints the first administrator’s setup code, which works once', async () => {
    const cloud = await startCli({ PORT: '0', LINLI_DATA_DIR: tempDir(), LINLI_SEED: 'none', LINLI_ADMIN_OPENIDS: '' });
    const started = Date.now();
    while (!/初始化码 Setup code:/.test(cloud.output()) && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const code = /初始化码 Setup code:\s+([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(cloud.output())?.[1];
    expect(code, cloud.output()).toBeDefined();
    const become = async (openid: string) => {
      const response = await fetch(`${cloud.url}/client/callFunction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ name: 'community', data: { action: 'community.bootstrap', input: { code, name: '王主任' } } }),
      });
      return ((await response.json()) as { result: { ok: boolean; data?: { roles: string[] } } }).result;
    };
    expect(await become('o-cli-first')).toMatchObject({ ok: true, data: { roles: ['admin'] } });
    expect((await become('o-cli-second')).ok).toBe(false);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const cloud = await startCli({ PORT: '0', LINLI_DATA_DIR: tempDir() });
    cloud.child.kill('SIGTERM');
    const { code } = await cloud.exited;
    expect(code).toBe(0);
    expect(cloud.output()).toContain('shutting down');
  });

  it('keeps every acknowledged write after kill -9', async () => {
    const dataDir = tempDir();
    const first = await startCli({ PORT: '0', LINLI_DATA_DIR: dataDir });
    const sdk = connectSdk({ adminUrl: `${first.url}/admin`, envName: 'linli-local' });
    const db = sdk.database();
    const _ = db.command;
    await db.createCollection('ledger');
    const acknowledged: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_unused, worker) => {
        for (let i = 0; i < 10; i += 1) {
          const { _id } = await db.collection('ledger').add({ data: { worker, i, at: new Date(Date.UTC(2026, 10, 21, 8, i)) } });
          acknowledged.push(_id);
        }
      }),
    );
    await db.collection('ledger').doc(acknowledged[0]).update({ data: { touched: _.inc(5) } });
    await db.runTransaction(async (transaction: { collection(name: string): { doc(id: string): { update(o: object): Promise<unknown> } } }) => {
      await transaction.collection('ledger').doc(acknowledged[1]!).update({ data: { inTransaction: true } });
    });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startCli({ PORT: '0', LINLI_DATA_DIR: dataDir });
    const again = connectSdk({ adminUrl: `${second.url}/admin`, envName: 'linli-local' }).database();
    const { total } = await again.collection('ledger').count();
    expect(total).toBe(200);
    const stored = await again.collection('ledger').doc(acknowledged[0]).get();
    expect(stored.data).toMatchObject({ touched: 5, at: expect.any(Date) });
    expect((await again.collection('ledger').doc(acknowledged[1]).get()).data.inTransaction).toBe(true);
    const ids = new Set<string>();
    for (let offset = 0; offset < 200; offset += 100) {
      const page = await again.collection('ledger').skip(offset).limit(100).get();
      for (const doc of page.data as Array<{ _id: string }>) ids.add(doc._id);
    }
    expect([...ids].sort()).toEqual([...acknowledged].sort());
  });
});
