// @vitest-environment happy-dom
/**
 * The list-page behaviour on its own: a small page built on it (compiled with the real wcc, the
 * states drawn by templates/states.wxml, real vant components) whose fetchList is answered by the
 * test, one request at a time, so the order of replies is the test's to choose.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MP_ROOT, type Page, text, until, WCC_OUTPUT_BYTES } from '../helpers/mp';

type Reply = { ok: true; data: { items: string[]; nextCursor: string | null } } | { ok: false; error: { code: string; message: string } };

interface Request {
  tab: string;
  cursor?: string;
  answer(reply: Reply): void;
}

const requests: Request[] = [];
const toasts: string[] = [];
let pullDownsStopped = 0;

const rows = (items: string[], nextCursor: string | null = null): Reply => ({ ok: true, data: { items, nextCursor } });
const NETWORK = '网络不给力，请检查网络后重试';
const failed: Reply = { ok: false, error: { code: 'NETWORK', message: NETWORK } };

/** The page: tabs a and b (its listKey), rows as plain text. */
const FIXTURE = {
  'index.js': `
const { listPage } = require('../behaviors/list-page');
Component({
  behaviors: [listPage()],
  data: { tab: 'a' },
  methods: {
    onLoad() { void this.load(); },
    listKey() { return this.data.tab; },
    fetchList(cursor) { return globalThis.listFixture.fetch(this.data.tab, cursor); },
    onTab(event) { this.switchList({ tab: event.currentTarget.dataset.tab }, { marker: 'reset' }); },
  },
});
`,
  'index.wxml': `<import src="../templates/states.wxml" />
<view id="tab-b" data-tab="b" bindtap="onTab">B</view>
<block wx:if="{{loading}}"><template is="loading-state" /></block>
<block wx:elif="{{error}}"><template is="error-state" data="{{error}}" /></block>
<view wx:elif="{{items.length === 0}}" id="empty">没有内容</view>
<block wx:else>
  <view id="rows"><view wx:for="{{items}}" wx:key="*this" class="row">{{item}}</view></view>
  <template is="list-footer" data="{{loadingMore, nextCursor}}" />
</block>
`,
  'index.json': JSON.stringify({
    enablePullDownRefresh: true,
    usingComponents: { 'van-button': '/miniprogram_npm/@vant/weapp/button/index', 'van-loading': '/miniprogram_npm/@vant/weapp/loading/index' },
  }),
  'index.wxss': '',
};

