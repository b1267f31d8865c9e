/**
 * The README's examples work, so they cannot drift again: every code block marked
 * `<!-- example: run -->` runs against a local cloud with the demo data (bash blocks in bash with
 * 127.0.0.1:3000 / localhost:3000 pointed at it, ts blocks as test code), a following block marked
 * `<!-- example: output -->` is what its output must contain, and every inline `curl …` command runs
 * too, in the README's order. A code block with curl in it that is not marked fails the test.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { startLinli } from '../helpers/linli';
import { REPO_ROOT } from '../helpers/localcloud';

interface CodeBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  marker: 'run' | 'output' | null;
}

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The fenced blocks of a Markdown text, each with the example marker on the line before it (blank lines aside). */
function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end < 0) throw new Error(`README.md:${i + 1}: a code block that never closes`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before -= 1;
    const marker = /^<!-- example: (run|output) -->$/.exec(lines[before]?.trim() ?? '')?.[1] as CodeBlock['marker'] | undefined;
    blocks.push({ lang: open[1] ?? '', code: lines.slice(i + 1, end).join('\n'), line: i + 1, marker: marker ?? null });
    i = end;
  }
  return blocks;
}

/** The inline `curl …` commands outside code blocks, in order. */
function inlineCurls(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```\s*$/gm, '');
  return [...prose.matchAll(/`(curl [^`]+)`/g)].map((match) => match[1]!);
}

const blocks = codeBlocks(README);
const runnable = blocks.flatMap((block, index) => {
  if (block.marker !== 'run') return [];
  const next = blocks[index + 1];
  return [{ ...block, output: next?.marker === 'output' ? next : null }];
});
const curls = inlineCurls(README);
const hasCurl = spawnSync('curl', ['--version']).status === 0;

describe('README examples: the convention holds', () => {
  it('marks every code block with curl in it, and follows each output block from a run block', () => {
    const unmarked = blocks.filter((block) => block.marker === null && /\bcurl\b/.test(block.code)).map((block) => `README.md:${block.line}`);
    expect(unmarked).toEqual([]);
    blocks.forEach((block, index) => {
      if (block.marker === 'output') expect(blocks[index - 1]?.marker, `README.md:${block.line}: an output block after a block that is not run`).toBe('run');
    });
    expect(runnable.filter((block) => block.lang === 'bash').length).toBeGreaterThanOrEqual(2);
    expect(runnable.filter((block) => block.lang === 'ts')).toHaveLength(1);
    expect(curls.length).toBeGreaterThanOrEqual(3);
  });

  it('a marked block in a language the test cannot run is an error, not a silent pass', () => {
    expect(runnable.filter((block) => !['bash', 'ts'].includes(block.lang)).map((block) => `README.md:${block.line} ${block.lang}`)).toEqual([]);
  });
});

describe.skipIf(!hasCurl)('README examples: they run', () => {
  if (!hasCurl) console.warn('README examples not run: curl is not installed on this machine');
  let cloud: LocalCloud;
  let cwd: string;
  beforeAll(async () => {
    cloud = await startLinli();
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-readme-'));
  });
  afterAll(async () => {
    await cloud?.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  /**
   * Runs shell text as the README reader would, against the test's local cloud; curl fails on an
   * HTTP error. Asynchronously: the local cloud answers from this very process.
   */
  async function shell(code: string): Promise<string> {
    const host = new URL(cloud.url).host;
    const pointed = code.replaceAll('127.0.0.1:3000', host).replaceAll('localhost:3000', host);
    const script = `set -euo pipefail\ncurl() { command curl --silent --show-error --fail-with-body "$@"; }\n${pointed}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd, encoding: 'utf8', timeout: 30_000 });
    return stdout;
  }

  for (const block of runnable.filter((b) => b.lang === 'bash')) {
    it(`README.md:${block.line} (bash)`, async () => {
      const stdout = await shell(block.code);
      if (block.output) expect(JSON.parse(stdout)).toMatchObject(JSON.parse(block.output.code));
    });
  }

  it(`the inline curl commands in order: ${curls.length} of them, and the data comes back`, async () => {
    const before = cloud.engine.collections.require('users').entries.size;
    expect(before).toBeGreaterThan(0);
    for (const command of curls) await shell(command);
    expect(cloud.engine.collections.require('users').entries.size).toBe(before);
  });

  for (const block of runnable.filter((b) => b.lang === 'ts')) {
    it(`README.md:${block.line} (ts)`, async () => {
      // The example imports the test helpers as a file in tests/<folder>/ would.
      const file = path.join(cwd, `example-${block.line}.ts`);
      fs.writeFileSync(file, block.code.replaceAll("from '../helpers/", `from '${path.join(REPO_ROOT, 'tests/helpers')}/`));
      await import(file);
    });
  }
});
