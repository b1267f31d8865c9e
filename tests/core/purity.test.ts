/** The domain core stays pure: nothing under core/ may reach WeChat or Node's I/O. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/localcloud';

const CORE = path.join(REPO_ROOT, 'core');
const FORBIDDEN = [/from ['"]wx-server-sdk['"]/, /require\(['"]wx-server-sdk['"]\)/, /\bwx\.[a-zA-Z]+\(/, /from ['"](node:)?(fs|http|https|net|child_process|worker_threads)['"]/];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('core/ is a pure domain core', () => {
  const files = sourceFiles(CORE);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((file) => [path.relative(REPO_ROOT, file), file]))('%s imports neither wx nor wx-server-sdk nor I/O', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const offending = FORBIDDEN.filter((pattern) => pattern.test(text)).map(String);
    expect(offending).toEqual([]);
  });

  it('the check itself catches a forbidden import', () => {
    expect(FORBIDDEN.some((pattern) => pattern.test("import cloud from 'wx-server-sdk';"))).toBe(true);
    expect(FORBIDDEN.some((pattern) => pattern.test("import fs from 'node:fs';"))).toBe(true);
  });
});
