/**
 * What elders see first without network: every service picture and tab bar icon is shipped in the
 * package (drawn by scripts/icons.ts), and each demo service gets a picture of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_PICTURES, servicePicture } from '../../core/service-pictures';
import { REPO_ROOT } from '../helpers/localcloud';

const MP = path.join(REPO_ROOT, 'miniprogram');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(1, 4).toString('ascii'), file).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('pictures shipped with the mini-program', () => {
  it('every service picture is an SVG in the package, in the theme red', () => {
    for (const picture of SERVICE_PICTURES) {
      const file = path.join(MP, 'assets/services', `${picture}.svg`);
      expect(fs.existsSync(file), file).toBe(true);
      const svg = fs.readFileSync(file, 'utf8');
      expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      expect(svg).toContain('stroke="#c8372d"');
      expect(fs.statSync(file).size).toBeLessThan(2048);
    }
  });

  it('every tab has both icons as PNGs WeChat accepts (≤ 40 KB; 81×81)', () => {
    const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8')) as { tabBar: { list: Array<{ iconPath?: string; selectedIconPath?: string }> } };
    for (const tab of app.tabBar.list) {
      for (const icon of [tab.iconPath, tab.selectedIconPath]) {
        expect(icon, JSON.stringify(tab)).toMatch(/\.png$/);
        const file = path.join(MP, icon!);
        expect(fs.statSync(file).size).toBeLessThanOrEqual(40 * 1024);
        expect(pngSize(file)).toEqual({ width: 81, height: 81 });
      }
    }
  });

  it('the demo catalogue shows seven different pictures, chosen by skill, then by name', () => {
    const services = fs
      .readFileSync(path.join(REPO_ROOT, 'database/demo-data/30-catalog.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"services"'))
      .map((line) => (JSON.parse(line) as { doc: { name: string; category: string; skills: string[] } }).doc);
    const pictures = services.map(servicePicture);
    expect(pictures).toEqual(['meal', 'medical', 'haircut', 'repair', 'errand', 'companion', 'cleaning']);
    expect(servicePicture({ name: '助浴上门', category: '助老服务', skills: [] })).toBe('bath');
    expect(servicePicture({ name: '代取药品', category: '便民服务', skills: [] })).toBe('medicine');
    expect(servicePicture({ name: '法律咨询', category: '其他', skills: [] })).toBe('other');
  });
});
