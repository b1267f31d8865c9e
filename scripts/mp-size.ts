/**
 * Sizes of the compiled mini-program per package (main and each subpackage), as WeChat counts them:
 * every file uploaded under that package's root. Prints the numbers against the limits
 * (main goal 600 KB, hard limit 2 MB per package).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildMiniprogram, MP_BUILD } from './build-miniprogram';

const KB = 1024;

function sizeOf(dir: string, skip: (relative: string) => boolean, base = dir): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = path.relative(base, full);
    if (skip(relative)) continue;
    total += entry.isDirectory() ? sizeOf(full, skip, base) : fs.statSync(full).size;
  }
  return total;
}

export async function packageSizes(): Promise<Array<{ name: string; bytes: number }>> {
  await buildMiniprogram();
  const app = JSON.parse(fs.readFileSync(path.join(MP_BUILD, 'app.json'), 'utf8')) as { subPackages?: Array<{ root: string }> };
  const roots = (app.subPackages ?? []).map((pkg) => pkg.root.replace(/\/$/, ''));
  const main = sizeOf(MP_BUILD, (relative) => roots.includes(relative) || relative.endsWith('.map'));
  return [
    { name: 'main (主包, incl. miniprogram_npm)', bytes: main },
    ...roots.map((root) => ({ name: `subpackage ${root}`, bytes: fs.existsSync(path.join(MP_BUILD, root)) ? sizeOf(path.join(MP_BUILD, root), () => false) : 0 })),
  ];
}

if (require.main === module) {
  packageSizes().then((sizes) => {
    console.log('mini-program package sizes (compiled JavaScript, before WeChat minifies)');
    for (const { name, bytes } of sizes) console.log(`  ${name.padEnd(38)} ${(bytes / KB).toFixed(1).padStart(8)} KB`);
    console.log('  goal: main ≤ 600 KB; limit: 2048 KB per package');
  });
}
