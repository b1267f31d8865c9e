/**
 * Gives the mini-program its npm packages the way WeChat DevTools does: installs the mini-program's
 * own dependencies (miniprogram/package.json: only what runs on the phone) into miniprogram/node_modules,
 * then runs 工具 → 构建 npm (miniprogram-ci `packNpmManually` over project.config.json's
 * packNpmRelationList), which writes miniprogram/miniprogram_npm. Runs on `npm install` / `npm ci`
 * (postinstall); clicking 构建 npm in DevTools afterwards gives the same files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildNpm, npmRelations, REPO_ROOT } from './wechat-build';

/** `npm ci` in the folder of each package.json the relation list names (skipped when `onlyIfMissing` and installed). */
export function installMiniprogramDependencies({ onlyIfMissing = false } = {}): void {
  for (const { packageJsonPath } of npmRelations(REPO_ROOT)) {
    const folder = path.dirname(packageJsonPath);
    if (onlyIfMissing && fs.existsSync(path.join(folder, 'node_modules'))) continue;
    // npm_execpath is the npm that runs this postinstall; --prefix keeps the install in that folder
    // whatever the parent npm put in the environment.
    const npmCli = process.env.npm_execpath;
    const args = ['ci', '--prefix', folder, '--no-audit', '--no-fund'];
    if (npmCli && /\.[cm]?js$/.test(npmCli)) execFileSync(process.execPath, [npmCli, ...args], { stdio: 'inherit' });
    else execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
  }
}

/** Installs the mini-program's dependencies when missing and builds miniprogram_npm; returns the packages packed. */
export async function packMiniprogramNpm({ install = 'if-missing' }: { install?: 'always' | 'if-missing' } = {}): Promise<string[]> {
  installMiniprogramDependencies({ onlyIfMissing: install === 'if-missing' });
  const results = await buildNpm(REPO_ROOT);
  for (const { packageJsonPath, warnList } of results) {
    if (warnList.length) throw new Error(`构建 npm（${path.relative(REPO_ROOT, packageJsonPath)}）：${warnList.map((warning) => warning.msg).join('；')}`);
  }
  return results.flatMap(({ packageJsonPath }) => {
    const manifest = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { dependencies?: Record<string, string> };
    return Object.keys(manifest.dependencies ?? {});
  });
}

if (require.main === module) {
  const started = performance.now();
  packMiniprogramNpm({ install: 'always' }).then(
    (packed) => {
      console.log(`miniprogram_npm: ${packed.join(', ')} (miniprogram-ci packNpmManually, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
