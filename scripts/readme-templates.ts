/**
 * The README's table of subscribe-message templates, written from the code: every kind of notice
 * (TEMPLATE_ENV), who gets it, the field keys the use cases send it with (noticeFields), and where its
 * template id goes. `npx tsx scripts/readme-templates.ts` rewrites the table between the markers;
 * tests/deploy/readme-templates.test.ts fails while README.md differs from what this writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATE_ENV } from '../backend/platform';
import type { NotificationKind } from '../core/ports';
import { fieldType, NOTICE_PURPOSES, noticeFields } from './deploy/checklist';

export const TABLE_START = '<!-- 订阅消息模板表：由 scripts/readme-templates.ts 生成，请勿手改 -->';
export const TABLE_END = '<!-- 订阅消息模板表结束 -->';

export function templateTable(root: string): string {
  const fields = noticeFields(root);
  const rows = (Object.keys(TEMPLATE_ENV) as NotificationKind[]).map((kind) => {
    const keys = (fields.get(kind) ?? []).map((key) => `\`${key}\`（${fieldType(key)}）`).join('、') || '（代码里没有找到）';
    return `| \`${kind}\` | ${NOTICE_PURPOSES[kind]} | ${keys} | \`${TEMPLATE_ENV[kind]}\` |`;
  });
  return [TABLE_START, '| 通知 | 发给谁、何时 | 字段（按顺序选关键词） | 模板 ID 的环境变量 |', '| --- | --- | --- | --- |', ...rows, TABLE_END].join('\n');
}

/** README.md with its table replaced by what the code says now. */
export function readmeWithTable(readme: string, root: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no template table between "${TABLE_START}" and "${TABLE_END}"`);
  return readme.slice(0, start) + templateTable(root) + readme.slice(end + TABLE_END.length);
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const file = path.join(root, 'README.md');
  fs.writeFileSync(file, readmeWithTable(fs.readFileSync(file, 'utf8'), root));
  console.log('README.md: subscribe-message template table written');
}
