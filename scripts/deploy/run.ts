/**
 * The deploy's steps, printed as they go: the database (collections and indexes), the cloud
 * functions (build, upload), their timer triggers, the mini-program; then what only the consoles can
 * do. Every step can run again and changes only what differs: collections and indexes by asking the
 * cloud; functions, triggers and the mini-program by deploy.state.json, which remembers per AppID and
 * environment what was uploaded (a hash of its files) and created (`--force` uploads and asks again).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { groupCode } from '../../core/codes';
import type { ChecklistItem } from './checklist';
import type { MiniProgramCi } from './ci';
import { type DatabaseApi, type DatabaseReport, syncDatabase } from './database';
import { countIndexes, type DeployPlan } from './plan';

export const STEPS = ['database', 'functions', 'triggers', 'miniprogram', 'admin'] as const;
export type Step = (typeof STEPS)[number];

const STEP_TITLES: Record<Step, string> = {
  database: '数据库（集合与索引）',
  functions: '云函数（构建并上传）',
  triggers: '定时触发器',
  miniprogram: '小程序（上传开发版）',
  admin: '第一位管理员（初始化码）',
};

/** The event that makes the community function issue a setup code (a server job: only the server API reaches it). */
export const ISSUE_SETUP_CODE = { action: 'setup.issueCode' } as const;

/** What the admin step does with the server API. */
export interface FunctionApi {
  invokeFunction(env: string, name: string, event: unknown): Promise<unknown>;
}

export const STATE_FILE = 'deploy.state.json';

/** Writes lines with every known secret blanked out, whatever produced the text. */
export class Output {
  private readonly secrets = new Set<string>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly writeError: (line: string) => void = write,
  ) {}

  addSecret(value: string): void {
    if (value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let safe = text;
    for (const secret of this.secrets) safe = safe.split(secret).join('***');
    return safe;
  }

  line(text = ''): void {
    this.write(this.redact(text));
  }

  error(text: string): void {
    this.writeError(this.redact(text));
  }
}

function formatIndex(index: DeployPlan['collections'][number]['indexes'][number]): string {
  const keys = Object.entries(index.keys)
    .map(([field, direction]) => `${field} ${direction === 1 ? '升序' : direction === -1 ? '降序' : direction}`)
    .join('，');
  return `${index.name}（${keys}${index.unique ? '；唯一' : ''}）`;
}

function printChecklist(out: Output, checklist: readonly ChecklistItem[]): void {
  out.line('只能在微信控制台完成的事：');
  checklist.forEach((item, i) => {
    out.line(`  ${i + 1}. ${item.title}`);
    for (const line of item.lines) out.line(`     - ${line}`);
  });
}

/** The whole plan, by name: every function, trigger, collection and index. No network, no secrets. */
export function printPlan(out: Output, plan: DeployPlan, checklist: readonly ChecklistItem[], settingsLines: readonly string[], only: readonly Step[] = STEPS): void {
  const triggers = plan.functions.filter((fn) => fn.trigger);
  out.line('部署计划（--dry-run：只读本仓库，不联网，不改动任何东西）');
  out.line('设置：');
  for (const line of settingsLines) out.line(`  ${line}`);
  const numbered = STEPS.filter((step) => only.includes(step));
  const heading = (step: Step, detail: string) => out.line(`[${numbered.indexOf(step) + 1}/${numbered.length}] ${STEP_TITLES[step]}：${detail}`);
  if (only.includes('database')) {
    heading('database', `${plan.collections.length} 个集合、${countIndexes(plan)} 个索引（只建缺少的，不删除任何集合或索引）`);
    for (const collection of plan.collections) {
      out.line(`  ${collection.name}：${collection.indexes.length ? collection.indexes.map(formatIndex).join('；') : '无索引'}`);
    }
  }
  if (only.includes('functions')) {
    heading('functions', `${plan.functions.length} 个（esbuild 打包，云端安装依赖 wx-server-sdk）`);
    for (const fn of plan.functions) {
      out.line(`  ${fn.name}（超时 ${fn.timeoutSeconds} 秒；云调用 ${fn.openapi.join('、') || '无'}）`);
    }
  }
  if (only.includes('triggers')) {
    heading('triggers', `${triggers.length} 个（北京时间，秒 分 时 日 月 星期 年）`);
    for (const fn of triggers) out.line(`  ${fn.name}.${fn.trigger!.name}：${fn.trigger!.config}`);
  }
  if (only.includes('miniprogram')) {
    heading('miniprogram', `版本 ${plan.miniProgram.version}，描述“${plan.miniProgram.description}”`);
  }
  if (only.includes('admin')) {
    heading('admin', '还没有管理员时，调用云函数 community 生成一次性初始化码并打印（已有管理员则不生成）');
  }
  out.line();
  printChecklist(out, checklist);
}

