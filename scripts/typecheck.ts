/**
 * `npm run typecheck`: the three TypeScript programs (server and tests; the mini-program; the page
 * tests, which see Node and the mini-program's globals at once) checked at the same time, each in
 * its own tsc, so the check takes as long as the slowest of them rather than all three in a row.
 * Exits non-zero when any of them finds an error, after printing each one's output.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const PROJECTS = ['tsconfig.json', 'miniprogram/tsconfig.json', 'tests/miniprogram/tsconfig.json'];
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

function check(project: string): Promise<{ project: string; code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', project, '--pretty'], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ project, code: code ?? 1, output }));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const results = await Promise.all(PROJECTS.map(check));
  for (const { project, code, output } of results) {
    if (output.trim()) process.stdout.write(`\n── tsc -p ${project}\n${output}`);
    if (code !== 0) console.error(`tsc -p ${project}: errors (exit ${code})`);
  }
  const failed = results.filter((result) => result.code !== 0).length;
  console.log(`typecheck: ${PROJECTS.length} programs, ${failed === 0 ? 'no errors' : `${failed} with errors`} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
