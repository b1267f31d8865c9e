/**
 * Benchmark of the local cloud (prints numbers, asserts nothing): startup time of `npm start`'s
 * process, then calls/s and p50/p99 latency of /client/callFunction for a trivial function and for
 * one doing 1 read + 1 write, at 1, 10 and 100 concurrent clients. The server runs in its own
 * process with SQLite storage, as `npm start` does; this process only generates load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFunctions } from '../scripts/build';

const ROOT = path.resolve(__dirname, '..');
const FUNCTIONS_OUT = path.join(ROOT, '.build/bench-functions');
const CONCURRENCY = [1, 10, 100];
const CALLS_PER_LEVEL: Record<number, number> = { 1: 300, 10: 1500, 100: 3000 };

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string; startupMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, '.build/localcloud/cli.js'), 'start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LINLI_DATA_DIR: dataDir, LINLI_FUNCTIONS_DIRS: FUNCTIONS_OUT },
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

async function main(): Promise<void> {
  await buildFunctions(path.join(ROOT, 'bench/functions'), FUNCTIONS_OUT);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bench-'));
  const dataDir = path.join(scratch, 'data');
  const startups: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const { child, startupMs } = await startServer(path.join(scratch, `startup-${i}`));
    startups.push(startupMs);
    child.kill('SIGKILL');
  }
  const { child, url } = await startServer(dataDir);
  try {
    await fetch(`${url}/__linli/api/import`, { method: 'POST', body: '{"collection":"bench"}\n' });
    const coldStart = performance.now();
    await call(url, 'bench-noop', 'o-warm');
    const coldMs = performance.now() - coldStart;
    console.log(`machine: ${os.cpus().length} cores, node ${process.version}`);
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
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