/** What was deployed to one AppID and environment. */
interface TargetState {
  /** Function name → hash of the files uploaded. */
  functions?: Record<string, string>;
  /** Function name → `<trigger name> <cron>` created. */
  triggers?: Record<string, string>;
  /** `<version> <hash of the mini-program's files>` uploaded. */
  miniProgram?: string;
}

type DeployState = Record<string, TargetState>;

function readState(file: string): DeployState {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DeployState;
  } catch {
    return {};
  }
}

/** A hash of every file under the given folders and files (paths and contents), skipping node_modules. */
export function hashFiles(root: string, entries: readonly string[]): string {
  const hash = createHash('sha256');
  const visit = (relative: string) => {
    const full = path.join(root, relative);
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) if (name !== 'node_modules') visit(path.join(relative, name));
      return;
    }
    hash.update(`${relative.split(path.sep).join('/')}\0`);
    hash.update(fs.readFileSync(full));
    hash.update('\0');
  };
  for (const entry of entries) if (fs.existsSync(path.join(root, entry))) visit(entry);
  return hash.digest('hex').slice(0, 16);
}

export interface DeployOptions {
  root: string;
  appid: string;
  envId: string;
  plan: DeployPlan;
  checklist: readonly ChecklistItem[];
  ci: MiniProgramCi;
  api: DatabaseApi & FunctionApi & { checkCredentials(): Promise<void> };
  /** Builds every function into `outRoot/<name>` (index.js, config.json, package.json); returns the names built. */
  buildFunctions: (outRoot: string) => Promise<string[]>;
  /** Where the functions are built for upload (emptied first). */
  stagingDir: string;
  /** Remembers what was uploaded and created, per AppID and environment. */
  stateFile: string;
  out: Output;
  only?: readonly Step[];
  /** Upload and create again what the state file says is there. */
  force?: boolean;
}

export interface DeployReport {
  database: DatabaseReport | null;
  functionsUploaded: string[];
  /** Unchanged since the last upload to this environment. */
  functionsSkipped: string[];
  triggersCreated: string[];
  triggersSkipped: string[];
  /** Refused by WeChat, most often because they exist already: to check in the console. */
  triggersRefused: string[];
  miniProgram: { version: string; uploaded: boolean } | null;
  /** The setup code issued (null: none, e.g. an administrator exists already). */
  setupCode: string | null;
}

