/**
 * `npm run preview`, step 2: screenshots every .preview/*.html as a 375×667 @2x PNG with Debian's
 * Chromium (apt-get install chromium). Only local files are loaded: every other request is blocked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(__dirname, '..');
const dir = path.join(root, '.preview');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  if (!fs.existsSync(executablePath)) {
    console.error(`Chromium not found at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2 });
    await context.route(/^(?!file:)/, (route) => route.abort());
    const page = await context.newPage();
    const files = fs.readdirSync(dir).filter((file) => file.endsWith('.html')).sort();
    for (const file of files) {
      await page.goto(`file://${path.join(dir, file)}`);
      await page.screenshot({ path: path.join(dir, file.replace(/\.html$/, '.png')), fullPage: true });
    }
    console.log(`${files.length} screenshots in ${path.relative(root, dir)}/`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
