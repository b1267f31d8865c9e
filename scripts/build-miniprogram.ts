/**
 * Compiles the mini-program for tests and previews into .mp-build/miniprogram: TypeScript to
 * CommonJS JavaScript file by file (as DevTools' TypeScript plugin does), everything else copied,
 * miniprogram_npm included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { transform } from 'esbuild';

const root = path.resolve(__dirname, '..');
export const MP_SOURCE = path.join(root, 'miniprogram');
export const MP_BUILD = path.join(root, '.mp-build/miniprogram');

async function copyTree(from: string, to: string): Promise<number> {
  let compiled = 0;
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) {
      // miniprogram_npm is copied whole below; node_modules is only what 构建 npm reads.
      if (entry.name === 'miniprogram_npm' || entry.name === 'node_modules') continue;
      compiled += await copyTree(source, path.join(to, entry.name));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const { code } = await transform(fs.readFileSync(source, 'utf8'), { loader: 'ts', format: 'cjs', target: 'es2019', sourcefile: source });
      fs.writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), code);
      compiled += 1;
    } else if (entry.name !== 'tsconfig.json') {
      fs.copyFileSync(source, path.join(to, entry.name));
    }
  }
  return compiled;
}

export async function buildMiniprogram(): Promise<number> {
  fs.rmSync(MP_BUILD, { recursive: true, force: true });
  const compiled = await copyTree(MP_SOURCE, MP_BUILD);
  const npmSource = path.join(MP_SOURCE, 'miniprogram_npm');
  // Loaded only when needed: miniprogram-ci takes seconds to load.
  if (!fs.existsSync(npmSource)) await (await import('./pack-npm')).packMiniprogramNpm();
  fs.cpSync(npmSource, path.join(MP_BUILD, 'miniprogram_npm'), { recursive: true });
  // WeChat resolves require('qrcode-generator') to miniprogram_npm/qrcode-generator/index.js; Node,
  // which loads the pages in tests, does the same through node_modules.
  fs.symlinkSync('miniprogram_npm', path.join(MP_BUILD, 'node_modules'), 'dir');
  // The root package is CommonJS already; this keeps the build CommonJS whatever the root says.
  fs.writeFileSync(path.join(MP_BUILD, '..', 'package.json'), '{"type":"commonjs"}\n');
  return compiled;
}

if (require.main === module) {
  buildMiniprogram().then((count) => console.log(`mini-program: ${count} TypeScript files compiled to ${path.relative(root, MP_BUILD)}`));
}
