// @vitest-environment node
/**
 * README.md lists every subscribe-message template with the field keys the functions send it with;
 * the table is written from the code (scripts/readme-templates.ts), so it cannot drift from it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_ENV } from '../../backend/platform';
import { noticeFields } from '../../scripts/deploy/checklist';
import { readmeWithTable, TABLE_END, TABLE_START, templateTable } from '../../scripts/readme-templates';
import { REPO_ROOT } from '../helpers/localcloud';

const readme = () => fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

describe('the README’s subscribe-message template table', () => {
  it('is what the code says (else run `npx tsx scripts/readme-templates.ts`)', () => {
    expect(readme()).toContain(templateTable(REPO_ROOT));
    expect(readmeWithTable(readme(), REPO_ROOT)).toBe(readme());
  });

  it('has a row for every kind of notice, with its environment variable and every field key it is sent with', () => {
    const table = readme().slice(readme().indexOf(TABLE_START), readme().indexOf(TABLE_END));
    const fields = noticeFields(REPO_ROOT);
    for (const [kind, env] of Object.entries(TEMPLATE_ENV)) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${kind}\` |`));
      expect(row, kind).toBeDefined();
      expect(row).toContain(`\`${env}\``);
      const keys = fields.get(kind as keyof typeof TEMPLATE_ENV) ?? [];
      expect(keys.length, kind).toBeGreaterThan(0);
      for (const key of keys) expect(row).toContain(`\`${key}\``);
    }
  });

  it('notices a field the code changed', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-templates-'));
    try {
      fs.mkdirSync(path.join(root, 'core/usecases'), { recursive: true });
      fs.writeFileSync(path.join(root, 'core/usecases/a.ts'), `notify(deps, { kind: 'order_assigned', fields: { thing1: a, date9: b } });`);
      expect(templateTable(root)).toContain('`date9`');
      expect(readme()).not.toContain(templateTable(root));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
