/**
 * What a deploy does, read from the repo alone (no network, no settings): every cloud function with
 * its config.json (timeout, cloud-call permissions, timer trigger), every collection with its indexes
 * from database/schema.json, and the mini-program's version (package.json) and description (git).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { IndexSpec } from '../../localcloud/src/db/collections';

export interface TimerTrigger {
  name: string;
  type: 'timer';
  /** 7 fields: second minute hour day month weekday year, Beijing time. */
  config: string;
}

export interface FunctionPlan {
  name: string;
  /** The source folder (cloudfunctions/<name>). */
  dir: string;
  timeoutSeconds: number;
  openapi: string[];
  trigger: TimerTrigger | null;
}

export interface CollectionRule {
  read: unknown;
  write: unknown;
}

export interface CollectionPlan {
  name: string;
  rule: CollectionRule;
  indexes: IndexSpec[];
}

export interface MiniProgramPlan {
  version: string;
  description: string;
}

export interface DeployPlan {
  functions: FunctionPlan[];
  collections: CollectionPlan[];
  miniProgram: MiniProgramPlan;
}

/** WeChat's limits for a timer trigger: one per function, a name of letters, digits, _ and -, a 7-field cron. */
const triggerSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/, '触发器名称须以字母开头，最多 60 个字母、数字、_ 或 -'),
  type: z.literal('timer'),
  config: z.string().refine((cron) => cron.trim().split(/\s+/).length === 7, '定时触发器的 cron 须有 7 段：秒 分 时 日 月 星期 年'),
});

const functionConfigSchema = z.object({
  // The console allows 1–60 s.
  timeout: z.number().int().min(1).max(60).default(3),
  permissions: z.object({ openapi: z.array(z.string()).default([]) }).default({ openapi: [] }),
  triggers: z.array(triggerSchema).max(1, '微信云开发每个云函数只能有一个定时触发器').default([]),
});

const indexSchema = z.object({
  name: z.string().min(1),
  keys: z.record(z.string(), z.union([z.literal(1), z.literal(-1), z.literal('2dsphere')])),
  unique: z.boolean().optional(),
});

const schemaFileSchema = z.object({
  collections: z.record(
    z.string(),
    z.object({
      rule: z.object({ read: z.unknown(), write: z.unknown() }).loose(),
      indexes: z.array(indexSchema).default([]),
    }),
  ),
});

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(`${where}：${result.error.issues.map((issue) => `${issue.path.join('.') || '(根)'} ${issue.message}`).join('；')}`);
}

/** Every cloudfunctions/<name> that has a TypeScript entry and a config.json, in name order. */
export function readFunctions(root: string): FunctionPlan[] {
  const functionsRoot = path.join(root, 'cloudfunctions');
  return fs
    .readdirSync(functionsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(functionsRoot, entry.name, 'src/index.ts')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = path.join(functionsRoot, name);
      const configFile = path.join(dir, 'config.json');
      if (!fs.existsSync(configFile)) throw new Error(`cloudfunctions/${name} 缺少 config.json`);
      const config = parseOrThrow(functionConfigSchema, readJson(configFile), `cloudfunctions/${name}/config.json`);
      const trigger = config.triggers[0];
      return { name, dir, timeoutSeconds: config.timeout, openapi: config.permissions.openapi, trigger: trigger ? { ...trigger, config: trigger.config.trim() } : null };
    });
}

export function readCollections(root: string): CollectionPlan[] {
  const schema = parseOrThrow(schemaFileSchema, readJson(path.join(root, 'database/schema.json')), 'database/schema.json');
  return Object.entries(schema.collections).map(([name, spec]) => ({
    name,
    rule: spec.rule,
    indexes: spec.indexes.map((index) => (index.unique ? { name: index.name, keys: index.keys, unique: true } : { name: index.name, keys: index.keys })),
  }));
}

/** The last commit's short hash and subject, marked when the work tree has changes not committed. */
export function gitDescription(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('log', '-1', '--format=%h %s');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    // WeChat shows the description in the version list; keep it short.
    const subject = [...head].length > 80 ? `${[...head].slice(0, 79).join('')}…` : head;
    return dirty ? `${subject}（含未提交的改动）` : subject;
  } catch {
    return '（不在 git 仓库中）';
  }
}

export function readPlan(root: string): DeployPlan {
  const { version } = readJson(path.join(root, 'package.json')) as { version?: string };
  if (!version) throw new Error('package.json 缺少 version（上传小程序的版本号取自它）');
  return {
    functions: readFunctions(root),
    collections: readCollections(root),
    miniProgram: { version, description: gitDescription(root) },
  };
}

export const countIndexes = (plan: Pick<DeployPlan, 'collections'>): number => plan.collections.reduce((sum, c) => sum + c.indexes.length, 0);
