/**
 * The one seam between the deploy and miniprogram-ci (the code WeChat DevTools uses to upload): a
 * test replaces it with a recorder. The real one loads miniprogram-ci only when a deploy runs, so
 * `--dry-run` and the tests never need it.
 *
 * Facts from miniprogram-ci 2.1.42 (dist/ci/cloud/*.js):
 * - cloud.uploadFunction({project, env, name, path, remoteNpmInstall}) zips the folder (without
 *   node_modules when remoteNpmInstall) and creates the function if missing (runtime Nodejs8.9,
 *   timeout 3 s, 256 MB, no environment variables) or updates its code; → {filesCount, packSize}.
 * - cloud.createTimeTrigger({project, envId, functionName, triggersConfig}) does not throw when the
 *   platform refuses (e.g. the trigger exists): it resolves '请检查传入的 triggersConfig 是否符合格式'
 *   instead of '创建定时触发器成功'.
 * - upload({project, version, desc, setting, robot, onProgressUpdate}) uploads the development
 *   version; → {subPackageInfo: [{name, size}]}.
 */
import { createRequire } from 'node:module';
import type { TimerTrigger } from './plan';

export interface UploadedFunction {
  filesCount: number;
  packSize: number;
}

export interface UploadedMiniProgram {
  /** Each package's size in bytes (`__FULL__` is all of them, `__APP__` the main package). */
  packages: Array<{ name: string; size: number }>;
}

export interface MiniProgramCi {
  uploadFunction(input: { name: string; path: string }): Promise<UploadedFunction>;
  /** false when WeChat refused it (most often: a trigger of that name already exists). */
  createTimeTrigger(input: { functionName: string; trigger: TimerTrigger }): Promise<boolean>;
  uploadMiniProgram(input: { version: string; description: string; onProgress?: (message: string) => void }): Promise<UploadedMiniProgram>;
}

export interface CiSettings {
  appid: string;
  envId: string;
  privateKeyPath: string;
  /** The folder holding project.config.json. */
  projectPath: string;
}

/** The parts of miniprogram-ci's API used here. */
interface MiniprogramCiModule {
  Project: new (options: { appid: string; type: 'miniProgram'; projectPath: string; privateKeyPath: string; ignores?: string[] }) => object;
  upload(options: {
    project: object;
    version: string;
    desc?: string;
    setting?: { useProjectConfig?: boolean };
    robot?: number;
    onProgressUpdate?: (task: unknown) => void;
  }): Promise<{ subPackageInfo?: Array<{ name: string; size: number }> }>;
  cloud: {
    uploadFunction(options: { project: object; env: string; name: string; path: string; remoteNpmInstall: boolean }): Promise<UploadedFunction>;
    createTimeTrigger(options: { project: object; envId: string; functionName: string; triggersConfig: TimerTrigger[] }): Promise<string>;
  };
}

const TRIGGER_CREATED = '创建定时触发器成功';

function loadMiniprogramCi(): MiniprogramCiModule {
  try {
    return createRequire(__filename)('miniprogram-ci') as MiniprogramCiModule;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') throw new Error('没有安装 miniprogram-ci：请先在仓库根目录运行 npm ci（它是开发依赖）');
    throw error;
  }
}

function describeProgress(task: unknown): string | null {
  if (typeof task === 'string') return task;
  if (task && typeof task === 'object' && 'message' in task) {
    const { message, status } = task as { message?: string; status?: string };
    if (!message) return null;
    if (status === 'done') return message;
    if (status === 'warn' || status === 'fail') return `${status === 'warn' ? '注意' : '失败'}：${message}`;
    return null;
  }
  return null;
}

export function realMiniProgramCi(settings: CiSettings): MiniProgramCi {
  let loaded: { ci: MiniprogramCiModule; project: object } | null = null;
  const load = () => {
    if (!loaded) {
      const ci = loadMiniprogramCi();
      const project = new ci.Project({
        appid: settings.appid,
        type: 'miniProgram',
        projectPath: settings.projectPath,
        privateKeyPath: settings.privateKeyPath,
        ignores: ['node_modules/**/*'],
      });
      loaded = { ci, project };
    }
    return loaded;
  };
  return {
    async uploadFunction({ name, path }) {
      const { ci, project } = load();
      // remoteNpmInstall: the cloud installs wx-server-sdk from the function's package.json.
      return ci.cloud.uploadFunction({ project, env: settings.envId, name, path, remoteNpmInstall: true });
    },
    async createTimeTrigger({ functionName, trigger }) {
      const { ci, project } = load();
      const result = await ci.cloud.createTimeTrigger({ project, envId: settings.envId, functionName, triggersConfig: [trigger] });
      return result === TRIGGER_CREATED;
    },
    async uploadMiniProgram({ version, description, onProgress }) {
      const { ci, project } = load();
      const result = await ci.upload({
        project,
        version,
        desc: description,
        setting: { useProjectConfig: true },
        onProgressUpdate: (task) => {
          const message = describeProgress(task);
          if (message) onProgress?.(message);
        },
      });
      return { packages: result.subPackageInfo ?? [] };
    },
  };
}
