/**
 * Every page a subscribe message opens is a page of the mini-program: a notice that opens a page
 * app.json does not list shows the person an error instead of what the message is about.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

it('every page path the cloud functions send a notice to is listed in app.json', () => {
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram/app.json'), 'utf8')) as { pages: string[]; subPackages?: Array<{ root: string; pages: string[] }> };
  const pages = new Set([...app.pages, ...(app.subPackages ?? []).flatMap((pkg) => pkg.pages.map((page) => `${pkg.root.replace(/\/$/, '')}/${page}`))]);
  const sent = new Set<string>();
  for (const file of filesUnder(path.join(ROOT, 'core'))) {
    // A notice's page: `page: …` or a helper named …Page returning a path, written as a literal.
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/[`'"]((?:pages|volunteer|staff|admin|affair|council|household)\/[\w-]+\/index)(?=[?`'"])/g)) sent.add(match[1]!);
  }
  expect(sent.size).toBeGreaterThan(3);
  expect([...sent].filter((page) => !pages.has(page))).toEqual([]);
});
