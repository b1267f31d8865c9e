/**
 * `npm run deploy`: puts linli on a real WeChat cloud environment. `npm run deploy -- --dry-run`
 * prints the whole plan (no network, no secrets); `--only database,functions,triggers,miniprogram,admin`
 * runs some steps (admin: a one-time setup code for the first administrator); `--config <file>` reads another settings file; `--force` ignores what
 * deploy.state.json remembers. See README「部署到微信云开发」.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFunctions } from './build';
import { consoleChecklist } from './deploy/checklist';
import { type MiniProgramCi, realMiniProgramCi } from './deploy/ci';
import { readPlan } from './deploy/plan';
import { deploy, Output, printPlan, STATE_FILE, type Step, STEPS } from './deploy/run';
import { describeSettings, readRawSettings, resolveSettings, SETTINGS_FILE, secretValues } from './deploy/settings';
import { WechatServerApi } from './deploy/wechat-api';

const root = path.resolve(__dirname, '..');

const HELP = `用法：npm run deploy -- [选项]
  --dry-run          只打印部署计划（每个云函数、触发器、集合、索引），不联网，不需要密钥
  --only <步骤,…>    只做这些步骤：${STEPS.join(',')}
  --config <文件>    设置文件（默认 ${SETTINGS_FILE}）
  --force            不看 ${STATE_FILE} 的记录：云函数、小程序重新上传，触发器重新创建
  --help             显示本说明`;

function parseOnly(value: string | undefined): Step[] {
  if (!value) return [...STEPS];
  const steps = value.split(',').map((step) => step.trim()).filter(Boolean);
  const unknown = steps.filter((step) => !(STEPS as readonly string[]).includes(step));
  if (unknown.length) throw new Error(`未知步骤 ${unknown.join('、')}（可用：${STEPS.join('、')}）`);
  return STEPS.filter((step) => steps.includes(step));
}

export interface MainOptions {
  write?: (line: string) => void;
  writeError?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Tests replace the miniprogram-ci seam, the network and where files go. */
  ci?: MiniProgramCi;
  fetch?: typeof fetch;
  stagingDir?: string;
  stateFile?: string;
}

/** Runs the command; returns the exit code. Everything printed, errors included, goes through the redacting Output. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const { write = console.log, writeError = console.error, env = process.env } = options;
  const out = new Output(write, writeError);
  try {
    const { values } = parseArgs({
      args: argv,
      options: { 'dry-run': { type: 'boolean' }, only: { type: 'string' }, config: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      out.line(HELP);
      return 0;
    }
    const raw = readRawSettings({ root, file: values.config ? path.resolve(values.config) : undefined, env });
    for (const secret of secretValues(raw)) out.addSecret(secret);
    const only = parseOnly(values.only);
    const plan = readPlan(root);
    const checklist = consoleChecklist(root, plan.functions, plan.collections);
    if (values['dry-run']) {
      printPlan(out, plan, checklist, describeSettings(raw), only);
      return 0;
    }
    // The server API (database, admin) needs the AppSecret; miniprogram-ci (functions, triggers, miniprogram) the code-upload key.
    const serverApiSteps: readonly Step[] = ['database', 'admin'];
    const settings = resolveSettings(raw, root, {
      appSecret: only.some((step) => serverApiSteps.includes(step)),
      privateKey: only.some((step) => !serverApiSteps.includes(step)),
    });
    await deploy({
      root,
      appid: settings.appid,
      envId: settings.envId,
      plan,
      checklist,
      ci: options.ci ?? realMiniProgramCi({ appid: settings.appid, envId: settings.envId, privateKeyPath: settings.privateKeyPath, projectPath: root }),
      api: new WechatServerApi({
        baseUrl: settings.apiBaseUrl,
        appid: settings.appid,
        appSecret: settings.appSecret,
        fetch: options.fetch,
        onToken: (token) => out.addSecret(token),
      }),
      buildFunctions: (outRoot) => buildFunctions(path.join(root, 'cloudfunctions'), outRoot),
      stagingDir: options.stagingDir ?? path.join(root, '.build/deploy/cloudfunctions'),
      stateFile: options.stateFile ?? path.join(root, STATE_FILE),
      out,
      only,
      force: values.force,
    });
    return 0;
  } catch (error) {
    out.error(`\n部署失败：${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  // miniprogram-ci may leave timers behind; the deploy is over when main returns.
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
