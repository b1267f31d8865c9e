// @vitest-environment happy-dom
/**
 * Service records and certificates in the mini-program, against the real cloud functions: my
 * records and totals, a correction request, a certificate drawn as a picture and saved, the public
 * check of its code, and the star level on 我的. drawCertificate is tested on a recording context
 * (simulate has no canvas).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateCode, groupCode } from '../../core/codes';
import type { CertificateCheck, MeView, ServiceRecordView } from '../../core/contract';
import type { LocalCloud } from '../../localcloud/src/server';
import { type CertificateCanvas, certificateHeight, drawCertificate, HOW_TO_VERIFY, wrapText } from '../../miniprogram/utils/certificate-image';
import { qrModules } from '../../miniprogram/utils/qr';
import { call, DEMO, ok, snapshot, startLinli } from '../helpers/linli';
import { captureNavigation, connectMiniProgram, mount, settle, text, until } from '../helpers/mp';

interface Drawn {
  text: string;
  x: number;
  y: number;
  font: string;
  align: string;
  width: number;
}

/** A 2D context that records what is drawn; a character is as wide as the font size (CJK-like). */
function recordingContext(): CertificateCanvas & { drawn: Drawn[]; scaled: number[]; rects: Array<[number, number, number, number]> } {
  const fontSize = (font: string) => Number(/(\d+)px/.exec(font)?.[1] ?? 10);
  const ctx = {
    drawn: [] as Drawn[],
    scaled: [] as number[],
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '10px sans-serif',
    textAlign: 'left' as CertificateCanvas['textAlign'],
    textBaseline: 'alphabetic' as CertificateCanvas['textBaseline'],
    rects: [] as Array<[number, number, number, number]>,
    fillRect(x: number, y: number, w: number, h: number) {
      ctx.rects.push([x, y, w, h]);
    },
    strokeRect() {},
    scale(x: number) {
      ctx.scaled.push(x);
    },
    measureText(value: string) {
      return { width: [...value].length * fontSize(ctx.font) };
    },
    fillText(value: string, x: number, y: number) {
      ctx.drawn.push({ text: value, x, y, font: ctx.font, align: ctx.textAlign, width: ctx.measureText(value).width });
    },
  };
  return ctx;
}

const domId = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '-');
const drawnText = (ctx: { drawn: Drawn[] }): string => ctx.drawn.map((d) => d.text).join('\n');

type WxStubs = Record<string, unknown> & {
  showModal: (o: { title?: string; content?: string; success?: (r: { confirm: boolean; cancel: boolean }) => void }) => void;
  getStorageSync: (key: string) => unknown;
};
const wx = (globalThis as unknown as { wx: WxStubs }).wx;
// simulate's storage keeps nothing; the pages only read the large-text switch.
wx.getStorageSync = () => '';

let cloud: LocalCloud;
let sequence = 0;

/** A resident's order served by the demo volunteer for `minutes` and scored by staff: one record. */
async function scoredOrder(minutes: number, description = '帮忙打扫厨房'): Promise<string> {
  sequence += 1;
  const { order } = ok(await call(cloud, DEMO.resident, 'order.create', { serviceId: 'svc-clean', description, clientRequestId: `mp-rec-${String(sequence).padStart(4, '0')}` }));
  ok(await call(cloud, DEMO.staff, 'dispatch.assign', { orderId: order.id, volunteerOpenid: DEMO.volunteer }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.accept', { orderId: order.id }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.start', { orderId: order.id }));
  ok(await call(cloud, DEMO.volunteer, 'dispatch.complete', { orderId: order.id, summary: '打扫完毕', minutes }));
  ok(await call(cloud, DEMO.staff, 'scoring.score', { orderId: order.id, score: 5 }));
  return order.id;
}

async function myRecords(): Promise<{ hours: number; count: number; records: ServiceRecordView[] }> {
  const mine = ok(await call(cloud, DEMO.volunteer, 'record.mine', { limit: 50 }));
  return { hours: mine.totals.hours, count: mine.totals.count, records: mine.records.items };
}

beforeAll(async () => {
  cloud = await startLinli();
});
afterAll(() => cloud.close());

