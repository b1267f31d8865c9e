/**
 * Builds miniprogram/miniprogram_npm from the dependencies the mini-program uses, as WeChat
 * DevTools' “构建 npm” would (packNpmManually): their `miniprogram` folders, copied as they are.
 * Runs offline on `npm install` (postinstall).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const MINIPROGRAM_PACKAGES = ['@vant/weapp'];

export function packMiniprogramNpm(target = path.join(root, 'miniprogram/miniprogram_npm')): string[] {
  fs.rmSync(target, { recursive: true, force: true });
  return MINIPROGRAM_PACKAGES.map((name) => {
    const packageDir = path.join(root, 'node_modules', name);
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { miniprogram?: string };
    const source = path.join(packageDir, manifest.miniprogram ?? 'miniprogram_dist');
    fs.cpSync(source, path.join(target, name), { recursive: true });
    return name;
  });
}

if (require.main === module) {
  const packed = packMiniprogramNpm();
  console.log(`miniprogram_npm: ${packed.join(', ')}`);
}
