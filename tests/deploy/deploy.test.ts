// @vitest-environment node
/**
 * `npm run deploy` end to end against the local cloud, which answers WeChat's server API: the schema
 * lands in an empty cloud with every collection and index, a second deploy changes nothing, an
 * existing collection only gets what it lacks (nothing is dropped), and the miniprogram-ci calls go
 * through the seam (recorded here). `--dry-run` names everything and needs neither network nor
 * secrets; no output ever holds the AppSecret or an access token.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_APP_SECRET, type LocalCloud } from '../../localcloud/src/server';
import { main } from '../../scripts/deploy';
import { SETTING_FIELDS } from '../../scripts/deploy/settings';
import type { MiniProgramCi } from '../../scripts/deploy/ci';
import type { TimerTrigger } from '../../scripts/deploy/plan';
import { postJson, REPO_ROOT, startTestCloud } from '../helpers/localcloud';

const APPID = 'wx00112233445566ff';
const SECRET = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const ENV = 'linli-deploy-test';

interface SchemaIndex {
  name: string;
  keys: Record<string, 1 | -1 | '2dsphere'>;
  unique?: boolean;
}

// Read straight from the repo's files, not through the deploy's own reader.
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'database/schema.json'), 'utf8')) as {
  collections: Record<string, { indexes?: SchemaIndex[] }>;
};
const functionNames = fs.readdirSync(path.join(REPO_ROOT, 'cloudfunctions')).filter((name) => fs.existsSync(path.join(REPO_ROOT, 'cloudfunctions', name, 'src/index.ts')));
const triggers = functionNames.flatMap((name) => {
  const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cloudfunctions', name, 'config.json'), 'utf8')) as { triggers?: TimerTrigger[] };
  return (config.triggers ?? []).map((trigger) => ({ functionName: name, trigger }));
});
const packageVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Recorded {
  uploads: Array<{ name: string; files: string[] }>;
  triggers: Array<{ functionName: string; trigger: TimerTrigger }>;
  miniPrograms: Array<{ version: string; description: string }>;
}

/** The seam, recording; `existingTriggers` answer as WeChat does for a trigger already there. */
function recorder(existingTriggers: readonly string[] = []): { ci: MiniProgramCi; calls: Recorded } {
  const calls: Recorded = { uploads: [], triggers: [], miniPrograms: [] };
  return {
    calls,
    ci: {
      async uploadFunction({ name, path: dir }) {
        const files = fs.readdirSync(dir).sort();
        calls.uploads.push({ name, files });
        return { filesCount: files.length, packSize: files.reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0) };
      },
      async createTimeTrigger({ functionName, trigger }) {
        calls.triggers.push({ functionName, trigger });
        return !existingTriggers.includes(functionName);
      },
      async uploadMiniProgram({ version, description, onProgress }) {
        calls.miniPrograms.push({ version, description });
        onProgress?.('上传完成');
        return { packages: [{ name: '__APP__', size: 420_000 }] };
      },
    },
  };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-deploy-'));
const keyFile = path.join(scratch, 'private.test.key');
fs.writeFileSync(keyFile, '-----BEGIN RSA PRIVATE KEY-----\nnot a real key\n-----END RSA PRIVATE KEY-----\n');

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `npm run deploy` in-process against a cloud; records every server API request and every token handed out. */
async function runDeploy(
  cloud: LocalCloud | null,
  argv: string[],
  options: { ci?: MiniProgramCi; stateFile?: string; env?: NodeJS.ProcessEnv; fetch?: typeof fetch } = {},
) {
  const lines: string[] = [];
  const requests: string[] = [];
  const tokens: string[] = [];
  const countingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push(url.pathname);
    const response = await (options.fetch ?? fetch)(input, init);
    const text = await response.text();
    const token = (JSON.parse(text) as { access_token?: string }).access_token;
    if (token) tokens.push(token);
    return new Response(text, { status: response.status, headers: response.headers });
  };
  const env: NodeJS.ProcessEnv = {
    LINLI_DEPLOY_APPID: APPID,
    LINLI_DEPLOY_ENV_ID: ENV,
    LINLI_DEPLOY_PRIVATE_KEY_PATH: keyFile,
    LINLI_DEPLOY_APP_SECRET: SECRET,
    LINLI_DEPLOY_API_BASE_URL: cloud?.url ?? 'http://127.0.0.1:9',
    ...options.env,
  };
  // Never the developer's own deploy.config.json.
  const code = await main([...argv, '--config', path.join(scratch, 'no-such-config.json')], {
    write: (line) => lines.push(line),
    writeError: (line) => lines.push(line),
    env,
    ci: options.ci ?? recorder().ci,
    fetch: countingFetch,
    stagingDir: path.join(scratch, 'staging'),
    stateFile: options.stateFile ?? path.join(scratch, `state-${Math.random().toString(36).slice(2)}.json`),
  });
  const output = lines.join('\n');
  return { code, output, requests, tokens };
}