describe('drawCertificate', () => {
  const view: CertificateCheck = {
    printedCode: 'ABCD-EFGH-JKLM',
    volunteerName: '李建国',
    communityName: '幸福里社区',
    from: '2026-01-01',
    to: '2026-11-21',
    totalHours: 12.5,
    recordCount: 7,
    content: [
      { activityName: '清洁打扫', hours: 8, count: 5 },
      { activityName: '社区重阳节敬老活动暨老年人健康知识讲座与义诊服务（第三期）', hours: 4.5, count: 2 },
    ],
    issuedAt: '2026-11-21T02:00:00.000Z',
    superseded: false,
  };

  it('draws the name, the total hours, the recording unit, the code and how to verify it', () => {
    const ctx = recordingContext();
    const height = drawCertificate(ctx, view, { width: 340 });
    const all = drawnText(ctx);
    expect(all).toContain('志愿服务证明');
    expect(all).toContain('李建国');
    expect(all).toContain('12.5 小时');
    expect(all).toContain('记录单位：幸福里社区');
    expect(all).toContain('ABCD-EFGH-JKLM');
    expect(all).toContain('出具日期：2026-11-21');
    // The fake measures Latin as wide as Chinese, so the period wraps; its dates stay whole.
    expect(ctx.drawn.map((line) => line.text)).toEqual(expect.arrayContaining([expect.stringContaining('2026-01-01'), expect.stringContaining('2026-11-21')]));
    expect(all.replace(/\n/g, '')).toContain(HOW_TO_VERIFY);
    expect(all).not.toContain('已失效');
    // The measured height is the drawn one, and every line is inside it.
    expect(certificateHeight(recordingContext(), view, { width: 340 })).toBe(height);
    for (const line of ctx.drawn) expect(line.y).toBeLessThan(height);
  });

  it('draws the verification code as a QR code under the text, within the picture', () => {
    const modules = qrModules(view.printedCode);
    const dark = modules.flat().filter(Boolean).length;
    const plain = recordingContext();
    const withoutQr = drawCertificate(plain, view, { width: 340 });
    const ctx = recordingContext();
    const height = drawCertificate(ctx, view, { width: 340, qr: modules });
    expect(certificateHeight(recordingContext(), view, { width: 340, qr: modules })).toBe(height);
    // The background, then one square per dark module, all below the last line of text and inside the frame.
    const squares = ctx.rects.slice(1);
    expect(squares).toHaveLength(dark);
    expect(plain.rects).toHaveLength(1);
    const lastText = Math.max(...ctx.drawn.map((line) => line.y));
    for (const [x, y, w, h] of squares) {
      expect(y).toBeGreaterThan(lastText);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(340);
      expect(y + h).toBeLessThanOrEqual(height);
    }
    expect(height).toBeGreaterThan(withoutQr + 100);
  });

  it('wraps long content so no line leaves the width, at any width', () => {
    for (const width of [280, 340, 480]) {
      const ctx = recordingContext();
      drawCertificate(ctx, view, { width });
      const longLines = ctx.drawn.filter((line) => /重阳节|讲座|义诊|第三期/.test(line.text));
      expect(longLines.length).toBeGreaterThan(1);
      // Nothing of the long name is lost in the wrapping.
      expect(longLines.map((line) => line.text).join('')).toContain('社区重阳节敬老活动暨老年人健康知识讲座与义诊服务（第三期）');
      for (const line of ctx.drawn) {
        const left = line.align === 'center' ? line.x - line.width / 2 : line.x;
        expect(left).toBeGreaterThanOrEqual(0);
        expect(left + line.width).toBeLessThanOrEqual(width);
      }
    }
  });

  it('says when it is superseded, and sums up content beyond a dozen kinds', () => {
    const many = Array.from({ length: 15 }, (_, index) => ({ activityName: `服务${index + 1}`, hours: 1, count: 1 }));
    const ctx = recordingContext();
    drawCertificate(ctx, { ...view, content: many, superseded: true }, { width: 340 });
    const all = drawnText(ctx);
    expect(all).toContain('服务12');
    expect(all).not.toContain('服务13');
    expect(all.replace(/\n/g, '')).toMatch(/其他 3 项服务内容，共 ?3 小时/);
    expect(all).toContain('已失效（记录有更正）');
  });

  it('wrapText breaks by measured width and keeps every character', () => {
    const ctx = recordingContext();
    ctx.font = '10px sans-serif';
    expect(wrapText(ctx, '一二三四五六七', 30)).toEqual(['一二三', '四五六', '七']);
    expect(wrapText(ctx, 'ab cd', 20)).toEqual(['ab', 'cd']);
    // Dates and figures with their unit stay whole; a closing mark never starts a line.
    expect(wrapText(ctx, '期间：2026-01-01 至', 120)).toEqual(['期间：', '2026-01-01 至']);
    expect(wrapText(ctx, '累计12.5 小时', 70)).toEqual(['累计', '12.5 小时']);
    expect(wrapText(ctx, '一二三。', 30)).toEqual(['一二', '三。']);
    // A code wider than the line is still broken rather than overflowing.
    expect(wrapText(ctx, 'ABCDEFGH', 30)).toEqual(['ABC', 'DEF', 'GH']);
  });
});

