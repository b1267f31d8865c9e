/**
 * What WeChat DevTools does to this project, done offline with miniprogram-ci (the code DevTools runs):
 * - `buildNpm`: 工具 → 构建 npm, i.e. `packNpmManually` for every entry of project.config.json's
 *   `packNpmRelationList`, paths taken relative to the project as DevTools takes them;
 * - `compileProject`: WeChat's compiler over the whole mini-program (`getCompiledResult`: TypeScript
 *   through the typescript plugin, app.json and every page's json, every wxss), then the official wxml
 *   compiler (wcc) over every template it passes through; no AppID key, no network;
 * - `packageSizes`: each package's size in that compiled output (main package and every subpackage).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');

// Loaded as the CommonJS it is, the same under tsx and vitest.
const load = createRequire(__filename);
const ci = load('miniprogram-ci') as typeof import('miniprogram-ci');
/** miniprogram-ci's own offline answer for an ordinary mini-program (2 MB per package, …). */
const { DefaultProjectAttr } = load('miniprogram-ci/dist/config/config') as typeof import('miniprogram-ci/dist/@types/config/config');
const { getCiProxy } = load('miniprogram-ci/dist/utils/request') as { getCiProxy: () => string };
/** WeChat's wxml compiler, the wcc binary DevTools runs (and miniprogram-simulate in the page tests). */
const { wxmlToJs } = load('miniprogram-compiler') as { wxmlToJs: (root: string, options?: { maxBuffer?: number }) => string };

/**
 * Runs `task` with miniprogram-ci's console chatter (its compiler process, its failed server
 * lookups) held back: shown only when the task fails, after the error.
 */
async function quietly<T>(task: () => Promise<T>): Promise<T> {
  const methods = ['log', 'info', 'warn', 'debug', 'error'] as const;
  const original = methods.map((method) => console[method]);
  const lines: string[] = [];
  for (const method of methods) console[method] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    return await task();
  } catch (error) {
    original[methods.indexOf('error')]!(`miniprogram-ci:\n${lines.join('\n')}`);
    throw error;
  } finally {
    methods.forEach((method, index) => (console[method] = original[index]!));
  }
}

export interface NpmRelation {
  packageJsonPath: string;
  miniprogramNpmDistDir: string;
}

interface ProjectConfig {
  appid: string;
  setting?: { packNpmManually?: boolean; packNpmRelationList?: NpmRelation[] };
}

export function readProjectConfig(projectRoot = REPO_ROOT): ProjectConfig {
  return JSON.parse(fs.readFileSync(path.join(projectRoot, 'project.config.json'), 'utf8')) as ProjectConfig;
}

/** The relation list DevTools' 构建 npm follows, with paths resolved against the project. */
export function npmRelations(projectRoot = REPO_ROOT): NpmRelation[] {
  const { setting = {} } = readProjectConfig(projectRoot);
  if (!setting.packNpmManually || !setting.packNpmRelationList?.length) {
    throw new Error('project.config.json: setting.packNpmManually 与 packNpmRelationList 未配置');
  }
  return setting.packNpmRelationList.map((relation) => ({
    packageJsonPath: path.resolve(projectRoot, relation.packageJsonPath),
    miniprogramNpmDistDir: path.resolve(projectRoot, relation.miniprogramNpmDistDir),
  }));
}

export type PackResult = Awaited<ReturnType<typeof ci.packNpmManually>>;

/** 工具 → 构建 npm: packs each relation's dependencies into `<miniprogramNpmDistDir>/miniprogram_npm`. */
export async function buildNpm(projectRoot = REPO_ROOT): Promise<Array<NpmRelation & PackResult>> {
  const results: Array<NpmRelation & PackResult> = [];
  for (const relation of npmRelations(projectRoot)) {
    // Built from scratch, so a package dropped from dependencies leaves nothing behind.
    fs.rmSync(path.join(relation.miniprogramNpmDistDir, 'miniprogram_npm'), { recursive: true, force: true });
    results.push({ ...relation, ...(await quietly(() => ci.packNpmManually(relation))) });
  }
  return results;
}

/**
 * A project that answers `attr()` itself (the IProject interface allows it) instead of asking
 * WeChat's server with the AppID's upload key: compiling then needs neither a key nor the network.
 */
