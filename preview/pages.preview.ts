// @vitest-environment happy-dom
/**
 * `npm run preview`, step 1: renders every page of app.json with real data from a seeded local
 * cloud (through the real cloud functions) to .preview/<page>.html, so a person can look at the
 * app without WeChat DevTools. Step 2 (scripts/screenshot.ts) turns them into PNGs with Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../localcloud/src/server';
import { call, DEMO, ok, startLinli } from '../tests/helpers/linli';
import { REPO_ROOT } from '../tests/helpers/localcloud';
import { connectMiniProgram, MP_ROOT, mount, settle, until } from '../tests/helpers/mp';

// simulate maps 1rpx to 1px; a phone is 750rpx = 375px wide.
const utils = require('miniprogram-simulate/src/utils') as { transformRpx: (style: string) => string };
const toPx = (style: string) => style.replace(/(-?\d*\.?\d+)rpx/gi, (_match, value: string) => `${Number(value) / 2}px`);
utils.transformRpx = toPx;

const OUT = path.join(REPO_ROOT, '.preview');

interface AppJson {
  pages: string[];
  subPackages?: Array<{ root: string; pages: string[] }>;
  window?: { navigationBarTitleText?: string };
}

const app = JSON.parse(fs.readFileSync(path.join(MP_ROOT, 'app.json'), 'utf8')) as AppJson;
const PAGES = [...app.pages, ...(app.subPackages ?? []).flatMap((pkg) => pkg.pages.map((page) => `${pkg.root}/${page}`))].filter((page) =>
  fs.existsSync(path.join(MP_ROOT, `${page}.js`)),
);

/** Who looks at a page: residents the main package, volunteers and staff their subpackages. */
const personaOf = (page: string) => (page.startsWith('volunteer/') ? DEMO.volunteer : page.startsWith('staff/') ? DEMO.staff : DEMO.resident);

const BUILTIN_STYLES = `
  wx-view, wx-scroll-view, wx-swiper, wx-form, wx-navigator { display: block; }
  wx-text, wx-label { display: inline; }
  wx-image { display: inline-block; width: 160px; height: 120px; background: #eee; }
  wx-input[data-placeholder]::before, wx-textarea[data-placeholder]::before { content: attr(data-placeholder); color: #c8c9cc; }
  wx-input[data-value]::before, wx-textarea[data-value]::before { content: attr(data-value); }
  wx-input, wx-textarea { display: block; min-height: 22px; }
  wx-button { display: block; }
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
  .nav { height: 44px; line-height: 44px; text-align: center; color: #fff; background: #c8372d; font-size: 17px; font-weight: 600; }
`;

function html(page: string, title: string, body: string): string {
  const appWxss = toPx(fs.readFileSync(path.join(MP_ROOT, 'app.wxss'), 'utf8')).replace(/\bpage\s*\{/g, '.page-root {');
  // simulate prefixes a page's classes with main--; app.wxss's global classes apply to them in WeChat.
  const appClasses = appWxss.replace(/\.([A-Za-z][\w-]*)/g, (match, name: string) => (name === 'page-root' ? match : `.main--${name}`));
  const styles = [...document.head.querySelectorAll('style')].map((style) => style.innerHTML).join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${page}</title>
<style>${BUILTIN_STYLES}</style><style>${appWxss}</style><style>${appClasses}</style><style>${styles}</style></head>
<body><div class="nav">${title}</div><div class="page-root">${body}</div></body></html>`;
}

/** What simulate's built-in components keep no trace of, put back as WeChat would show it. */
function asWeChatShows(root: HTMLElement): void {
  type Host = Element & { __wxElement?: { __propData?: Record<string, unknown> } };
  // A field shows its value, or its placeholder when empty (simulate's input keeps neither).
  for (const field of root.querySelectorAll('van-field') as Iterable<Host>) {
    const data = field.__wxElement?.__propData ?? {};
    const input = field.querySelector('wx-input, wx-textarea');
    const empty = data.value === '' || data.value === undefined || data.value === null;
    if (!empty) input?.setAttribute('data-value', String(data.value));
    else if (typeof data.placeholder === 'string' && data.placeholder) input?.setAttribute('data-placeholder', data.placeholder);
  }
  // An icon that is a picture of the package (a service's) shows that picture.
  for (const icon of root.querySelectorAll('van-icon') as Iterable<Host>) {
    const name = icon.__wxElement?.__propData?.name;
    const image = icon.querySelector('wx-image');
    if (typeof name !== 'string' || !name.startsWith('/') || !image) continue;
    const img = document.createElement('img');
    img.setAttribute('src', `file://${path.join(MP_ROOT, name)}`);
    img.setAttribute('style', 'width: 40px; height: 40px; display: block; margin: 0 auto;');
    image.replaceWith(img);
  }
}