describe('volunteer/record', () => {
  it('shows a scored order with its hours, and totals equal to record.mine, in one parallel first screen', async () => {
    const orderId = await scoredOrder(100); // 1 h 40 min → 1.5 h (default rounding)
    const expected = await myRecords();
    const record = expected.records.find((r) => r.ref === orderId)!;
    expect(record.hours).toBe(1.5);
    const balance = ok(await call(cloud, DEMO.volunteer, 'points.balance', {})).balance;

    const cloudCalls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/record/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(cloudCalls.calls.map((c) => c.data.action).sort()).toEqual(['points.balance', 'record.mine']);
    expect(text(page, '#hours')).toContain(String(expected.hours));
    expect(text(page, '#count')).toContain(String(expected.count));
    expect(text(page, '#balance')).toContain(String(balance));
    const row = text(page, `#record-${domId(record.id)}`);
    expect(row).toContain('清洁打扫');
    expect(row).toContain(record.date);
    expect(row).toContain('1.5 小时');
    expect(row).toContain('1 小时 40 分钟');
    expect(row).toContain('订单服务');
    expect(row).not.toContain('更正中');
    expect(text(page, '#level')).toContain('☆☆☆☆☆');
    expect(text(page, '#level')).toContain(`再服务 ${100 - expected.hours} 小时可升 1 星`);

    const urls = captureNavigation();
    page.querySelector(`#record-${domId(record.id)}`)!.dispatchEvent('tap');
    page.querySelector('#to-certificate')!.dispatchEvent('click');
    page.querySelector('#balance')!.dispatchEvent('tap');
    await until(() => urls.length === 3);
    expect(urls).toEqual([`/volunteer/record-detail/index?id=${encodeURIComponent(record.id)}`, '/volunteer/certificate/index', '/pages/points/index']);
  });

  it('says plainly when there are no records yet', async () => {
    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('volunteer/record/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#no-records')).toContain('还没有服务记录');
    expect(text(page, '#hours')).toContain('0');
  });
});

