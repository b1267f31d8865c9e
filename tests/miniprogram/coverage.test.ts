/** Every page of app.json has at least one behaviour test that mounts it. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/localcloud';

interface AppJson {
  pages: string[];
  subPackages?: Array<{ root: string; pages: string[] }>;
}

const app = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'miniprogram/app.json'), 'utf8')) as AppJson;
const pages = [...app.pages, ...(app.subPackages ?? []).flatMap((pkg) => pkg.pages.map((page) => `${pkg.root}/${page}`))];
const testDir = path.join(REPO_ROOT, 'tests/miniprogram');
const tests = fs
  .readdirSync(testDir)
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => fs.readFileSync(path.join(testDir, file), 'utf8'))
  .join('\n');

describe('page test coverage', () => {
  it.each(pages)('%s exists and is mounted by a test', (page) => {
    for (const extension of ['ts', 'json', 'wxml']) expect(fs.existsSync(path.join(REPO_ROOT, 'miniprogram', `${page}.${extension}`))).toBe(true);
    expect(tests).toMatch(new RegExp(`mount\\(\\s*['"\`]${page.replace(/\//g, '\\/')}['"\`]`));
  });
});
