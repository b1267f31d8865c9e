// @vitest-environment node
/**
 * The console as a developer uses it: the page's own script runs (happy-dom) against a started
 * local cloud. Invocations show their action and can be narrowed by function, action and source,
 * with timer runs hidden unless asked for; the outbox shows the API, the template and the function
 * that sent each message. The control API behind it is checked directly too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { callFunction, control, FIXTURE_FUNCTIONS, REPO_ROOT, startTestCloud, TIMER_FIXTURE_FUNCTIONS } from '../helpers/localcloud';

interface InvocationPage {
  invocations: Array<{ name: string; action: string | null; source: string }>;
  matched: number;
  facets: { functions: string[]; actions: string[]; sources: string[] };
}

const TEMPLATE = 'TPL_CONSOLE_TEST';
let cloud: LocalCloud;
let root: string;

beforeAll(async () => {
  // Inside the repo, so the functions' require('wx-server-sdk') resolves.
  root = fs.mkdtempSync(path.join(REPO_ROOT, '.build/console-root-'));
  for (const name of ['echo', 'fn_openapi']) fs.cpSync(path.join(FIXTURE_FUNCTIONS, name), path.join(root, name), { recursive: true });
  fs.cpSync(path.join(TIMER_FIXTURE_FUNCTIONS, 'timer_hourly'), path.join(root, 'timer_hourly'), { recursive: true });
  cloud = await startTestCloud({ functionRoots: [root], schema: { collections: { timer_fires: {} } } });

  expect((await callFunction(cloud, 'echo', { action: 'echo.hello' }, 'o-alice')).status).toBe(200);
  expect((await callFunction(cloud, 'echo', { action: 'echo.bye' }, 'o-bob')).status).toBe(200);
  const granted = await fetch(`${cloud.url}/client/requestSubscribeMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': 'o-alice' },
    body: JSON.stringify({ tmplIds: [TEMPLATE] }),
  });
  expect(granted.status).toBe(200);
  const sent = await callFunction(
    cloud,
    'fn_openapi',
    { api: 'subscribeMessage.send', data: { touser: '$OPENID', templateId: TEMPLATE, page: 'pages/home/index', data: { thing1: { value: '派单通知' } } } },
    'o-alice',
  );
  expect(sent.body.result).toMatchObject({ ok: true });
  // Three hours of timer runs: they come after the people's calls, as they would bury them.
  await control(cloud, 'POST', 'clock', { advanceMs: 3 * 3600_000 });
});

afterAll(async () => {
  await cloud?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('control API: /__linli/api/invocations filters', () => {
  it('narrows by function, action and source, counts what matched and offers every choice', async () => {
    const all = await control<InvocationPage>(cloud, 'GET', 'invocations?limit=500');
    expect(all.invocations.filter((i) => i.source === 'wx_trigger').length).toBeGreaterThanOrEqual(3);
    expect(all.facets).toEqual({
      functions: ['echo', 'fn_openapi', 'timer_hourly'],
      actions: ['echo.bye', 'echo.hello'],
      sources: ['wx_client', 'wx_trigger'],
    });

    const people = await control<InvocationPage>(cloud, 'GET', 'invocations?excludeSource=wx_trigger');
    expect(people.invocations.map((i) => [i.name, i.action])).toEqual([
      ['fn_openapi', null],
      ['echo', 'echo.bye'],
      ['echo', 'echo.hello'],
    ]);
    expect(people.matched).toBe(3);

    const bye = await control<InvocationPage>(cloud, 'GET', 'invocations?function=echo&action=echo.bye');
    expect(bye.invocations.map((i) => i.action)).toEqual(['echo.bye']);
    const timers = await control<InvocationPage>(cloud, 'GET', 'invocations?source=wx_trigger&limit=2');
    expect(timers.invocations).toHaveLength(2);
    expect(timers.matched).toBe(all.invocations.filter((i) => i.source === 'wx_trigger').length);
    expect(timers.invocations.every((i) => i.name === 'timer_hourly')).toBe(true);
  });

  it('keeps with each outbox message the API it went through and the function that sent it', async () => {
    const { messages } = await control<{ messages: Array<Record<string, unknown>> }>(cloud, 'GET', 'outbox');
    expect(messages).toEqual([expect.objectContaining({ api: 'subscribeMessage.send', from: 'fn_openapi', template_id: TEMPLATE, touser: 'o-alice' })]);
  });
});

describe('console page', () => {
  let window: Window;
  type Control = { value: string; checked: boolean; textContent: string | null; dispatchEvent(event: unknown): boolean };
  const $ = (selector: string) => window.document.querySelector(selector) as unknown as Control;
  /** The text of each row of a table, cell by cell. */
  const rows = (container: string) =>
    [...window.document.querySelectorAll(`${container} tbody tr`)].map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()));
  const heads = (container: string) => [...window.document.querySelectorAll(`${container} thead th`)].map((th) => th.textContent);
  async function until(condition: () => boolean, what: string): Promise<void> {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > 5000) throw new Error(`console: ${what} did not happen`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  function choose(id: string, value: string | boolean) {
    const control = $(`#${id}`);
    if (typeof value === 'boolean') control.checked = value;
    else control.value = value;
    control.dispatchEvent(new window.Event('change'));
  }

  beforeAll(async () => {
    window = new Window({
      url: `${cloud.url}/#invocations`,
      // The page is our own, served by our own server: its script is trusted.
      settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
    });
    const html = await (await fetch(`${cloud.url}/`)).text();
    window.document.write(html);
    await until(() => rows('#inv-list').length > 0, 'the invocation list');
  });
  afterAll(async () => {
    await window?.happyDOM.close();
  });

  it('lists invocations with their action, timer runs hidden by default', () => {
    expect(heads('#inv-list')).toEqual(['时间 Time', '函数 Function', '操作 Action', '来源 Source', 'openid', '耗时 Duration', '状态 Status', '错误 Error']);
    expect($('#inv-hide-timers').checked).toBe(true);
    expect(rows('#inv-list').map((cells) => cells.slice(1, 5))).toEqual([
      ['fn_openapi', '—', 'wx_client', 'o-alice'],
      ['echo', 'echo.bye', 'wx_client', 'o-bob'],
      ['echo', 'echo.hello', 'wx_client', 'o-alice'],
    ]);
    expect($('#inv-matched').textContent).toContain('3');
  });

  it('offers the functions, actions and sources there are, and filters by them', async () => {
    const options = (id: string) => [...window.document.querySelectorAll(`#${id} option`)].map((o) => (o as unknown as { value: string }).value);
    expect(options('inv-function')).toEqual(['', 'echo', 'fn_openapi', 'timer_hourly']);
    expect(options('inv-action')).toEqual(['', 'echo.bye', 'echo.hello']);
    expect(options('inv-source')).toEqual(['', 'wx_client', 'wx_trigger']);

    choose('inv-action', 'echo.hello');
    await until(() => rows('#inv-list').length === 1, 'the action filter');
    expect(rows('#inv-list')[0]!.slice(1, 3)).toEqual(['echo', 'echo.hello']);

    choose('inv-action', '');
    choose('inv-source', 'wx_trigger');
    await until(() => rows('#inv-list').length > 0 && rows('#inv-list').every((cells) => cells[3] === 'wx_trigger'), 'the timer runs');
    expect(rows('#inv-list').every((cells) => cells[1] === 'timer_hourly' && cells[2] === '—')).toBe(true);

    choose('inv-source', '');
    choose('inv-hide-timers', false);
    await until(() => rows('#inv-list').length >= 6, 'every invocation');
    expect(new Set(rows('#inv-list').map((cells) => cells[3]))).toEqual(new Set(['wx_client', 'wx_trigger']));
  });

  it('shows the outbox with the sending function, the API and the template', async () => {
    ($('#tabbtn-outbox') as unknown as { click(): void }).click();
    await until(() => rows('#outbox-list').length === 1, 'the outbox');
    expect(heads('#outbox-list')).toEqual(['发送时间 Sent', '云函数 From', '接口 API', '接收者 To (openid)', '模板 Template', '页面 Page', '内容 Data']);
    expect(rows('#outbox-list')[0]!.slice(1, 6)).toEqual(['fn_openapi', 'subscribeMessage.send', 'o-alice', TEMPLATE, 'pages/home/index']);
    expect(rows('#outbox-list')[0]![6]).toContain('thing1: 派单通知');
  });
});