export async function deploy(options: DeployOptions): Promise<DeployReport> {
  const { plan, ci, api, out } = options;
  const only = options.only ?? STEPS;
  const numbered = STEPS.filter((step) => only.includes(step));
  const heading = (step: Step, detail = '') => out.line(`[${numbered.indexOf(step) + 1}/${numbered.length}] ${STEP_TITLES[step]}${detail ? `：${detail}` : ''}`);
  const report: DeployReport = { database: null, functionsUploaded: [], functionsSkipped: [], triggersCreated: [], triggersSkipped: [], triggersRefused: [], miniProgram: null, setupCode: null };
  out.line(`部署到 AppID ${options.appid}、云开发环境 ${options.envId}${options.force ? '（--force：不看上次的记录）' : ''}`);
  const target = `${options.appid}/${options.envId}`;
  const state = readState(options.stateFile);
  const recorded: TargetState = options.force ? {} : (state[target] ?? {});
  /** Records one fact about this target at once, so an interrupted deploy keeps what it did. */
  const remember = (update: (target: TargetState) => TargetState) => {
    state[target] = update(state[target] ?? {});
    fs.writeFileSync(options.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  };

  if (only.includes('database')) {
    heading('database', `${plan.collections.length} 个集合、${countIndexes(plan)} 个索引`);
    await api.checkCredentials();
    out.line('  已取得接口调用凭证');
    report.database = await syncDatabase(api, options.envId, plan.collections, (line) => out.line(`  ${line}`));
  }

  if (only.includes('functions')) {
    heading('functions', `${plan.functions.length} 个`);
    fs.rmSync(options.stagingDir, { recursive: true, force: true });
    const started = performance.now();
    const built = new Set(await options.buildFunctions(options.stagingDir));
    const missing = plan.functions.filter((fn) => !built.has(fn.name)).map((fn) => fn.name);
    if (missing.length) throw new Error(`没有构建出云函数 ${missing.join('、')}`);
    out.line(`  构建完成（${Math.round(performance.now() - started)} ms），上传目录 ${path.relative(options.root, options.stagingDir)}`);
    for (const fn of plan.functions) {
      const hash = hashFiles(options.stagingDir, [fn.name]);
      if (recorded.functions?.[fn.name] === hash) {
        report.functionsSkipped.push(fn.name);
        out.line(`  = ${fn.name}：与上次上传的相同，跳过`);
        continue;
      }
      out.line(`  ↑ ${fn.name} 上传中…`);
      const uploaded = await ci.uploadFunction({ name: fn.name, path: path.join(options.stagingDir, fn.name) });
      report.functionsUploaded.push(fn.name);
      remember((t) => ({ ...t, functions: { ...t.functions, [fn.name]: hash } }));
      out.line(`  ✓ ${fn.name}（${uploaded.filesCount} 个文件，${(uploaded.packSize / 1024).toFixed(1)} KB）`);
    }
  }

  if (only.includes('triggers')) {
    const withTrigger = plan.functions.filter((fn) => fn.trigger);
    heading('triggers', `${withTrigger.length} 个`);
    for (const fn of withTrigger) {
      const trigger = fn.trigger!;
      const wanted = `${trigger.name} ${trigger.config}`;
      const label = `${fn.name}.${trigger.name}（${trigger.config}）`;
      if (recorded.triggers?.[fn.name] === wanted) {
        report.triggersSkipped.push(fn.name);
        out.line(`  = ${label}：已建（${STATE_FILE} 有记录），跳过`);
        continue;
      }
      if (await ci.createTimeTrigger({ functionName: fn.name, trigger })) {
        report.triggersCreated.push(fn.name);
        remember((t) => ({ ...t, triggers: { ...t.triggers, [fn.name]: wanted } }));
        out.line(`  + ${label}：已新建`);
      } else {
        report.triggersRefused.push(fn.name);
        out.line(`  ! ${label}：微信未创建（多半已有同名触发器）。请在云开发控制台 → 云函数 → ${fn.name} → 触发器 核对 cron；不同就删除旧的再部署`);
      }
    }
  }

  if (only.includes('miniprogram')) {
    heading('miniprogram', `版本 ${plan.miniProgram.version}，描述“${plan.miniProgram.description}”`);
    if (!fs.existsSync(path.join(options.root, 'miniprogram/miniprogram_npm'))) throw new Error('miniprogram/miniprogram_npm 不存在：请先在仓库根目录运行 npm ci（它会构建小程序的 npm 包）');
    const wanted = `${plan.miniProgram.version} ${hashFiles(options.root, ['miniprogram', 'project.config.json'])}`;
    if (recorded.miniProgram === wanted) {
      report.miniProgram = { version: plan.miniProgram.version, uploaded: false };
      out.line(`  = 与上次上传的开发版 ${plan.miniProgram.version} 相同，跳过`);
    } else {
      const uploaded = await ci.uploadMiniProgram({
        version: plan.miniProgram.version,
        description: plan.miniProgram.description,
        onProgress: (message) => out.line(`  ${message}`),
      });
      report.miniProgram = { version: plan.miniProgram.version, uploaded: true };
      remember((t) => ({ ...t, miniProgram: wanted }));
      const sizes = uploaded.packages.map((pkg) => `${pkg.name} ${(pkg.size / 1024).toFixed(0)} KB`).join('，');
      out.line(`  ✓ 已上传开发版 ${plan.miniProgram.version}${sizes ? `（${sizes}）` : ''}`);
    }
  }

  if (only.includes('admin')) {
    heading('admin', '调用云函数 community 生成初始化码（服务端 API invokecloudfunction）');
    const reply = (await options.api.invokeFunction(options.envId, 'community', ISSUE_SETUP_CODE)) as
      | { ok: true; data: { code: string; expiresAt: string } }
      | { ok: false; error: { code: string; message: string } }
      | null;
    if (reply?.ok) {
      report.setupCode = reply.data.code;
      const code = groupCode(reply.data.code);
      out.line(`  初始化码：${code}（${formatExpiry(reply.data.expiresAt)} 前有效，只能用一次；再次部署会换一个新的，旧的作废）`);
      out.line('  请第一位管理员在小程序“我的 → 成为管理员”中输入它；之后的管理员由管理员在小程序里邀请。');
    } else if (reply && !reply.ok) {
      out.line(`  未生成：${reply.error.message}`);
    } else {
      throw new Error('云函数 community 没有回复初始化码：请确认它已上传（--only functions）');
    }
  }

  out.line();
  const db = report.database;
  out.line(
    [
      '部署完成：',
      db ? `新建集合 ${db.collectionsCreated.length} 个、索引 ${db.indexesCreated.length} 个，确认索引 ${db.indexesConfirmed.length} 个，未变集合 ${db.collectionsUnchanged.length} 个；` : '',
      only.includes('functions') ? `上传云函数 ${report.functionsUploaded.length} 个、未变 ${report.functionsSkipped.length} 个；` : '',
      only.includes('triggers') ? `触发器新建 ${report.triggersCreated.length}、跳过 ${report.triggersSkipped.length}、待核对 ${report.triggersRefused.length}；` : '',
      report.miniProgram ? `小程序开发版 ${report.miniProgram.version} ${report.miniProgram.uploaded ? '已上传' : '未变'}。` : '',
      report.setupCode ? '已生成初始化码（见上）。' : '',
    ].join(''),
  );
  out.line();
  printChecklist(out, options.checklist);
  return report;
}

/** 2026-12-14 18:00 (Beijing time), for the line that prints the setup code. */
function formatExpiry(iso: string): string {
  const local = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `北京时间 ${local.slice(0, 10)} ${local.slice(11, 16)}`;
}
