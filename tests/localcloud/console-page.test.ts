// @vitest-environment node
// The page as an HTML string; the inline script is compiled (not run) to catch
// syntax errors. console-behaviour.test.ts runs it against a local cloud.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderConsolePage } from '../../localcloud/src/ui/console-page';

const page = renderConsolePage({ envName: 'linli-dev', version: '0.1.0' });

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => {
    expect(m[1] ?? '').not.toMatch(/\bsrc\s*=/i);
    return m[2] ?? '';
  });
}

describe('escapeHtml', () => {
  it('neutralises tags and quotes', () => {
    expect(escapeHtml('<script>alert("x")</script>')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(escapeHtml(`a'b"c`)).toBe('a&#39;b&quot;c');
    expect(escapeHtml('<img src=x onerror=alert(1)>')).not.toMatch(/[<>]/);
  });

  it('escapes ampersands exactly once and copes with non-strings', () => {
    expect(escapeHtml('Tom & Jerry &lt;')).toBe('Tom &amp; Jerry &amp;lt;');
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('renderConsolePage', () => {
  it('is a complete HTML document with title, charset and viewport', () => {
    expect(page.trimStart().toLowerCase().startsWith('<!doctype html>')).toBe(true);
    expect(page).toMatch(/<html lang="zh-CN">[\s\S]*<head>[\s\S]*<\/head>[\s\S]*<body>[\s\S]*<\/body>\s*<\/html>\s*$/);
    expect(page).toContain('<title>linli 本地云 · Local Cloud</title>');
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('name="viewport"');
  });

  it('shows the env name and version', () => {
    expect(page).toContain('<b id="env-name">linli-dev</b>');
    expect(page).toContain('0.1.0');
  });

  it('escapes the env name and version', () => {
    const evil = renderConsolePage({ envName: '<script>alert(1)</script>', version: '"><img src=x onerror=alert(2)>' });
    expect(evil).not.toContain('<script>alert(1)');
    expect(evil).not.toContain('<img src=x');
    expect(evil).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(inlineScripts(evil)).toHaveLength(1);
  });

  it('has Chinese-first labels, tabs and empty states', () => {
    for (const label of [
      '集合 Collections',
      '云函数 Functions',
      '调用记录 Invocations',
      '消息 Outbox',
      '导出 Export',
      '导入 Import',
      '+1 小时',
      '+1 天',
      '暂无数据',
      'Asia/Shanghai',
    ]) {
      expect(page).toContain(label);
    }
  });

  it('is self-contained: one inline script, no external resources', () => {
    expect(inlineScripts(page)).toHaveLength(1);
    expect(page.replace('<link rel="icon" href="data:,">', '')).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(page).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
  });

  it('uses every API endpoint', () => {
    const script = inlineScripts(page).join('\n');
    for (const path of [
      "'/__linli/api/status'",
      "'/__linli/api/collections'",
      "'/__linli/api/collections/'",
      "'/documents?offset='",
      "'&limit='",
      "'/__linli/api/functions'",
      "'/__linli/api/functions/'",
      "'/invoke'",
      "'/__linli/api/invocations?limit=50'",
      "'/__linli/api/outbox'",
      "'/__linli/api/reset'",
      "'/__linli/api/import'",
      "'/__linli/api/clock'",
      'advanceMs',
    ]) {
      expect(script).toContain(path);
    }
    expect(page).toContain('href="/__linli/api/export" download');
  });

  it('confirms before reset and refreshes invocations every 3 s', () => {
    const script = inlineScripts(page).join('\n');
    expect(script).toMatch(/window\.confirm\([\s\S]{0,200}\)\) return;\s*try \{\s*await api\('\/__linli\/api\/reset'/);
    expect(script).toContain('}, 3000);');
    expect(script).toContain("document.visibilityState === 'visible'");
  });

  it('never feeds data through innerHTML and has a syntactically valid script', () => {
    const script = inlineScripts(page).join('\n');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(script).toContain('textContent');
    expect(() => new Function(script)).not.toThrow();
  });
});
