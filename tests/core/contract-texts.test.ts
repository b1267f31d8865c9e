/**
 * Every free text someone else will read passes WeChat's content check: the contract declares each
 * text field with shortText / optionalText / personName, the router checks what they collect. This
 * walks every action's input schema and fails on a string field that is neither free text, nor of a
 * fixed format (a regex, a date, an enum), nor declared not to be text (an id, a cursor).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ActionName, contract, functionOf } from '../../core/contract';
import { withPublishedTexts } from '../../core/contract/fields';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Def = any;

interface Leaves {
  texts: string[];
  /** Paths of string fields with no declared kind: an unchecked text someone could publish. */
  unchecked: string[];
}

function walk(schema: z.ZodType, at: string, leaves: Leaves): void {
  const meta = z.globalRegistry.get(schema) as { freeText?: string; notText?: boolean } | undefined;
  if (meta?.freeText) {
    leaves.texts.push(`${at}（${meta.freeText}）`);
    return;
  }
  if (meta?.notText) return;
  const def: Def = (schema as Def)._zod.def;
  switch (def.type) {
    case 'object':
      for (const [key, inner] of Object.entries(def.shape as Record<string, z.ZodType>)) walk(inner, at ? `${at}.${key}` : key, leaves);
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      walk(def.innerType, at, leaves);
      return;
    case 'pipe':
      // `z.string().pipe(shortText(…))`: what comes out decides.
      walk(def.out.type === 'transform' ? def.in : def.out, at, leaves);
      return;
    case 'array':
      walk(def.element, `${at}[]`, leaves);
      return;
    case 'union':
      (def.options as z.ZodType[]).forEach((option) => walk(option, at, leaves));
      return;
    case 'string': {
      const formatted = def.format !== undefined || (def.checks ?? []).some((check: Def) => check._zod.def.check === 'string_format');
      if (!formatted) leaves.unchecked.push(at);
      return;
    }
    default:
      return;
  }
}

function leavesOf(action: ActionName): Leaves {
  const leaves: Leaves = { texts: [], unchecked: [] };
  walk(contract[action].input as z.ZodType, '', leaves);
  return leaves;
}

const actions = Object.keys(contract) as ActionName[];

describe('free text in the contract', () => {
  it('every string field of every action is free text, formatted, or declared not to be text', () => {
    const unchecked = actions.flatMap((action) => leavesOf(action).unchecked.map((field) => `${action}: ${field}`));
    expect(unchecked).toEqual([]);
  });

  it('finds the texts people publish (a sample of what the walk sees)', () => {
    expect(leavesOf('order.create').texts).toEqual(
      expect.arrayContaining(['description（需求描述）', 'preferredTime（期望时间）', 'onBehalfOf.name（姓名）', 'address.room（房号）']),
    );
    expect(leavesOf('user.register').texts).toContain('name（姓名）');
    expect(leavesOf('volunteer.apply').texts).toEqual(expect.arrayContaining(['realName（姓名）', 'availability（可服务时间）']));
  });

  it('parsing reports each text with its label, once, and nothing for fields left empty', () => {
    const { result, texts } = withPublishedTexts(() =>
      contract['order.create'].input.safeParse({ serviceId: 's', description: ' 送午饭 ', preferredTime: '', clientRequestId: 'abcdefgh' }),
    );
    expect(result.success).toBe(true);
    expect(texts).toEqual([{ label: '需求描述', text: '送午饭', scene: 'forum' }]);
    // Outside withPublishedTexts nothing is collected (and nothing leaks into the next parse).
    contract['order.create'].input.safeParse({ serviceId: 's', description: '再来', clientRequestId: 'abcdefgh' });
    expect(withPublishedTexts(() => 0).texts).toEqual([]);
  });

  it('every function with free text may call the content check, and only those', () => {
    const functions = [...new Set(actions.map(functionOf))];
    const withText = new Set(actions.filter((action) => leavesOf(action).texts.length > 0).map(functionOf));
    for (const name of functions) {
      const config = JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../cloudfunctions/${name}/config.json`), 'utf8')) as { permissions?: { openapi?: string[] } };
      expect(config.permissions?.openapi?.includes('security.msgSecCheck') ?? false, `${name}/config.json declares security.msgSecCheck`).toBe(withText.has(name));
    }
  });
});
