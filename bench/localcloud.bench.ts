/**
 * Benchmark of the local cloud (prints numbers, asserts nothing): startup time of `npm start`'s
 * process, then calls/s and p50/p99 latency of /client/callFunction for a trivial function and for
 * one doing 1 read + 1 write, at 1, 10 and 100 concurrent clients; then resident memory with the
 * demo data after one order through the whole loop, under sustained load over every linli function,
 * and after an idle period. The server runs in its own process with SQLite storage, as `npm start`
 * does; this process only generates load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionName } from '../core/contract';
import { buildFunctions } from '../scripts/build';
import { callAt, driveLoop } from './requests';

const ROOT = path.resolve(__dirname, '..');
const FUNCTIONS_OUT = path.join(ROOT, '.build/bench-functions');
const CONCURRENCY = [1, 10, 100];
const CALLS_PER_LEVEL: Record<number, number> = { 1: 300, 10: 1500, 100: 3000 };

async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; startupMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, '.build/localcloud/cli.js'), 'start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LINLI_DATA_DIR: dataDir, LINLI_FUNCTIONS_DIRS: FUNCTIONS_OUT, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Console:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) resolve({ child, url: match[1]!, startupMs: performance.now() - started });
    });
    child.on('exit', () => reject(new Error(`server exited:\n${output}`)));
  });
}

async function call(url: string, name: string, openid: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/client/callFunction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify({ name, data: {} }),
  });
  const body = (await response.json()) as { errMsg?: string };
  if (response.status !== 200) throw new Error(`${name} failed: ${JSON.stringify(body)}`);
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(url: string, name: string, clients: number, total: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_unused, client) => {
      while (next < total) {
        next += 1;
        latencies.push(await call(url, name, `o-bench-${client}`));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { callsPerSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

// ---- memory ------------------------------------------------------------------------------------

/** The bench's server retires idle instances sooner than the default, so the idle period is short. */
const IDLE_SECONDS = 15;
const SUSTAINED_CALLS = 3_900;
const SUSTAINED_CLIENTS = 10;

/** Resident memory (VmRSS) of a process and all its descendants, in MB (Linux /proc). */
function residentMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  let kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    let children = '';
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    } catch {
      continue; // a thread (a function instance) that ended meanwhile
    }
    for (const child of children ? children.split(/\s+/) : []) kb += residentMb(Number(child)) * 1024;
  }
  return kb / 1024;
}

interface ServerState {
  instances?: { live: number; peak: number; started: number; maxWorkers: number; functions: Array<{ name: string; busy: number; idle: number }> };
  memory?: { heapUsed: number; heapTotal: number; external: number };
}

async function serverState(url: string): Promise<ServerState> {
  return (await (await fetch(`${url}/__linli/api/status`)).json()) as ServerState;
}

/** A read of every linli function, by a demo user allowed to make it. */
const SUSTAINED_MIX: Array<[openid: string, action: ActionName]> = [
  ['demo-resident', 'user.me'],
  ['demo-resident', 'community.list'],
  ['demo-resident', 'catalog.list'],
  ['demo-staff', 'volunteer.list'],
  ['demo-resident', 'order.listMine'],
  ['demo-staff', 'dispatch.queue'],
  ['demo-staff', 'scoring.pending'],
  ['demo-volunteer', 'points.balance'],
  ['demo-resident', 'mall.goods'],
  ['demo-staff', 'stats.overview'],
  ['demo-resident', 'activity.list'],
  ['demo-volunteer', 'record.mine'],
  ['demo-volunteer', 'certificate.mine'],
];

const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : (bytes / 1024 / 1024).toFixed(0));

async function memoryLine(label: string, pid: number, url: string): Promise<{ rss: number; live: number | undefined }> {
  const rss = residentMb(pid);
  const { instances, memory } = await serverState(url);
  const by = instances?.functions.map((f) => `${f.name} ${f.busy + f.idle}`).join(', ');
  console.log(
    `${label.padEnd(44)} ${rss.toFixed(0).padStart(6)} MB   instances ${String(instances?.live ?? '?').padStart(3)}` +
      `   server heap ${mb(memory?.heapUsed)}/${mb(memory?.heapTotal)} MB${by ? `   (${by})` : ''}`,
  );
  return { rss, live: instances?.live };
}

