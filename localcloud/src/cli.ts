/**
 * `npm start` runs `start`: the local cloud in the foreground until SIGINT/SIGTERM.
 * `export FILE`, `import FILE` and `reset` work on the data folder while the server is stopped
 * (while it runs, use the console or /__linli/api/export|import|reset).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseEngine } from './db/engine';
import { SqlitePersistence } from './db/persistence';
import { optionsFromEnvironment } from './config';
import { type LocalCloud, startLocalCloud } from './server';

const root = path.resolve(process.env.LINLI_ROOT ?? process.cwd());

async function start(): Promise<void> {
  const startedAt = performance.now();
  const options = optionsFromEnvironment(root);
  // With the demo data, demo-admin is the administrator unless the environment says otherwise.
  if (options.seed && process.env.LINLI_ADMIN_OPENIDS === undefined) process.env.LINLI_ADMIN_OPENIDS = 'demo-admin';
  const cloud = await startLocalCloud(options);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n收到 ${signal}，正在关闭… (shutting down)`);
    cloud.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const functions = cloud.runtime.list();
  const broken = functions.filter((f) => f.error);
  console.log(`linli 本地云 Local Cloud 已启动 (${Math.round(performance.now() - startedAt)} ms)`);
  console.log(`  控制台 Console:        ${cloud.url}/`);
  console.log(`  云函数调用 Client API: ${cloud.clientUrl}  (POST {name, data}, header x-wx-openid)`);
  console.log(`  TCB 接口 SDK endpoint: ${cloud.adminUrl}`);
  console.log(`  环境 Env:              ${cloud.envName}`);
  console.log(`  数据 Data:             ${options.dataDir}`);
  console.log(`  云函数 Functions:      ${functions.map((f) => f.name).join(', ') || '(none)'}`);
  for (const f of broken) console.log(`  ! ${f.name}: ${f.error}`);
  if (!options.seed && functions.some((f) => f.name === 'community' && !f.error)) await printSetupCode(cloud, options.appid);
  console.log('按 Ctrl+C 停止 (Ctrl+C to stop)');
}

/**
 * Without the demo data nobody administers linli yet: the setup code for the first administrator,
 * issued as `npm run deploy` issues it on WeChat (the community function's server job, SOURCE
 * wx_http). Once someone has become administrator, the function declines and says so.
 */
async function printSetupCode(cloud: LocalCloud, appid: string | undefined): Promise<void> {
  const outcome = await cloud.runtime.invoke({ name: 'community', event: { action: 'setup.issueCode' }, identity: { openid: null, appid: appid ?? '' }, source: 'wx_http' });
  const reply = (outcome.ok ? outcome.result : null) as { ok: boolean; data?: { code: string }; error?: { message: string } } | null;
  if (reply?.ok && reply.data) {
    console.log(`  初始化码 Setup code:   ${reply.data.code.match(/.{1,4}/g)!.join('-')}  (在小程序“我的 → 成为管理员”中输入；7 天内有效，只能用一次)`);
  } else {
    console.log(`  初始化码 Setup code:   未生成 (${reply?.error?.message ?? (outcome.ok ? '无回复' : outcome.message)})`);
  }
}

function openDataDir(): DatabaseEngine {
  const options = optionsFromEnvironment(root);
  return new DatabaseEngine({ persistence: new SqlitePersistence(options.dataDir!), schema: options.schema, now: Date.now });
}

async function main(): Promise<void> {
  const [command = 'start', file] = process.argv.slice(2);
  if (command === 'start') return start();
  if (command === 'export' && file) {
    const engine = openDataDir();
    fs.writeFileSync(file, [...engine.exportLines()].map((line) => `${line}\n`).join(''));
    engine.close();
    console.log(`导出完成 exported to ${file}`);
    return;
  }
  if (command === 'import' && file) {
    const engine = openDataDir();
    const count = engine.importLines(fs.readFileSync(file, 'utf8').split('\n'));
    engine.close();
    console.log(`导入 ${count} 条文档 imported ${count} documents`);
    return;
  }
  if (command === 'reset') {
    const engine = openDataDir();
    engine.reset();
    engine.close();
    console.log('已清空数据 data reset');
    return;
  }
  console.error('usage: localcloud [start | export FILE | import FILE | reset]');
  process.exit(2);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