describe('volunteer/record-detail', () => {
  it('shows the Art. 7 fields; a correction request is kept through a lost reply, then the form is disabled', async () => {
    const orderId = await scoredOrder(100, '打扫阳台');
    const record = (await myRecords()).records.find((r) => r.ref === orderId)!;
    const cloudCalls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/record-detail/index');
    page.instance.onLoad({ id: record.id });
    await until(() => page.data.loading === false);
    const fields = text(page, '#record');
    for (const label of ['活动名称', '服务日期', '服务地点', '服务内容', '服务时间', '组织单位', '负责人']) expect(fields).toContain(label);
    expect(fields).toContain('清洁打扫');
    expect(fields).toContain(record.organiser);
    expect(fields).toContain('1.5 小时（实际 1 小时 40 分钟）');
    expect(text(page, '#no-changes')).toContain('没有修改过');
    // The volunteer's Art. 5 fields go with the record, the phone masked.
    const person = text(page, '#person');
    expect(person).toContain('李建国');
    expect(person).toContain('居住区域');
    expect(person).toMatch(/1\d{2}\*{4}\d{4}/);

    page.querySelector('#open-form')!.dispatchEvent('click');
    await until(() => page.data.formOpen === true);
    expect(page.data.form.minutes).toBe('100');
    // Nothing changed and no reason: refused on the page, nothing sent.
    const before = snapshot(cloud);
    page.querySelector('#submit-correction')!.dispatchEvent('click');
    await settle(20);
    expect(page.data.errors.reason).toBe('请填写更正理由');
    page.querySelector('#reason')!.dispatchEvent('change', { detail: '实际服务了两个多小时' });
    await settle();
    page.querySelector('#submit-correction')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('请至少修改一项要更正的内容');
    expect(cloudCalls.calls.map((c) => c.data.action)).not.toContain('record.requestCorrection');
    expect(snapshot(cloud)).toBe(before);

    page.querySelector('#minutes')!.dispatchEvent('change', { detail: '130' });
    await settle();
    // The first reply is lost on the way back: the request reached the cloud all the same.
    const platform = (globalThis as unknown as { wx: { cloud: { callFunction: (o: unknown) => Promise<unknown> } } }).wx.cloud;
    const deliver = platform.callFunction.bind(platform);
    let lost = false;
    platform.callFunction = async (options) => {
      const result = await deliver(options);
      if (!lost) {
        lost = true;
        throw { errCode: -1, errMsg: 'cloud.callFunction:fail timeout' };
      }
      return result;
    };
    page.querySelector('#submit-correction')!.dispatchEvent('click');
    await until(() => page.data.formError !== '' && page.data.submitting === false);
    expect(text(page, '#form-error')).toContain('网络不给力');
    const firstRequestId = page.data.requestId;
    page.querySelector('#submit-correction')!.dispatchEvent('click');
    await until(() => page.data.pending === true && page.data.loading === false);
    const sent = cloudCalls.calls.filter((c) => c.data.action === 'record.requestCorrection').map((c) => (c.data as { input: { clientRequestId: string } }).input);
    expect(sent.map((input) => input.clientRequestId)).toEqual([firstRequestId, firstRequestId]);

    const pending = ok(await call(cloud, DEMO.staff, 'record.corrections', { status: 'pending' })).items.filter((c) => c.recordId === record.id);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ status: 'pending', changes: { minutes: 130 }, reason: '实际服务了两个多小时' });
    expect(page.data.formOpen).toBe(false);
    expect(text(page, '#pending-hint')).toContain('审核中');
    expect(page.querySelector('#open-form')!.data.disabled).toBe(true);
    expect(text(page, '#corrections')).toContain('待审核');
    expect(text(page, '#corrections')).toContain('服务时长（分钟）：100 → 130');
    // Tapping the disabled button opens nothing.
    page.instance.onOpenForm();
    expect(page.data.formOpen).toBe(false);

    // Staff approve it: the history shows who changed what.
    ok(await call(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: pending[0]!.id, decision: 'approve', note: '已核实' }));
    await page.instance.load();
    expect(page.data.pending).toBe(false);
    expect(text(page, '#changes')).toContain('刘晓梅');
    expect(text(page, '#changes')).toContain('服务时长（分钟）：100 → 130');
    expect(text(page, '#changes')).toContain('折算小时：1.5 → 2');
    expect(text(page, '#corrections')).toContain('已通过');
    expect(text(page, '#corrections')).toContain('审核意见：已核实');
    expect(page.querySelector('#open-form')!.data.disabled).toBe(false);
  });

  it('says so when the record is not mine', async () => {
    const orderId = await scoredOrder(60, '擦窗户');
    const record = (await myRecords()).records.find((r) => r.ref === orderId)!;
    connectMiniProgram(cloud, DEMO.resident);
    const page = mount('volunteer/record-detail/index');
    page.instance.onLoad({ id: record.id });
    await until(() => page.data.loading === false);
    expect(text(page, '#error')).toContain('没有找到这条服务记录');
  });
});

