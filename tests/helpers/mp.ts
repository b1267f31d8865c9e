/**
 * Page tests with miniprogram-simulate (official wcc compiler, real vant components) where
 * wx.cloud.callFunction goes to a local cloud running linli's real cloud functions.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import type { LocalCloud } from '../../localcloud/src/server';
import { postJson, REPO_ROOT } from './localcloud';

export const MP_ROOT = path.join(REPO_ROOT, '.mp-build/miniprogram');

/*
 * What the real base library has and simulate lacks, for every page test:
 * - `groupSetData` (base library ≥ 2.4.0), which van-tabs calls; the real one batches the setData
 *   calls of its callback, so running it at once is the same here. j-component's components inherit
 *   from exparser's Component prototype.
 * - `getCurrentPages`, which van-sticky (inside van-tabs) calls to follow the page's scrolling; a
 *   page test has no page stack, and vant skips the scroll hook when there is no page.
 */
const exparser = createRequire(path.join(REPO_ROOT, 'node_modules/j-component/package.json'))('miniprogram-exparser') as {
  Component: { prototype: Record<string, unknown> };
};
exparser.Component.prototype.groupSetData ??= function groupSetData(callback: () => void) {
  callback();
};
const pageGlobals = globalThis as unknown as { getCurrentPages?: () => unknown[] };
pageGlobals.getCurrentPages ??= () => [];

type Wx = Record<string, unknown> & { cloud?: unknown };
const wx = (globalThis as unknown as { wx: Wx }).wx;

export interface CloudCalls {
  /** Every call the page made: function name and data. */
  calls: Array<{ name: string; data: { action?: string } }>;
  /** Toast texts shown to the person. */
  toasts: string[];
  /** The template ids of every wx.requestSubscribeMessage, one entry per request. */
  subscribeRequests: string[][];
}

export interface ConnectOptions {
  /**
   * How wx.requestSubscribeMessage answers: `accept` grants every template in the local cloud (as
   * /client/requestSubscribeMessage does), `fail` calls `fail` (the person turned notices off),
   * `throw` throws at once (a broken base library).
   */
  subscribe?: 'accept' | 'fail' | 'throw';
}

/**
 * Makes the mini-program call `cloud` as `openid`: wx.cloud.callFunction (the mode pages use in
 * production) posts to /client/callFunction. Toasts are recorded.
 */
export function connectMiniProgram(cloud: LocalCloud, openid: string, options: ConnectOptions = {}): CloudCalls {
  const record: CloudCalls = { calls: [], toasts: [], subscribeRequests: [] };
  const { subscribe = 'accept' } = options;
  wx.cloud = {
    init() {},
    /** Stores the file in the local cloud's storage, as wx.cloud.uploadFile stores it in the cloud's. */
    async uploadFile(options: { cloudPath: string; filePath: string }) {
      const fileID = await cloud.storage.save(options.cloudPath, fs.readFileSync(options.filePath));
      return { fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' };
    },
    async callFunction(options: { name: string; data: { action?: string } }) {
      record.calls.push({ name: options.name, data: options.data });
      const { status, json } = await postJson(cloud.clientUrl, { name: options.name, data: options.data }, { 'x-wx-openid': openid });
      if (status !== 200) throw { errCode: json.errCode, errMsg: json.errMsg };
      return { result: json.result, errMsg: 'cloud.callFunction:ok', requestID: json.requestID };
    },
  };
  wx.requestSubscribeMessage = (request: {
    tmplIds: string[];
    success?: (result: Record<string, string>) => void;
    fail?: (error: { errMsg: string; errCode: number }) => void;
  }) => {
    record.subscribeRequests.push([...request.tmplIds]);
    if (subscribe === 'throw') throw new Error('requestSubscribeMessage is broken');
    if (subscribe === 'fail') {
      setTimeout(() => request.fail?.({ errMsg: 'requestSubscribeMessage:fail switched off', errCode: 20004 }), 0);
      return;
    }
    void postJson(`${cloud.url}/client/requestSubscribeMessage`, { tmplIds: request.tmplIds }, { 'x-wx-openid': openid }).then(({ status, json }) => {
      if (status === 200) request.success?.(json as Record<string, string>);
      else request.fail?.({ errMsg: String(json.errMsg), errCode: Number(json.errCode) });
    });
  };
  wx.showToast = (options: { title: string }) => {
    record.toasts.push(options.title);
  };
  // The built config module is the one the pages import, so switching it here switches theirs.
  const { config } = require(path.join(MP_ROOT, 'config.js')) as { config: { develop: string } };
  config.develop = 'cloud';
  return record;
}

export type Page = ReturnType<typeof simulate.render>;

/**
 * wcc compiles every page of the mini-program at once; its output passed the compiler's default 1 MB
 * (spawnSync ENOBUFS) once the affair pages came, so it is given room to grow.
 */
export const WCC_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Renders a page (written with Component()) and attaches it to the document. */
export function mount(pagePath: string, properties: Record<string, unknown> = {}): Page {
  const id = simulate.load(path.join(MP_ROOT, pagePath), { rootPath: MP_ROOT, compiler: 'official', compilerOptions: { maxBuffer: WCC_OUTPUT_BYTES } });
  const page = simulate.render(id, properties);
  page.attach(document.createElement('parent-wrapper'));
  return page;
}

/** Lets pending promises and setData settle. */
export async function settle(ms = 0): Promise<void> {
  for (let i = 0; i < 5; i += 1) await simulate.sleep(ms);
}

/** Waits until a condition on the page holds (cloud calls are real HTTP round trips). */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await simulate.sleep(10);
  }
}

/** The text a person would read in a node. */
export function text(page: Page, selector: string): string {
  const node = page.querySelector(selector);
  return node?.dom?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

type ModalOptions = { content?: string; success?: (result: { confirm: boolean; cancel: boolean }) => void };

/** Answers every wx.showModal from now on as the person would (confirm or cancel); returns what was asked. */
export function answerModal(confirm: boolean): string[] {
  const asked: string[] = [];
  wx.showModal = (options: ModalOptions) => {
    asked.push(options.content ?? '');
    options.success?.({ confirm, cancel: !confirm });
  };
  return asked;
}

/** Records the pages wx.navigateTo is asked to open (simulate has no page stack to open them in). */
export function captureNavigation(): string[] {
  const urls: string[] = [];
  wx.navigateTo = (options: { url: string }) => {
    urls.push(options.url);
  };
  return urls;
}
