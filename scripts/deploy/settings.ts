/**
 * The deploy's settings: from the git-ignored deploy.config.json at the repo root, each field
 * overridable by an environment variable (so a CI job can inject the secret). Keys starting with `$`
 * are explanations (deploy.config.example.json uses them) and are ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const SETTINGS_FILE = 'deploy.config.json';

/** Each setting, its environment variable and whether its value must never be printed. */
export const SETTING_FIELDS = {
  appid: { env: 'LINLI_DEPLOY_APPID', label: '小程序 AppID', secret: false },
  envId: { env: 'LINLI_DEPLOY_ENV_ID', label: '云开发环境 ID', secret: false },
  privateKeyPath: { env: 'LINLI_DEPLOY_PRIVATE_KEY_PATH', label: '代码上传密钥文件', secret: false },
  appSecret: { env: 'LINLI_DEPLOY_APP_SECRET', label: 'AppSecret（服务端 API）', secret: true },
  apiBaseUrl: { env: 'LINLI_DEPLOY_API_BASE_URL', label: '服务端 API 地址', secret: false },
} as const;

export type SettingName = keyof typeof SETTING_FIELDS;

export const DEFAULT_API_BASE_URL = 'https://api.weixin.qq.com';

const settingsSchema = z.strictObject({
  appid: z.string().regex(/^wx[0-9a-z]{16}$/i, 'AppID 是 wx 开头的 18 位字符（微信公众平台 → 开发管理 → 开发设置）'),
  envId: z.string().min(1, '云开发环境 ID 不能为空（云开发控制台 → 设置 → 环境 ID）'),
  privateKeyPath: z.string().min(1, '代码上传密钥文件路径不能为空'),
  appSecret: z.string().min(1, 'AppSecret 不能为空'),
  apiBaseUrl: z.url().default(DEFAULT_API_BASE_URL),
});

export type DeploySettings = z.infer<typeof settingsSchema>;

/** What was found, before validation: every field may be missing. */
export type RawSettings = Partial<Record<SettingName, string>>;

export interface SettingsSource {
  root: string;
  /** Defaults to `<root>/deploy.config.json`. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/** Reads the file (if any) and the environment, the environment winning; validates nothing. */
export function readRawSettings({ root, file = path.join(root, SETTINGS_FILE), env = process.env }: SettingsSource): RawSettings {
  const raw: RawSettings = {};
  if (fs.existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${path.relative(root, file)} 不是合法的 JSON：${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path.relative(root, file)} 应是一个 JSON 对象`);
    for (const [key, value] of Object.entries(parsed)) {
      if (key.startsWith('$')) continue;
      if (!(key in SETTING_FIELDS)) throw new Error(`${path.relative(root, file)} 中有未知字段 ${key}（可用：${Object.keys(SETTING_FIELDS).join('、')}）`);
      if (typeof value !== 'string') throw new Error(`${path.relative(root, file)} 中 ${key} 应是字符串`);
      if (value !== '') raw[key as SettingName] = value;
    }
  }
  for (const [name, field] of Object.entries(SETTING_FIELDS) as [SettingName, (typeof SETTING_FIELDS)[SettingName]][]) {
    const value = env[field.env];
    if (value) raw[name] = value;
  }
  return raw;
}

/** What the steps to run need: the AppSecret for the database, the upload key for everything else. */
export interface SettingsNeeded {
  appSecret: boolean;
  privateKey: boolean;
}

/**
 * Validated settings, with the key path made absolute and checked; throws one Chinese message naming
 * every problem. A setting the steps do not need may be missing (then it is '').
 */
export function resolveSettings(raw: RawSettings, root: string, needed: SettingsNeeded = { appSecret: true, privateKey: true }): DeploySettings {
  const filled: RawSettings = { ...raw };
  if (!needed.appSecret) filled.appSecret ??= 'unused';
  if (!needed.privateKey) filled.privateKeyPath ??= 'unused';
  const result = settingsSchema.safeParse(filled);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path[0] as SettingName;
      const field = SETTING_FIELDS[name];
      const missing = raw[name] === undefined;
      return missing ? `缺少${field.label}：在 ${SETTINGS_FILE} 填 ${name}，或设环境变量 ${field.env}` : `${field.label}（${name}）：${issue.message}`;
    });
    throw new Error(`部署设置不完整：\n  - ${problems.join('\n  - ')}\n（字段说明见 deploy.config.example.json）`);
  }
  const settings = { ...result.data, apiBaseUrl: result.data.apiBaseUrl.replace(/\/+$/, '') };
  if (!needed.appSecret && raw.appSecret === undefined) settings.appSecret = '';
  if (!needed.privateKey && raw.privateKeyPath === undefined) return { ...settings, privateKeyPath: '' };
  const privateKeyPath = path.resolve(root, result.data.privateKeyPath);
  if (!fs.existsSync(privateKeyPath)) throw new Error(`找不到代码上传密钥文件 ${privateKeyPath}（微信公众平台 → 开发管理 → 开发设置 → 小程序代码上传 → 生成密钥）`);
  return { ...settings, privateKeyPath };
}

/** One line per setting for the printed plan: secrets only as 已配置/未配置. */
export function describeSettings(raw: RawSettings): string[] {
  return (Object.entries(SETTING_FIELDS) as [SettingName, (typeof SETTING_FIELDS)[SettingName]][]).map(([name, field]) => {
    const value = raw[name];
    const shown = value === undefined ? (name === 'apiBaseUrl' ? `${DEFAULT_API_BASE_URL}（默认）` : '未配置') : field.secret ? '已配置（不显示）' : value;
    return `${field.label}：${shown}`;
  });
}

/** The values no output may contain. */
export function secretValues(raw: RawSettings): string[] {
  return (Object.keys(SETTING_FIELDS) as SettingName[]).filter((name) => SETTING_FIELDS[name].secret && raw[name]).map((name) => raw[name]!);
}
