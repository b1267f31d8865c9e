/**
 * Builds what runs as plain JavaScript: the local cloud (server + worker) into .build/localcloud,
 * and each cloud function `cloudfunctions/<name>/src/index.ts` into `cloudfunctions/<name>/index.js`
 * (CommonJS, wx-server-sdk left external), so every function folder uploads as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const root = path.resolve(__dirname, '..');

const nodeTarget: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
};

export async function buildLocalCloud(): Promise<void> {
  await build({
    ...nodeTarget,
    target: 'node20',
    entryPoints: {
      cli: path.join(root, 'localcloud/src/cli.ts'),
      worker: path.join(root, 'localcloud/src/functions/worker.ts'),
    },
    outdir: path.join(root, '.build/localcloud'),
    packages: 'external',
  });
}

/**
 * Bundles every `<srcRoot>/<name>/src/index.ts` (or `<name>/index.ts`) to `<outRoot>/<name>/index.js`
 * and copies config.json / package.json beside it when the output folder is elsewhere.
 */
export async function buildFunctions(srcRoot: string, outRoot = srcRoot): Promise<string[]> {
  if (!fs.existsSync(srcRoot)) return [];
  const built: string[] = [];
  for (const entry of fs.readdirSync(srcRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(srcRoot, entry.name);
    const source = [path.join(dir, 'src/index.ts'), path.join(dir, 'index.ts')].find((file) => fs.existsSync(file));
    if (!source) continue;
    const outDir = path.join(outRoot, entry.name);
    await build({
      ...nodeTarget,
      sourcemap: false,
      // The cloud runtime may be an older Node than ours.
      target: 'node16',
      entryPoints: [source],
      outfile: path.join(outDir, 'index.js'),
      external: ['wx-server-sdk'],
    });
    if (outDir !== dir) {
      for (const file of ['config.json', 'package.json']) {
        if (fs.existsSync(path.join(dir, file))) fs.copyFileSync(path.join(dir, file), path.join(outDir, file));
      }
    }
    built.push(entry.name);
  }
  return built;
}

async function main(): Promise<void> {
  const started = performance.now();
  await buildLocalCloud();
  const functions = await buildFunctions(path.join(root, 'cloudfunctions'));
  console.log(`built local cloud and ${functions.length} cloud function(s) in ${Math.round(performance.now() - started)} ms`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