function expectNoSecrets(output: string, tokens: readonly string[]): void {
  expect(output).not.toContain(SECRET);
  for (const token of tokens) expect(output).not.toContain(token);
}

describe('npm run deploy -- --dry-run', () => {
  it('names every function, trigger, collection and index, without network, settings or secrets', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { ci, calls } = recorder();
    const { code, output, requests } = await runDeploy(null, ['--dry-run'], { ci });
    expect(code).toBe(0);
    for (const name of functionNames) expect(output).toMatch(new RegExp(`^  ${name}（超时`, 'm'));
    for (const { functionName, trigger } of triggers) expect(output).toContain(`${functionName}.${trigger.name}：${trigger.config}`);
    for (const [name, spec] of Object.entries(schema.collections)) {
      expect(output).toMatch(new RegExp(`^  ${name}：`, 'm'));
      for (const index of spec.indexes ?? []) expect(output).toContain(`${index.name}（`);
    }
    expect(output).toContain(`版本 ${packageVersion}`);
    expect(output).toContain('AppSecret（服务端 API）：已配置（不显示）');
    expect(output).toContain('只能在微信控制台完成的事');
    expectNoSecrets(output, []);
    expect(requests).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(calls).toEqual({ uploads: [], triggers: [], miniPrograms: [] });
  });

  it('works with no settings at all', async () => {
    const { code, output } = await runDeploy(null, ['--dry-run'], {
      env: { LINLI_DEPLOY_APPID: '', LINLI_DEPLOY_ENV_ID: '', LINLI_DEPLOY_PRIVATE_KEY_PATH: '', LINLI_DEPLOY_APP_SECRET: '', LINLI_DEPLOY_API_BASE_URL: '' },
    });
    expect(code).toBe(0);
    expect(output).toContain('小程序 AppID：未配置');
    expect(output).toContain('AppSecret（服务端 API）：未配置');
  });
});