async function memory(scratch: string): Promise<void> {
  const { child, url } = await startServer(path.join(scratch, 'memory'), { LINLI_WORKER_IDLE_SECONDS: String(IDLE_SECONDS) });
  const pid = child.pid!;
  try {
    console.log(`\nresident memory of the local cloud process and its descendants (VmRSS; function instances are threads in it)`);
    console.log(`demo data, SQLite storage, instances retire after ${IDLE_SECONDS} s idle (default 120 s)`);
    const started = await memoryLine('after startup', pid, url);
    // The same loop as bench/requests.ts (request counts), through this process's client endpoint.
    await driveLoop(`${url}/client/callFunction`, 'memory');
    const loop = await memoryLine('(a) after one order through the loop', pid, url);
    if (loop.live) console.log(`${''.padEnd(44)} ≈ ${((loop.rss - started.rss) / loop.live).toFixed(0)} MB per instance (what the loop added, over its instances)`);

    let peakRss = loop.rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, residentMb(pid));
    }, 200);
    // Every function once first, so the load does not start with a dozen cold starts at once.
    for (const [openid, action] of SUSTAINED_MIX) await callAt(`${url}/client/callFunction`, openid, action, {} as never);
    const startedBefore = (await serverState(url)).instances?.started;
    const latencies: number[] = [];
    const failures: string[] = [];
    let next = 0;
    const loadStarted = performance.now();
    await Promise.all(
      Array.from({ length: SUSTAINED_CLIENTS }, async () => {
        while (next < SUSTAINED_CALLS) {
          const [openid, action] = SUSTAINED_MIX[next % SUSTAINED_MIX.length]!;
          next += 1;
          const callStarted = performance.now();
          await callAt(`${url}/client/callFunction`, openid, action, {} as never).catch((error: Error) => failures.push(error.message.slice(0, 120)));
          latencies.push(performance.now() - callStarted);
        }
      }),
    );
    clearInterval(sampler);
    const seconds = (performance.now() - loadStarted) / 1000;
    latencies.sort((a, b) => a - b);
    const state = await serverState(url);
    console.log(
      `sustained load: ${SUSTAINED_CALLS} calls over ${SUSTAINED_MIX.length} functions, ${SUSTAINED_CLIENTS} clients: ` +
        `${(SUSTAINED_CALLS / seconds).toFixed(0)} calls/s, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ` +
        `peak ${peakRss.toFixed(0)} MB, at most ${state.instances?.peak ?? '?'} instances alive (limit ${state.instances?.maxWorkers ?? 'none'}), ` +
        `${state.instances && startedBefore !== undefined ? state.instances.started - startedBefore : '?'} instances started during it, ${failures.length} calls failed`,
    );
    for (const failure of new Set(failures)) console.log(`  failed: ${failure}`);
    await memoryLine('(b) right after the sustained load', pid, url);
    await new Promise((resolve) => setTimeout(resolve, (IDLE_SECONDS + 3) * 1000));
    await memoryLine(`(b) after ${IDLE_SECONDS + 3} s idle`, pid, url);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function throughput(scratch: string): Promise<void> {
  const startups: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const { child, startupMs } = await startServer(path.join(scratch, `startup-${i}`));
    startups.push(startupMs);
    child.kill('SIGKILL');
  }
  const { child, url } = await startServer(path.join(scratch, 'data'));
  try {
    await fetch(`${url}/__linli/api/import`, { method: 'POST', body: '{"collection":"bench"}\n' });
    const coldStart = performance.now();
    await call(url, 'bench-noop', 'o-warm');
    const coldMs = performance.now() - coldStart;
    console.log(`startup of the local cloud process (to listening): ${startups.map((ms) => ms.toFixed(0)).join(' / ')} ms`);
    console.log(`first call of a function (cold worker): ${coldMs.toFixed(0)} ms\n`);
    console.log('function          clients   calls   calls/s   p50 ms   p99 ms');
    for (const name of ['bench-noop', 'bench-readwrite']) {
      await measure(url, name, 20, 200); // warm the worker pool
      for (const clients of CONCURRENCY) {
        const total = CALLS_PER_LEVEL[clients]!;
        const r = await measure(url, name, clients, total);
        console.log(
          `${name.padEnd(17)} ${String(clients).padStart(7)} ${String(total).padStart(7)} ${r.callsPerSecond.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}`,
        );
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** `tsx bench/localcloud.bench.ts memory` runs the memory part alone. */
async function main(): Promise<void> {
  await buildFunctions(path.join(ROOT, 'bench/functions'), FUNCTIONS_OUT);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bench-'));
  try {
    console.log(`machine: ${os.cpus().length} cores, node ${process.version}`);
    if (process.argv[2] !== 'memory') await throughput(scratch);
    await memory(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
