/**
 * Draws the mini-program's pictures from the Lucide icon set (ISC licence, lucide.dev), so none
 * needs network: each service picture of core/service-pictures.ts as an SVG in the theme's red
 * (miniprogram/assets/services/), and the tab bar's icons as 81×81 PNGs in both states (the tab bar
 * takes no SVG), rendered by Chromium. The results are committed; run this only to change them:
 *
 *   npm i --no-save lucide-static@1.87.0 && npx tsx scripts/icons.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { SERVICE_PICTURES, type ServicePicture } from '../core/service-pictures';

const root = path.resolve(__dirname, '..');
const lucide = path.join(root, 'node_modules/lucide-static/icons');
const THEME_RED = '#c8372d';
const TAB_GREY = '#646a73';

/** Which Lucide icon draws each picture. */
export const SERVICE_ICONS: Record<ServicePicture, string> = {
  meal: 'utensils',
  medical: 'stethoscope',
  haircut: 'scissors',
  repair: 'wrench',
  errand: 'footprints',
  companion: 'heart-handshake',
  cleaning: 'spray-can',
  bath: 'shower-head',
  shopping: 'shopping-cart',
  medicine: 'pill',
  other: 'hand-heart',
};

/** The tab bar's icons, by the file name app.json points at. */
export const TAB_ICONS: Record<string, string> = { home: 'house', orders: 'clipboard-list', mall: 'gift', me: 'user' };

function iconSvg(name: string, color: string, size: number): string {
  const file = path.join(lucide, `${name}.svg`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: npm i --no-save lucide-static@1.87.0`);
  return fs
    .readFileSync(file, 'utf8')
    .replace(/<!--[\s\S]*?-->\s*/g, '')
    .replace(/stroke="currentColor"/, `stroke="${color}"`)
    .replace(/width="24"/, `width="${size}"`)
    .replace(/height="24"/, `height="${size}"`)
    .trim();
}

async function main(): Promise<void> {
  const services = path.join(root, 'miniprogram/assets/services');
  fs.mkdirSync(services, { recursive: true });
  for (const picture of SERVICE_PICTURES) fs.writeFileSync(path.join(services, `${picture}.svg`), `${iconSvg(SERVICE_ICONS[picture], THEME_RED, 48)}\n`);

  const tabs = path.join(root, 'miniprogram/assets/tabbar');
  fs.mkdirSync(tabs, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage({ viewport: { width: 81, height: 81 } });
    for (const [file, icon] of Object.entries(TAB_ICONS)) {
      for (const [suffix, color] of [['', TAB_GREY], ['-active', THEME_RED]] as const) {
        // 60 of 81 pixels, centred: the tab bar's own margin around its icons.
        await page.setContent(`<body style="margin:0;display:flex;align-items:center;justify-content:center;width:81px;height:81px;background:transparent">${iconSvg(icon, color, 60)}</body>`);
        await page.screenshot({ path: path.join(tabs, `${file}${suffix}.png`), omitBackground: true });
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`drew ${SERVICE_PICTURES.length} service pictures and ${Object.keys(TAB_ICONS).length * 2} tab bar icons`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
