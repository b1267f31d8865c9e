// @vitest-environment node
/**
 * The console checklist is read from the code: the field keys each subscribe message is sent with,
 * the environment variables the backend reads, the privacy APIs and network calls of the pages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_ENV } from '../../backend/platform';
import { privacyPolicyLines, WECHAT_PRIVACY_PURPOSES } from '../../core/privacy';
import { consoleChecklist, functionEnvironment, noticeFields } from '../../scripts/deploy/checklist';
import { readCollections, readFunctions } from '../../scripts/deploy/plan';
import { REPO_ROOT } from '../helpers/localcloud';

describe('the console checklist', () => {
  it('finds the template field keys of every notice the functions send', () => {
    const fields = noticeFields(REPO_ROOT);
    expect([...fields.keys()].sort()).toEqual(Object.keys(TEMPLATE_ENV).sort());
    for (const [kind, keys] of fields) {
      expect(keys.length, kind).toBeGreaterThan(0);
      // WeChat's keyword keys: a type and its position, e.g. thing1, time3, name2.
      for (const key of keys) expect(key, kind).toMatch(/^(thing|time|date|name|number|amount|phrase|character_string|phone_number)\d+$/);
    }
  });

  it('refuses a notice sent with different keys in two places', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-checklist-'));
    try {
      fs.mkdirSync(path.join(root, 'core/usecases'), { recursive: true });
      fs.writeFileSync(path.join(root, 'core/usecases/a.ts'), `notify(deps, { kind: 'order_assigned', fields: { thing1: a, time2: b } });`);
      fs.writeFileSync(path.join(root, 'core/usecases/b.ts'), `notify(deps, { kind: 'order_assigned', fields: { thing1: a, date2: clip(b, 3) } });`);
      expect(() => noticeFields(root)).toThrow(/order_assigned.*thing1、time2.*thing1、date2/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('lists every environment variable the backend reads, each with what to set', () => {
    const names = functionEnvironment(REPO_ROOT);
    expect(names).toEqual(expect.arrayContaining(['LINLI_ADMIN_OPENIDS', ...Object.values(TEMPLATE_ENV)]));
    const text = consoleChecklist(REPO_ROOT, readFunctions(REPO_ROOT), readCollections(REPO_ROOT))
      .flatMap((item) => [item.title, ...item.lines])
      .join('\n');
    for (const name of names) expect(text).toContain(`环境变量 ${name}`);
  });

  it('names the privacy APIs and network calls the pages make, not those only named in comments', () => {
    const items = consoleChecklist(REPO_ROOT, readFunctions(REPO_ROOT), readCollections(REPO_ROOT));
    const privacy = items.find((item) => item.title.startsWith('用户隐私保护指引'))!.lines.join('\n');
    expect(privacy).toContain('van-uploader 组件（miniprogram/affair/detail/index.wxml、miniprogram/affair/report/index.wxml、miniprogram/pages/order-form/index.wxml）');
    expect(privacy).toContain('wx.saveImageToPhotosAlbum');
    // miniprogram/api/files.ts names wx.chooseMedia in a comment only.
    expect(fs.readFileSync(path.join(REPO_ROOT, 'miniprogram/api/files.ts'), 'utf8')).toContain('wx.chooseMedia');
    expect(privacy).not.toContain('wx.chooseMedia');
    const domains = items.find((item) => item.title.startsWith('服务器域名'))!.lines.join('\n');
    expect(domains).toContain('wx.request（miniprogram/api/subscribe.ts、miniprogram/api/transport.ts）');
  });

  it('prints the purpose of each privacy API and the whole inventory of core/privacy.ts, as the privacy page shows it', () => {
    const items = consoleChecklist(REPO_ROOT, readFunctions(REPO_ROOT), readCollections(REPO_ROOT));
    const privacy = items.find((item) => item.title.startsWith('用户隐私保护指引'))!.lines;
    expect(privacy.find((line) => line.startsWith('收集你的手机号'))).toContain(`用途填“${WECHAT_PRIVACY_PURPOSES.find((p) => p.item === '收集你的手机号')!.purpose}”`);
    for (const line of privacyPolicyLines()) expect(privacy).toContain(`  ${line}`);
    expect(privacy.join('\n')).toContain('身份证号（选填）（非必需）');
  });
});