describe('npm run deploy against the local cloud', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    // An empty cloud: no schema, so not one collection. The functions are there as if uploaded (the
    // upload itself goes to the recorder), so the admin step can run the community function.
    cloud = await startTestCloud({ appid: APPID, appSecret: SECRET, envName: ENV, functionRoots: [path.join(REPO_ROOT, 'cloudfunctions')] });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('deploys everything to an empty cloud; a second deploy changes nothing', async () => {
    expect(cloud.engine.collections.names()).toEqual([]);
    const stateFile = path.join(scratch, 'state-full.json');
    const first = recorder();
    const run1 = await runDeploy(cloud, [], { ci: first.ci, stateFile });
    expect(run1.code, run1.output).toBe(0);

    expect(cloud.engine.collections.names().sort()).toEqual(Object.keys(schema.collections).sort());
    for (const [name, spec] of Object.entries(schema.collections)) {
      const indexes = cloud.engine.collections.require(name).indexes.map((index) => ({ name: index.name, keys: index.keys, unique: index.unique === true }));
      expect(indexes, name).toEqual((spec.indexes ?? []).map((index) => ({ name: index.name, keys: index.keys, unique: index.unique === true })));
    }

    expect(first.calls.uploads.map((upload) => upload.name)).toEqual([...functionNames].sort());
    for (const upload of first.calls.uploads) expect(upload.files, upload.name).toEqual(['config.json', 'index.js', 'package.json']);
    expect(first.calls.triggers).toEqual(triggers);
    const head = execFileSync('git', ['log', '-1', '--format=%h'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    expect(first.calls.miniPrograms).toEqual([{ version: packageVersion, description: expect.stringMatching(new RegExp(`^${head} `)) }]);
    expect(run1.tokens.length).toBeGreaterThan(0);
    expectNoSecrets(run1.output, run1.tokens);

    // The first administrator's setup code, printed once, works in the app.
    const printed = /初始化码：([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(run1.output)?.[1];
    expect(printed, run1.output).toBeDefined();
    const bootstrap = await postJson(cloud.clientUrl, { name: 'community', data: { action: 'community.bootstrap', input: { code: printed, name: '王主任' } } }, { 'x-wx-openid': 'o-deployed-admin' });
    expect(bootstrap.json.result).toMatchObject({ ok: true, data: { roles: ['admin'] } });

    const second = recorder();
    const run2 = await runDeploy(cloud, [], { ci: second.ci, stateFile });
    expect(run2.code, run2.output).toBe(0);
    expect(run2.requests).toEqual(['/cgi-bin/stable_token', '/tcb/databasecollectionget', '/tcb/invokecloudfunction']);
    // With an administrator there is no new code: they invite the others in the app.
    expect(run2.output).toMatch(/未生成：已经有管理员了/);
    expect(run2.output).not.toMatch(/初始化码：/);
    expect(run2.output).toContain(`未变集合 ${Object.keys(schema.collections).length} 个`);
    expect(second.calls).toEqual({ uploads: [], triggers: [], miniPrograms: [] });
    expectNoSecrets(run2.output, run2.tokens);

    // A function whose files differ from what was uploaded goes up again, alone; --force sends everything.
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Record<string, { functions: Record<string, string> }>;
    state[`${APPID}/${ENV}`]!.functions[functionNames[0]!] = 'something-else';
    fs.writeFileSync(stateFile, JSON.stringify(state));
    const third = recorder();
    expect((await runDeploy(cloud, ['--only', 'functions'], { ci: third.ci, stateFile })).code).toBe(0);
    expect(third.calls.uploads.map((upload) => upload.name)).toEqual([functionNames[0]]);
    const forced = recorder();
    expect((await runDeploy(cloud, ['--only', 'triggers,miniprogram', '--force'], { ci: forced.ci, stateFile })).code).toBe(0);
    expect(forced.calls.triggers).toEqual(triggers);
    expect(forced.calls.miniPrograms).toHaveLength(1);
  });
});

describe('npm run deploy on a cloud that already has part of the schema', () => {
  it('creates only what is missing and drops nothing', async () => {
    const cloud = await startTestCloud({
      appid: APPID,
      appSecret: SECRET,
      envName: ENV,
      schema: {
        collections: {
          // One of the schema's indexes, and one the schema does not have.
          users: { indexes: [schema.collections.users!.indexes![0]!, { name: 'legacy_phone', keys: { phone: 1 } }] },
          scratchpad: {},
        },
      },
    });
    try {
      const { ci, calls } = recorder();
      const { code, output, requests } = await runDeploy(cloud, ['--only', 'database'], { ci });
      expect(code, output).toBe(0);
      const users = cloud.engine.collections.require('users').indexes.map((index) => index.name);
      expect(users.sort()).toEqual([...schema.collections.users!.indexes!.map((index) => index.name), 'legacy_phone'].sort());
      expect(cloud.engine.collections.get('scratchpad')).toBeDefined();
      expect(requests.filter((request) => request === '/tcb/databasecollectionadd')).toHaveLength(Object.keys(schema.collections).length - 1);
      expect(output).toContain('~ users：云端有 3 个索引');
      expect(calls).toEqual({ uploads: [], triggers: [], miniPrograms: [] });
    } finally {
      await cloud.close();
    }
  });

  it('a trigger WeChat refuses (one already there) is reported for checking, not recorded', async () => {
    const cloud = await startTestCloud({ appid: APPID, appSecret: SECRET, envName: ENV });
    try {
      const stateFile = path.join(scratch, 'state-refused.json');
      const refused = triggers[0]!.functionName;
      const { ci, calls } = recorder([refused]);
      const { code, output } = await runDeploy(cloud, ['--only', 'triggers'], { ci, stateFile });
      expect(code, output).toBe(0);
      expect(calls.triggers).toHaveLength(triggers.length);
      expect(output).toContain(`! ${refused}.${triggers[0]!.trigger.name}`);
      const again = recorder();
      await runDeploy(cloud, ['--only', 'triggers'], { ci: again.ci, stateFile });
      expect(again.calls.triggers.map((call) => call.functionName)).toEqual([refused]);
    } finally {
      await cloud.close();
    }
  });
});

describe('npm run deploy when something is wrong', () => {
  it('a wrong AppSecret stops before anything changes, says what to fix, and prints no secret', async () => {
    const cloud = await startTestCloud({ appid: APPID, appSecret: SECRET, envName: ENV });
    try {
      const wrong = 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb';
      const { ci, calls } = recorder();
      const { code, output } = await runDeploy(cloud, [], { ci, env: { LINLI_DEPLOY_APP_SECRET: wrong } });
      expect(code).toBe(1);
      expect(output).toContain('部署失败');
      expect(output).toContain('errcode 40125');
      expect(output).toContain('AppSecret 不对');
      expect(output).not.toContain(wrong);
      expect(cloud.engine.collections.names()).toEqual([]);
      expect(calls).toEqual({ uploads: [], triggers: [], miniPrograms: [] });
    } finally {
      await cloud.close();
    }
  });

  it('a reply that echoes a secret or a token is printed without it', async () => {
    const token = 'TOKEN-0123456789abcdef';
    const echoing: typeof fetch = async (input) => {
      const reply = String(input).includes('stable_token')
        ? { access_token: token, expires_in: 7200 }
        : { errcode: -1, errmsg: `system error for ${token} and ${SECRET}` };
      return new Response(JSON.stringify(reply), { headers: { 'content-type': 'application/json' } });
    };
    const { code, output } = await runDeploy(null, ['--only', 'database'], { fetch: echoing });
    expect(code).toBe(1);
    expect(output).toContain('system error for *** and ***');
    expectNoSecrets(output, [token]);
  });

  it('missing settings are all named with their environment variables; a step asks only for what it uses', async () => {
    const all = await runDeploy(null, [], { env: { LINLI_DEPLOY_ENV_ID: '', LINLI_DEPLOY_APP_SECRET: '', LINLI_DEPLOY_PRIVATE_KEY_PATH: '' } });
    expect(all.code).toBe(1);
    for (const name of ['LINLI_DEPLOY_ENV_ID', 'LINLI_DEPLOY_APP_SECRET', 'LINLI_DEPLOY_PRIVATE_KEY_PATH']) expect(all.output).toContain(name);
    expect(all.output).not.toContain('LINLI_DEPLOY_APPID');
    const database = await runDeploy(null, ['--only', 'database'], { env: { LINLI_DEPLOY_APP_SECRET: '', LINLI_DEPLOY_PRIVATE_KEY_PATH: '' } });
    expect(database.output).toContain('LINLI_DEPLOY_APP_SECRET');
    expect(database.output).not.toContain('LINLI_DEPLOY_PRIVATE_KEY_PATH');
    const uploads = await runDeploy(null, ['--only', 'functions'], { env: { LINLI_DEPLOY_APP_SECRET: '', LINLI_DEPLOY_PRIVATE_KEY_PATH: path.join(scratch, 'missing.key') } });
    expect(uploads.output).toContain('找不到代码上传密钥文件');
    expect(uploads.output).not.toContain('LINLI_DEPLOY_APP_SECRET');
  });
});

describe('README 部署到微信云开发', () => {
  it('names every setting with its environment variable, and the local cloud’s stand-in AppSecret', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'deploy.config.example.json'), 'utf8')) as Record<string, string>;
    for (const [name, field] of Object.entries(SETTING_FIELDS)) {
      expect(readme).toContain(`| \`${name}\` | \`${field.env}\` |`);
      expect(example[`$${name}`], name).toContain(field.env);
    }
    expect(readme).toContain(`LINLI_DEPLOY_APP_SECRET=${DEFAULT_APP_SECRET}`);
    expect(readme).toContain(`| \`LINLI_APP_SECRET\` | 服务端 API（\`/cgi-bin/stable_token\`）接受的 AppSecret，与 \`LINLI_APPID\` 一起用 | \`${DEFAULT_APP_SECRET}\` |`);
  });
});
