/**
 * The mini-program's copy of core's shared values (miniprogram/generated/shared.ts) is what
 * scripts/generate-shared.ts writes from core today: change core/labels.ts (or a copied rule) and
 * this fails until the copy is generated again.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as labels from '../../core/labels';
import { PRIVACY_ITEMS } from '../../core/privacy';
import { PRIVACY_FILE, privacySource, SHARED_FILE, sharedSource } from '../../scripts/generate-shared';

describe('miniprogram/generated/shared.ts', () => {
  it('is up to date with core (else run `npx tsx scripts/generate-shared.ts`)', () => {
    expect(fs.readFileSync(SHARED_FILE, 'utf8')).toBe(sharedSource());
  });

  it('carries every label of core/labels.ts as values, and no rule (views carry those as `allowed`)', () => {
    const copy = fs.readFileSync(SHARED_FILE, 'utf8');
    for (const name of Object.keys(labels)) expect(copy).toContain(`export const ${name}: typeof labels.${name} = `);
    expect(copy).toContain("rejected: '未通过审核'");
    expect(copy).not.toContain('CHECK_IN_OPENS_BEFORE_MS');
    expect(copy).not.toContain('activity-rules');
  });
});

describe('miniprogram/generated/privacy.ts', () => {
  it('is the inventory of core/privacy.ts as it is today (else run `npx tsx scripts/generate-shared.ts`)', () => {
    expect(fs.readFileSync(PRIVACY_FILE, 'utf8')).toBe(privacySource());
    for (const item of PRIVACY_ITEMS) expect(privacySource()).toContain(`retention: '${item.retention}'`);
  });

  it('is the only copy of the policy: the labels every page imports do not carry it', () => {
    expect(fs.readFileSync(SHARED_FILE, 'utf8')).not.toContain('PRIVACY_ITEMS');
  });
});
