/**
 * Which way imports may point. core/ is the domain: it imports no adapter (backend/, localcloud/,
 * cloudfunctions/, miniprogram/) and nothing of WeChat (wx-server-sdk, the `wx` global or its
 * typings). miniprogram/ uses core for its types only: WeChat compiles miniprogram/ alone, so a
 * value import of core would be missing on the phone; values of core reach the pages as the
 * generated copy (miniprogram/generated/, scripts/generate-shared.ts), which imports core's types.
 */
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/localcloud';

const CORE = path.join(REPO_ROOT, 'core');
const MINIPROGRAM = path.join(REPO_ROOT, 'miniprogram');
const ADAPTERS = ['backend', 'localcloud', 'cloudfunctions', 'miniprogram'].map((dir) => path.join(REPO_ROOT, dir));
const WECHAT_PACKAGES = /^(wx-server-sdk|miniprogram-api-typings|@cloudbase\/|tcb-)/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'miniprogram_npm' || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Import {
  specifier: string;
  /** `import type …` / `export type … from`: gone once compiled. */
  typeOnly: boolean;
}

/** The code without comments (a comment may show an import or `wx.` as an example). */
const withoutComments = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\w])\/\/.*$/gm, '$1');

/** Every module a source names: import and export … from, side-effect imports, require() and import(). */
function importsOf(source: string): Import[] {
  const code = withoutComments(source);
  const found: Import[] = [];
  // The clause between the keyword and `from` has neither `;` nor `=`: that keeps it within one statement.
  for (const match of code.matchAll(/(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?[^;=]*?\bfrom\s*['"]([^'"]+)['"]/g)) {
    found.push({ specifier: match[2]!, typeOnly: Boolean(match[1]) });
  }
  for (const match of code.matchAll(/(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g)) found.push({ specifier: match[1]!, typeOnly: false });
  for (const match of code.matchAll(/\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: match[1]!, typeOnly: false });
  return found;
}

const resolvesInto = (file: string, specifier: string, dir: string): boolean => {
  if (!specifier.startsWith('.')) return false;
  const target = path.resolve(path.dirname(file), specifier);
  return target === dir || target.startsWith(dir + path.sep);
};

/** What a core file may not use: an adapter, WeChat's SDK or typings, the `wx` global. */
function coreViolations(file: string, source: string): string[] {
  const imports = importsOf(source)
    .filter(({ specifier }) => ADAPTERS.some((dir) => resolvesInto(file, specifier, dir)) || WECHAT_PACKAGES.test(specifier))
    .map(({ specifier }) => `imports ${specifier}`);
  const wxGlobal = /(^|[^.\w$])wx\.[A-Za-z]/.test(withoutComments(source)) ? ['uses the wx global'] : [];
  return [...imports, ...wxGlobal];
}

/** Imports of core by a mini-program file that are not type-only. */
function runtimeCoreImports(file: string, source: string): string[] {
  return importsOf(source)
    .filter(({ specifier, typeOnly }) => !typeOnly && resolvesInto(file, specifier, CORE))
    .map(({ specifier }) => specifier);
}

describe('core/ depends on no adapter and nothing of WeChat', () => {
  const files = sourceFiles(CORE);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((file) => [path.relative(REPO_ROOT, file), file]))('%s', (_name, file) => {
    expect(coreViolations(file, fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the check catches each kind of forbidden import', () => {
    const file = path.join(CORE, 'usecases/example.ts');
    expect(coreViolations(file, "import { router } from '../../backend/router';")).toEqual(['imports ../../backend/router']);
    expect(coreViolations(file, "import type { LocalCloud } from '../../localcloud/src/server';")).toEqual(['imports ../../localcloud/src/server']);
    expect(coreViolations(file, "const cloud = require('wx-server-sdk');")).toEqual(['imports wx-server-sdk']);
    expect(coreViolations(file, "export { x } from '../../miniprogram/utils/format';")).toEqual(['imports ../../miniprogram/utils/format']);
    expect(coreViolations(file, 'export const id = () => wx.getStorageSync("openid");')).toEqual(['uses the wx global']);
    // Nor a false alarm: within core, a comment, another package.
    expect(coreViolations(file, "import { z } from 'zod';\nimport type { Order } from '../model';\n/** e.g. wx.cloud.callFunction */")).toEqual([]);
  });
});

describe('miniprogram/ imports core only as types', () => {
  const files = sourceFiles(MINIPROGRAM);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((file) => [path.relative(REPO_ROOT, file), file]))('%s', (_name, file) => {
    expect(runtimeCoreImports(file, fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('compiled as the build compiles it, no file requires anything outside miniprogram/', () => {
    const outside = files.flatMap((file) => {
      const { code } = transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', target: 'es2019' });
      return [...code.matchAll(/\brequire\("([^"]+)"\)/g)]
        .map((match) => match[1]!)
        .filter((specifier) => specifier.startsWith('.') && !resolvesInto(file, specifier, MINIPROGRAM))
        .map((specifier) => `${path.relative(REPO_ROOT, file)} → ${specifier}`);
    });
    expect(outside).toEqual([]);
  });

  it('the check catches a value import of core, and lets a type import through', () => {
    const file = path.join(MINIPROGRAM, 'pages/orders/index.ts');
    expect(runtimeCoreImports(file, "import { ORDER_STATUSES } from '../../../core/stats';")).toEqual(['../../../core/stats']);
    expect(runtimeCoreImports(file, "import {\n  contract,\n  type ActionName,\n} from '../../../core/contract';")).toEqual(['../../../core/contract']);
    expect(runtimeCoreImports(file, "export { STATUS_LABELS } from '../../../core/usecases/order-support';")).toEqual(['../../../core/usecases/order-support']);
    expect(runtimeCoreImports(file, "const rules = require('../../../core/activity-rules');")).toEqual(['../../../core/activity-rules']);
    expect(runtimeCoreImports(file, "import type { OrderSummary } from '../../../core/contract';\nimport type * as labels from '../../../core/labels';")).toEqual([]);
    expect(runtimeCoreImports(file, "import { call } from '../../api/api';")).toEqual([]);
  });
});
