/**
 * A cloud function may send subscribe messages only if its config.json grants it
 * `subscribeMessage.send`: without it, WeChat refuses every send (-604101), and as notices are best
 * effort the actions still succeed — nobody would notice the messages never went (the council
 * function shipped so once). Which functions can send is read from what each one's code bundles:
 * core/usecases/shared/notify.ts. A function that cannot send does not get the permission either.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const FUNCTIONS = path.join(ROOT, 'cloudfunctions');
const NOTIFY = 'core/usecases/shared/notify.ts';
const SEND = 'subscribeMessage.send';

const functionNames = fs.readdirSync(FUNCTIONS).filter((name) => fs.existsSync(path.join(FUNCTIONS, name, 'src/index.ts')));

async function bundlesNotify(name: string): Promise<boolean> {
  const result = await build({
    entryPoints: [path.join(FUNCTIONS, name, 'src/index.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    external: ['wx-server-sdk'],
  });
  return Object.keys(result.metafile.inputs).some((input) => input.split(path.sep).join('/').endsWith(NOTIFY));
}

describe('subscribeMessage.send permission', () => {
  it('lists the functions', () => {
    expect(functionNames.length).toBeGreaterThan(10);
  });

  it.each(functionNames)('%s has it exactly when its code can send a notice', async (name) => {
    const config = JSON.parse(fs.readFileSync(path.join(FUNCTIONS, name, 'config.json'), 'utf8')) as { permissions?: { openapi?: string[] } };
    const granted = config.permissions?.openapi?.includes(SEND) ?? false;
    expect(granted, `${name}/config.json ${granted ? 'grants' : 'lacks'} ${SEND}`).toBe(await bundlesNotify(name));
  });
});