describe('volunteer/certificate and pages/certificate-verify', () => {
  let printedCode = '';

  /** simulate has no canvas: the page's query finds a fake node whose context records the drawing. */
  function fakeCanvas() {
    const ctx = recordingContext();
    const canvas = { width: 0, height: 0, getContext: () => ctx };
    const selected: string[] = [];
    wx.createSelectorQuery = () => {
      const query = {
        in: () => query,
        select: (selector: string) => {
          selected.push(selector);
          return query;
        },
        fields: () => query,
        exec: (callback: (result: unknown[]) => void) => setTimeout(() => callback([{ node: canvas, width: 340, height: 476 }]), 0),
      };
      return query;
    };
    return { ctx, canvas, selected };
  }

  it('issues a certificate for this year whose totals equal my records, drawn as a picture with the code', async () => {
    await scoredOrder(45, '整理储物间');
    const { hours, count } = await myRecords();
    const drawing = fakeCanvas();
    connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/certificate/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    expect(text(page, '#empty')).toContain('还没有申请过');
    const year = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 4);
    expect(page.data.from).toBe(`${year}-01-01`);

    page.querySelector('#request')!.dispatchEvent('click');
    await until(() => page.data.drawn === true);
    const viewing = page.data.viewing as CertificateCheck;
    expect(viewing.totalHours).toBe(hours);
    expect(viewing.recordCount).toBe(count);
    expect(viewing.volunteerName).toBe('李建国');
    expect(viewing.communityName).toBe('幸福里社区');
    printedCode = viewing.printedCode;
    expect(printedCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    expect(drawing.selected).toEqual(['#certificate-canvas']);
    const all = drawnText(drawing.ctx);
    expect(all).toContain('李建国');
    expect(all).toContain(`${hours} 小时`);
    expect(all).toContain('记录单位：幸福里社区');
    expect(all).toContain(printedCode);
    // Sharp on the phone's screen: the canvas has device pixels and the drawing is scaled.
    expect(drawing.canvas.width).toBe(page.data.canvasWidth * 3);
    expect(drawing.ctx.scaled).toEqual([3]);
    expect(text(page, `#certificate-${viewing.printedCode.replace(/-/g, '')}`)).toContain('有效');
    expect(text(page, '#view-summary')).toContain(`累计 ${hours} 小时`);

    // Saving: the person refused the album permission once, so we explain and offer the settings.
    const asked: string[] = [];
    let openedSettings = false;
    wx.canvasToTempFilePath = (o: { canvas: unknown; success: (r: { tempFilePath: string }) => void }) => {
      expect(o.canvas).toBe(drawing.canvas);
      o.success({ tempFilePath: 'wxfile://tmp/certificate.png' });
    };
    wx.saveImageToPhotosAlbum = (o: { filePath: string; fail: (e: { errMsg: string }) => void }) => o.fail({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' });
    wx.showModal = (o) => {
      asked.push(`${o.title}|${o.content}`);
      o.success?.({ confirm: true, cancel: false });
    };
    wx.openSetting = () => {
      openedSettings = true;
    };
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => openedSettings);
    expect(asked[0]).toContain('无法保存到相册');
    expect(asked[0]).toContain('设置');
    expect(page.data.saving).toBe(false);

    // Allowed this time: saved, and said so.
    const calls = connectMiniProgram(cloud, DEMO.volunteer);
    let savedPath = '';
    wx.saveImageToPhotosAlbum = (o: { filePath: string; success: () => void }) => {
      savedPath = o.filePath;
      o.success();
    };
    page.querySelector('#save')!.dispatchEvent('click');
    await until(() => calls.toasts.length > 0);
    expect(savedPath).toBe('wxfile://tmp/certificate.png');
    expect(calls.toasts).toEqual(['已保存到相册']);

    // Mine lists it after a reload.
    page.querySelector('#close')!.dispatchEvent('click');
    await page.instance.load();
    expect(page.data.items.map((item: CertificateCheck) => item.printedCode)).toEqual([printedCode]);
  });

  it('refuses a period in the wrong order on the page, and an empty period with the cloud message', async () => {
    fakeCanvas();
    const calls = connectMiniProgram(cloud, DEMO.volunteer);
    const page = mount('volunteer/certificate/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    page.querySelector('#from-picker')!.dispatchEvent('change', { detail: { value: '2026-06-01' } });
    page.querySelector('#to-picker')!.dispatchEvent('change', { detail: { value: '2026-05-01' } });
    await settle();
    page.querySelector('#request')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('开始日期不能晚于结束日期');
    expect(calls.calls.map((c) => c.data.action)).not.toContain('certificate.request');

    page.querySelector('#from-picker')!.dispatchEvent('change', { detail: { value: '2025-01-01' } });
    page.querySelector('#to-picker')!.dispatchEvent('change', { detail: { value: '2025-12-31' } });
    await settle();
    page.querySelector('#request')!.dispatchEvent('click');
    await until(() => page.data.formError !== '');
    expect(text(page, '#form-error')).toBe('该时间段内没有志愿服务记录');
    expect(page.data.viewing).toBeNull();
  });

  it('anyone verifies the code, typed in lower case: 有效 with the name and the totals', async () => {
    expect(printedCode).not.toBe('');
    const calls = connectMiniProgram(cloud, 'o-mp-stranger');
    const page = mount('pages/certificate-verify/index');
    page.instance.onLoad();
    await settle();
    page.querySelector('#code')!.dispatchEvent('change', { detail: ` ${printedCode.toLowerCase()} ` });
    await settle();
    page.querySelector('#verify')!.dispatchEvent('click');
    await until(() => page.data.result !== null);
    expect(text(page, '#status')).toBe('有效');
    expect(text(page, '#result-name')).toBe('李建国');
    expect(text(page, '#result')).toContain('幸福里社区');
    const { hours } = await myRecords();
    expect(text(page, '#result-hours')).toContain(`累计 ${hours} 小时`);
    expect(calls.calls.map((c) => c.data.action)).toEqual(['certificate.verify']);
  });

  it('scanning the certificate’s QR code checks it at once', async () => {
    connectMiniProgram(cloud, 'o-mp-stranger');
    // The camera reads what the certificate's QR code carries: the code as printed.
    wx.scanCode = ((options: { success?: (result: { result: string }) => void }) => options.success?.({ result: printedCode })) as typeof wx.scanCode;
    const page = mount('pages/certificate-verify/index');
    page.instance.onLoad();
    await settle();
    page.querySelector('#scan')!.dispatchEvent('click');
    await until(() => page.data.result !== null);
    expect(page.data.code).toBe(printedCode);
    expect(text(page, '#status')).toBe('有效');
  });

  it('?code= checks at once; a garbled or unknown code is explained on the page', async () => {
    const calls = connectMiniProgram(cloud, 'o-mp-stranger');
    const prefilled = mount('pages/certificate-verify/index');
    prefilled.instance.onLoad({ code: encodeURIComponent(printedCode) });
    await until(() => prefilled.data.result !== null);
    expect(prefilled.data.code).toBe(printedCode);
    expect(text(prefilled, '#status')).toBe('有效');

    const page = mount('pages/certificate-verify/index');
    page.instance.onLoad();
    await settle();
    page.querySelector('#verify')!.dispatchEvent('click');
    await until(() => page.data.message !== '');
    expect(text(page, '#message')).toBe('请输入证明上的验证码');

    // One character changed: the check character catches it.
    const last = printedCode.slice(-1);
    const garbled = printedCode.slice(0, -2) + (printedCode.at(-2) === 'A' ? 'B' : 'A') + last;
    page.querySelector('#code')!.dispatchEvent('change', { detail: garbled });
    await settle();
    page.querySelector('#verify')!.dispatchEvent('click');
    await until(() => page.data.message !== '');
    expect(text(page, '#message')).toBe('验证码有误，请核对后重新输入');
    expect(page.querySelector('#result')).toBeFalsy();

    // Well formed (its check character matches) but never issued.
    page.querySelector('#code')!.dispatchEvent('change', { detail: groupCode(certificateCode('23456789ABC')) });
    await settle();
    page.querySelector('#verify')!.dispatchEvent('click');
    await until(() => page.data.message !== '');
    expect(text(page, '#message')).toBe('查无此证明，请核对验证码');
    expect(calls.toasts).toEqual([]);
  });

  it('a certificate whose record is corrected afterwards shows 已失效 in mine and on the check', async () => {
    const { records } = await myRecords();
    const record = records.find((r) => !r.pendingCorrectionId)!;
    const correction = ok(
      await call(cloud, DEMO.volunteer, 'record.requestCorrection', { recordId: record.id, place: '幸福里社区活动中心', reason: '地点记错了', clientRequestId: 'mp-rec-supersede-1' }),
    );
    ok(await call(cloud, DEMO.staff, 'record.reviewCorrection', { correctionId: correction.id, decision: 'approve' }));

    fakeCanvas();
    connectMiniProgram(cloud, DEMO.volunteer);
    const mine = mount('volunteer/certificate/index');
    mine.instance.onLoad();
    await until(() => mine.data.loading === false);
    expect(text(mine, `#certificate-${printedCode.replace(/-/g, '')}`)).toContain('已失效（记录有更正）');

    connectMiniProgram(cloud, 'o-mp-stranger');
    const check = mount('pages/certificate-verify/index');
    check.instance.onLoad({ code: printedCode });
    await until(() => check.data.result !== null);
    expect(text(check, '#status')).toBe('已失效');
  });
});

describe('pages/me: stars and the new entries', () => {
  const now = { $date: '2026-11-01T00:00:00.000Z' };
  beforeAll(() => {
    cloud.engine.importLines([
      JSON.stringify({
        collection: 'users',
        doc: { _id: 'o-mp-star', communityId: DEMO.community, name: '王志强', phone: '13900002222', address: { gridId: 'g1', building: '1栋' }, roles: ['resident'], createdAt: now, updatedAt: now },
      }),
      JSON.stringify({
        collection: 'volunteers',
        doc: {
          _id: 'o-mp-star',
          communityId: DEMO.community,
          realName: '王志强',
          phone: '13900002222',
          birthDate: '1970-01-01',
          guardianConsent: false,
          skills: ['保洁'],
          availability: '周末',
          available: true,
          partyMember: false,
          gridId: 'g1',
          building: '1栋',
          consentAt: now,
          status: 'approved',
          appliedAt: now,
          stats: { activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0 },
        },
      }),
      // Years of service, recorded in two records: 350.5 hours.
      ...[
        { id: 'rec-mp-star-1', hours: 300, date: '2025-06-01' },
        { id: 'rec-mp-star-2', hours: 50.5, date: '2026-10-01' },
      ].map(({ id, hours, date }) =>
        JSON.stringify({
          collection: 'service_records',
          doc: {
            _id: id,
            openid: 'o-mp-star',
            volunteerName: '王志强',
            communityId: DEMO.community,
            source: 'activity',
            ref: id,
            activityName: '社区巡逻',
            date,
            place: '幸福里社区',
            content: '夜间巡逻',
            minutes: hours * 60,
            hours,
            organiser: '幸福里社区',
            personInCharge: '刘晓梅',
            recordedBy: 'demo-staff',
            createdAt: now,
            version: 1,
          },
        }),
      ),
      JSON.stringify({
        collection: 'users',
        doc: { _id: 'o-mp-grid', communityId: DEMO.community, name: '赵网格', phone: '13900003333', address: { gridId: 'g2', building: '4栋' }, roles: ['grid_worker'], gridIds: ['g2'], createdAt: now, updatedAt: now },
      }),
    ]);
  });

  async function open(openid: string) {
    connectMiniProgram(cloud, openid);
    const page = mount('pages/me/index');
    page.instance.onLoad();
    await until(() => page.data.loading === false);
    return page;
  }

  it('shows a volunteer with 350.5 recorded hours two stars and the hours to the third', async () => {
    const me: MeView = ok(await call(cloud, 'o-mp-star', 'user.me', {}));
    expect(me.volunteer?.level).toEqual({ stars: 2, nextAt: 600, toNext: 249.5 });
    const page = await open('o-mp-star');
    expect(text(page, '#stars')).toContain('★★☆☆☆');
    expect(text(page, '#stars')).toContain('2 星志愿者，已记录 350.5 小时，再服务 249.5 小时可升 3 星');
  });

  it('links volunteers to activities, records and certificates; staff and grid workers to their pages; everyone to 证明核验', async () => {
    const urlsOf = async (openid: string, ids: string[]) => {
      const page = await open(openid);
      const urls = captureNavigation();
      for (const id of ids) page.querySelector(`#${id}`)?.dispatchEvent('click');
      await settle(20);
      return { page, urls };
    };

    const volunteer = await urlsOf(DEMO.volunteer, ['to-activities', 'to-record', 'to-certificate', 'to-verify']);
    expect(volunteer.urls).toEqual(['/volunteer/activities/index', '/volunteer/record/index', '/volunteer/certificate/index', '/pages/certificate-verify/index']);
    expect(text(volunteer.page, '#stars')).toContain('☆☆☆☆☆');
    expect(volunteer.page.querySelector('#to-awards')).toBeFalsy();

    const staff = await urlsOf(DEMO.staff, ['to-staff-activities', 'to-corrections', 'to-awards']);
    expect(staff.urls).toEqual(['/staff/activities/index', '/staff/corrections/index', '/staff/awards/index']);
    expect(staff.page.querySelector('#stars')).toBeFalsy();

    const gridWorker = await urlsOf('o-mp-grid', ['to-awards', 'to-staff-activities', 'to-corrections']);
    expect(gridWorker.urls).toEqual(['/staff/awards/index']);

    const resident = await urlsOf(DEMO.resident, ['to-verify', 'to-certificate']);
    expect(resident.urls).toEqual(['/pages/certificate-verify/index']);
  });
});