let root = '';
beforeAll(() => {
  // A copy of the built mini-program with the page added: other suites compile the built one meanwhile.
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-list-page-'));
  fs.cpSync(MP_ROOT, root, { recursive: true });
  fs.mkdirSync(path.join(root, 'list-fixture'));
  for (const [name, content] of Object.entries(FIXTURE)) fs.writeFileSync(path.join(root, 'list-fixture', name), content);
  (globalThis as unknown as { listFixture: unknown }).listFixture = {
    fetch: (tab: string, cursor?: string) => new Promise<Reply>((answer) => requests.push({ tab, cursor, answer })),
  };
  const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx;
  wx.showToast = (options: { title: string }) => toasts.push(options.title);
  wx.stopPullDownRefresh = () => {
    pullDownsStopped += 1;
  };
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeEach(() => {
  requests.length = 0;
  toasts.length = 0;
  pullDownsStopped = 0;
});

function open(): Page {
  const id = simulate.load(path.join(root, 'list-fixture/index'), { rootPath: root, compiler: 'official', compilerOptions: { maxBuffer: WCC_OUTPUT_BYTES } });
  const properties: Record<string, unknown> = {};
  const rendered = simulate.render(id, properties);
  rendered.attach(document.createElement('parent-wrapper'));
  const page: Page = rendered;
  page.instance.onLoad();
  return page;
}

const shown = (page: Page): string[] => page.querySelectorAll('.row').map((row) => row.dom?.textContent?.trim() ?? '');
/** Lets a reply reach the page. */
const settled = () => simulate.sleep(0);

/** Answers the request `index` and waits for the page to show the result. */
async function answer(page: Page, index: number, reply: Reply): Promise<void> {
  const request = requests[index];
  if (!request) throw new Error(`no request ${index}: ${requests.length} made`);
  request.answer(reply);
  await until(() => page.data.loading === false && page.data.loadingMore === false);
  await settled();
}

describe('behaviors/list-page', () => {
  it('shows the loading state, then the first page; a pull-down replaces the list with the new first page', async () => {
    const page = open();
    expect(page.querySelector('#loading')).toBeTruthy();
    expect(requests.map(({ tab, cursor }) => ({ tab, cursor }))).toEqual([{ tab: 'a', cursor: undefined }]);
    await answer(page, 0, rows(['a1', 'a2'], 'c1'));
    expect(shown(page)).toEqual(['a1', 'a2']);
    expect(text(page, '#more')).toBe('加载更多');

    page.instance.onPullDownRefresh();
    expect(page.querySelector('#loading')).toBeTruthy();
    expect(requests[1]).toMatchObject({ tab: 'a', cursor: undefined });
    await answer(page, 1, rows(['a0', 'a1']));
    expect(shown(page)).toEqual(['a0', 'a1']);
    expect(page.data.nextCursor).toBeNull();
    expect(text(page, '.end')).toBe('没有更多了');
    await until(() => pullDownsStopped === 1);
  });

  it('appends the next page at the bottom (or on 加载更多) and stops at the end', async () => {
    const page = open();
    await answer(page, 0, rows(['1', '2'], 'c1'));

    page.instance.onReachBottom();
    expect(requests[1]).toMatchObject({ tab: 'a', cursor: 'c1' });
    await until(() => text(page, '.more') === '正在加载更多…');
    await answer(page, 1, rows(['3'], 'c2'));
    expect(shown(page)).toEqual(['1', '2', '3']);

    page.querySelector('#more')!.dispatchEvent('tap');
    await until(() => requests.length === 3);
    expect(requests[2]).toMatchObject({ cursor: 'c2' });
    await answer(page, 2, rows(['4']));
    expect(shown(page)).toEqual(['1', '2', '3', '4']);
    expect(page.querySelector('#more')).toBeFalsy();
    expect(text(page, '.end')).toBe('没有更多了');

    page.instance.onReachBottom();
    page.instance.onReachBottom();
    await settled();
    expect(requests).toHaveLength(3);
  });

  it('shows the error with a large 重新加载 button, and tapping it loads again', async () => {
    const page = open();
    await answer(page, 0, failed);
    expect(text(page, '#error')).toContain(NETWORK);
    expect(page.querySelector('#retry')!.dom!.innerHTML).toContain('--large');
    expect(toasts).toEqual([]);

    page.querySelector('#retry')!.dispatchEvent('click');
    await until(() => requests.length === 2);
    expect(page.querySelector('#loading')).toBeTruthy();
    await answer(page, 1, rows(['a1'], 'c1'));
    expect(page.querySelector('#error')).toBeFalsy();
    expect(shown(page)).toEqual(['a1']);
  });

  it('a failed next page is said in a toast, keeps the rows, and 加载更多 asks for it again', async () => {
    const page = open();
    await answer(page, 0, rows(['1'], 'c1'));
    page.instance.onReachBottom();
    await answer(page, 1, failed);
    expect(toasts).toEqual([NETWORK]);
    expect(shown(page)).toEqual(['1']);
    expect(page.querySelector('#error')).toBeFalsy();

    page.querySelector('#more')!.dispatchEvent('tap');
    await until(() => requests.length === 3);
    expect(requests[2]).toMatchObject({ cursor: 'c1' });
    await answer(page, 2, rows(['2']));
    expect(shown(page)).toEqual(['1', '2']);
  });

  it('a second load while one is on does not ask again, nor a second next page', async () => {
    const page = open();
    void page.instance.load();
    page.instance.onPullDownRefresh();
    // No next page while the first is loading: its cursor would belong to the list being replaced.
    page.instance.onReachBottom();
    await settled();
    expect(requests).toHaveLength(1);
    await answer(page, 0, rows(['1', '2'], 'c1'));
    expect(shown(page)).toEqual(['1', '2']);
    await until(() => pullDownsStopped === 1);

    page.instance.onReachBottom();
    page.instance.onReachBottom();
    page.querySelector('#more')?.dispatchEvent('tap');
    await settled();
    expect(requests).toHaveLength(2);
    await answer(page, 1, rows(['3']));
    expect(shown(page)).toEqual(['1', '2', '3']);
  });

  it('drops a reply for a list the person has left, or that a newer load replaced', async () => {
    const page = open();
    // Tab a is loading when the person opens tab b: b's list is asked for, a's reply is dropped.
    page.querySelector('#tab-b')!.dispatchEvent('tap');
    await until(() => requests.length === 2);
    expect(requests.map((request) => request.tab)).toEqual(['a', 'b']);
    await answer(page, 1, rows(['b1'], 'cb'));
    requests[0]!.answer(rows(['a1']));
    await settled();
    expect(shown(page)).toEqual(['b1']);
    expect(page.data.nextCursor).toBe('cb');

    // A next page still on when a pull-down reloads belongs to the old list: not appended.
    page.instance.onReachBottom();
    expect(requests[2]).toMatchObject({ tab: 'b', cursor: 'cb' });
    page.instance.onPullDownRefresh();
    await answer(page, 3, rows(['b0']));
    requests[2]!.answer(rows(['b2']));
    await settled();
    expect(shown(page)).toEqual(['b0']);
  });

  it('switching tabs empties the rows, sets what the page resets and loads once; the shown tab again does nothing', async () => {
    const page = open();
    await answer(page, 0, rows(['a1', 'a2']));
    expect(shown(page)).toEqual(['a1', 'a2']);
    page.querySelector('#tab-b')!.dispatchEvent('tap');
    await until(() => requests.length === 2);
    expect(page.data.items).toEqual([]);
    expect((page.data as { tab?: string; marker?: string }).marker).toBe('reset');
    page.querySelector('#tab-b')!.dispatchEvent('tap');
    await settled();
    await answer(page, 1, rows(['b1']));
    page.querySelector('#tab-b')!.dispatchEvent('tap');
    await settled();
    expect(requests.map((request) => request.tab)).toEqual(['a', 'b']);
    expect(shown(page)).toEqual(['b1']);
  });

  it('refresh (back on the page) keeps the list on screen, and keeps it when the refresh fails', async () => {
    const page = open();
    // Opening a page runs onLoad and onShow: the refresh joins the first load.
    void page.instance.refresh();
    await settled();
    expect(requests).toHaveLength(1);
    await answer(page, 0, rows(['1']));

    void page.instance.refresh();
    expect(page.data.loading).toBe(false);
    expect(shown(page)).toEqual(['1']);
    await answer(page, 1, failed);
    expect(shown(page)).toEqual(['1']);
    expect(page.querySelector('#error')).toBeFalsy();

    void page.instance.refresh();
    await answer(page, 2, rows(['0', '1']));
    expect(shown(page)).toEqual(['0', '1']);
  });
});