interface FirstScreen {
  page: string;
  cloudCalls: number;
  setDataCalls: number;
  setDataBytes: number;
}

describe('preview', () => {
  let cloud: LocalCloud;
  let orderId = '';
  let certificateCode = '';
  const metrics: FirstScreen[] = [];
  beforeAll(async () => {
    cloud = await startLinli();
    orderId = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-hospital', description: '下周二上午陪我去市一医院复查', clientRequestId: 'preview-0001' })).order.id;
    certificateCode = ok(await call(cloud, DEMO.volunteer, 'certificate.request', { from: '2026-10-01', to: '2026-11-30', clientRequestId: 'preview-certificate-0001' })).code;
    // Rule changes a colleague proposed, for 积分规则审核 (seen as demo-staff, who may decide them).
    ok(await call(cloud, DEMO.staff2, 'catalog.upsert', { id: 'svc-meal', name: '助餐送餐', category: '助老服务', skills: ['送餐'], expectedMinutes: 30, basePoints: 15, slaHours: 4, description: '为行动不便的老人送餐上门' }));
    ok(await call(cloud, DEMO.staff2, 'community.updateSettings', { communityId: DEMO.community, scoreMultipliers: { '1': 0.5, '2': 0.8, '3': 1, '4': 1.2, '5': 1.5 } }));
    fs.mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    fs.writeFileSync(path.join(OUT, 'first-screen.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    console.log('first screen of each page: cloud calls, setData calls and bytes (goal: 1 call, ≤ 64 KB)');
    for (const m of metrics) console.log(`  ${m.page.padEnd(28)} ${String(m.cloudCalls).padStart(3)} calls ${String(m.setDataCalls).padStart(4)} setData ${(m.setDataBytes / 1024).toFixed(1).padStart(7)} KB`);
    await cloud.close();
  });

  it('has pages to render', () => expect(PAGES.length).toBeGreaterThan(0));

  it.each(PAGES)('renders %s', async (page) => {
    const cloudCalls = connectMiniProgram(cloud, personaOf(page));
    const json = JSON.parse(fs.readFileSync(path.join(MP_ROOT, `${page}.json`), 'utf8')) as { navigationBarTitleText?: string };
    // Each render inserts the page's styles (its components' included); those of earlier pages
    // would otherwise leak into this page's picture through shared class names.
    for (const style of document.head.querySelectorAll('style')) style.remove();
    const mounted = mount(page);
    // What the first screen sends to the view layer: every setData payload, as the bytes it costs.
    const instance = mounted.instance as { setData: (data: Record<string, unknown>, callback?: () => void) => void };
    const setData = instance.setData.bind(instance);
    const screen: FirstScreen = { page, cloudCalls: 0, setDataCalls: 0, setDataBytes: 0 };
    instance.setData = (data, callback) => {
      screen.setDataCalls += 1;
      screen.setDataBytes += Buffer.byteLength(JSON.stringify(data));
      setData(data, callback);
    };
    // What each page is opened with: the order of the order pages, a demo activity, record or certificate.
    const ids: Record<string, string> = {
      'volunteer/activity/index': 'demo-act-stairwell',
      'staff/activity/index': 'demo-act-stairwell',
      'volunteer/record-detail/index': 'activity:demo-act-chongyang:demo-volunteer',
    };
    const query: Record<string, string> = { id: ids[page] ?? orderId, serviceId: 'svc-meal', code: certificateCode };
    (mounted.instance as { onLoad?: (q: Record<string, string>) => void }).onLoad?.(query);
    // Settled: nothing loading (the first screen, a next page, a submission), then the last setData drawn.
    type Busy = { loading?: boolean; loadingMore?: boolean; submitting?: boolean };
    const settled = () => [(mounted.data as Busy).loading, (mounted.data as Busy).loadingMore, (mounted.data as Busy).submitting].every((flag) => flag !== true);
    await until(settled, 8000).catch(() => console.warn(`preview: ${page} was still loading after 8 s; its picture shows the loading state`));
    await settle(20);
    screen.cloudCalls = cloudCalls.calls.length;
    metrics.push(screen);
    if (mounted.dom) asWeChatShows(mounted.dom as HTMLElement);
    const body = (mounted.dom as HTMLElement | undefined)?.outerHTML ?? '';
    fs.writeFileSync(path.join(OUT, `${page.replace(/\//g, '-')}.html`), html(page, json.navigationBarTitleText ?? app.window?.navigationBarTitleText ?? '邻里', body));
    expect(body.length).toBeGreaterThan(0);
  });
});
