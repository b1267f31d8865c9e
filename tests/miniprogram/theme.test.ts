/**
 * One theme: no vant component shows vant's default blue beside linli's red. Every CSS variable
 * whose default is vant's blue, in any vant component, is set to the theme colour in app.wxss.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/localcloud';

const VANT = path.join(REPO_ROOT, 'miniprogram/miniprogram_npm/@vant/weapp');
const VANT_BLUE = '#1989fa';

function wxssFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? wxssFiles(file) : entry.name.endsWith('.wxss') ? [file] : [];
  });
}

it('every vant colour that defaults to vant’s blue is set to the theme red in app.wxss', () => {
  const blue = new Set<string>();
  for (const file of wxssFiles(VANT)) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/var\((--[a-z0-9-]+),\s*(#[0-9a-f]{6})\)/gi)) if (match[2]!.toLowerCase() === VANT_BLUE) blue.add(match[1]!);
  }
  expect(blue.size).toBeGreaterThan(5);
  const app = fs.readFileSync(path.join(REPO_ROOT, 'miniprogram/app.wxss'), 'utf8');
  const theme = /--theme:\s*(#[0-9a-f]{6})/i.exec(app)?.[1];
  expect(theme).toBe('#c8372d');
  const unset = [...blue].filter((name) => !new RegExp(`${name}:\\s*${theme}`, 'i').test(app));
  expect(unset).toEqual([]);
  // Nothing of our own is written in vant's blue either.
  const own = fs.readdirSync(path.join(REPO_ROOT, 'miniprogram'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.(wxss|wxml)$/.test(file) && !file.includes('miniprogram_npm') && !file.includes('node_modules'));
  expect(own.filter((file) => fs.readFileSync(path.join(REPO_ROOT, 'miniprogram', file), 'utf8').toLowerCase().includes(VANT_BLUE))).toEqual([]);
});

it('one tab style: every page with tabs uses app.wxss’s .tabs, none vant’s van-tabs or a copy of its own', () => {
  const own = fs.readdirSync(path.join(REPO_ROOT, 'miniprogram'), { recursive: true, encoding: 'utf8' }).filter((file) => !file.includes('miniprogram_npm') && !file.includes('node_modules'));
  const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, 'miniprogram', file), 'utf8');
  expect(own.filter((file) => file.endsWith('.json') && read(file).includes('van-tabs'))).toEqual([]);
  const withTabs = own.filter((file) => file.endsWith('.wxml') && read(file).includes('class="tabs"'));
  expect(withTabs.length).toBeGreaterThan(5);
  expect(withTabs).toEqual(expect.arrayContaining(['pages/orders/index.wxml', 'pages/mall/index.wxml']));
  expect(own.filter((file) => file.endsWith('.wxss') && /^\.tabs\s*\{/m.test(read(file)))).toEqual(['app.wxss']);
});