class OfflineProject extends ci.Project {
  override async attr(): Promise<typeof DefaultProjectAttr> {
    return DefaultProjectAttr;
  }
}

export interface CompiledProject {
  /** Every file of the code package as uploaded, by path under the mini-program root. */
  files: Map<string, Buffer>;
  milliseconds: number;
}

/**
 * getCompiledResult passes wxml through as uploaded (WeChat compiles templates on its side), so wcc
 * compiles every template of the compiled package, vant's included; throws on the first error.
 */
function compileTemplates(files: Map<string, Buffer>): void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-compiled-'));
  try {
    for (const [file, content] of files) {
      fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
      fs.writeFileSync(path.join(folder, file), content);
    }
    wxmlToJs(folder, { maxBuffer: 64 * 1024 * 1024 });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * getCompiledResult leaves an empty folder named by a 32-digit hex hash in the current directory
 * (seen with miniprogram-ci 2.1.42): `remove()` deletes such folders made since this was called,
 * and only while they are empty, so nothing anyone wrote is touched.
 */
function emptyWorkFoldersSince(): { remove(): void } {
  const cwd = process.cwd();
  const HASH = /^[0-9a-f]{32}$/;
  const before = new Set(fs.readdirSync(cwd));
  return {
    remove() {
      for (const name of fs.readdirSync(cwd)) {
        if (before.has(name) || !HASH.test(name)) continue;
        const folder = path.join(cwd, name);
        if (fs.statSync(folder).isDirectory() && fs.readdirSync(folder).length === 0) fs.rmdirSync(folder);
      }
    },
  };
}

/**
 * Compiles the mini-program with the project's own settings (project.config.json: es6, enhance,
 * minified, the typescript plugin, packOptions). Throws on any compile error: TypeScript, json (a
 * missing page or component), wxss, wxml.
 */
export async function compileProject(projectRoot = REPO_ROOT): Promise<CompiledProject> {
  const started = performance.now();
  const compiled = await quietly(async () => {
    const project = new OfflineProject({
      appid: readProjectConfig(projectRoot).appid,
      type: 'miniProgram',
      projectPath: projectRoot,
      // Read only by the default attr() and by upload; never sent from here.
      privateKey: 'not-used-offline',
    });
    // The compiler also asks WeChat's server for the list of allowed file extensions; a closed local
    // port answers at once, and miniprogram-ci falls back to the list it ships, so the result never
    // depends on the network. The proxy is miniprogram-ci's global: put back for whatever runs next (an upload).
    const previousProxy = getCiProxy();
    ci.proxy('http://127.0.0.1:9');
    const leftBehind = emptyWorkFoldersSince();
    try {
      return await ci.getCompiledResult({ project, version: '0.0.0', setting: { useProjectConfig: true } });
    } finally {
      ci.proxy(previousProxy);
      leftBehind.remove();
    }
  });
  const files = new Map<string, Buffer>();
  for (const [file, content] of Object.entries(compiled)) files.set(file, Buffer.isBuffer(content) ? content : Buffer.from(content));
  compileTemplates(files);
  return { files, milliseconds: performance.now() - started };
}

export interface PackageSize {
  /** `main` or the subpackage's root. */
  name: string;
  bytes: number;
  files: number;
}

/** Sizes of the main package and of each subpackage (app.json `subPackages`) in the compiled output. */
export function packageSizes(files: Map<string, Buffer>): PackageSize[] {
  const appJson = files.get('app.json');
  if (!appJson) throw new Error('compiled output has no app.json');
  const roots = ((JSON.parse(appJson.toString('utf8')) as { subPackages?: Array<{ root: string }> }).subPackages ?? []).map(
    (subPackage) => `${subPackage.root.replace(/\/$/, '')}/`,
  );
  const sizes = new Map<string, PackageSize>([['main', { name: 'main', bytes: 0, files: 0 }]]);
  for (const root of roots) sizes.set(root, { name: root.slice(0, -1), bytes: 0, files: 0 });
  for (const [file, content] of files) {
    const size = sizes.get(roots.find((root) => file.startsWith(root)) ?? 'main')!;
    size.bytes += content.length;
    size.files += 1;
  }
  return [...sizes.values()];
}
