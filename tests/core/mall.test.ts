/** The mall's pure pieces: deterministic redemption ids and taking a free redemption code. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/digest';
import { DomainError } from '../../core/errors';
import { id } from '../../core/contract/fields';
import type { Random, Transaction, TransactionCollection } from '../../core/ports';
import { claimCode, codeKey, redemptionIdFor } from '../../core/usecases/mall';

describe('sha256Hex', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), '邻里 爱心积分 😀', 'demo-resident\nreq-12345678'])(
    'matches node:crypto for %j',
    (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    },
  );
});

describe('redemptionIdFor', () => {
  it('is the same for the same caller and request, and different otherwise', () => {
    const a = redemptionIdFor('demo-resident', 'req-00000001');
    expect(redemptionIdFor('demo-resident', 'req-00000001')).toBe(a);
    expect(redemptionIdFor('demo-resident', 'req-00000002')).not.toBe(a);
    expect(redemptionIdFor('demo-volunteer', 'req-00000001')).not.toBe(a);
    // A separator that cannot occur in either part keeps ("ab","c") and ("a","bc") apart.
    expect(redemptionIdFor('ab', 'c-request')).not.toBe(redemptionIdFor('a', 'bc-request'));
  });

  it('is a valid id for mall.cancel even for the longest request id', () => {
    const longest = redemptionIdFor('o'.repeat(28), 'r'.repeat(64));
    expect(longest).toMatch(/^rd-[0-9a-f]{32}$/);
    expect(id.safeParse(longest).success).toBe(true);
  });
});

/** A transaction over one in-memory collection, recording what was added. */
function fakeTransaction(taken: Set<string>) {
  const added: Array<{ _id: string }> = [];
  const collection: TransactionCollection<{ _id: string }> = {
    get: async (key) => (taken.has(key) ? { _id: key } : null),
    add: async (doc) => {
      if (taken.has(doc._id)) throw new Error('duplicate key');
      taken.add(doc._id);
      added.push(doc);
    },
    set: async () => undefined,
    update: async () => undefined,
  };
  const tx = { collection: () => collection } as unknown as Transaction;
  return { tx, added };
}

const scriptedRandom = (codes: string[]): Random => {
  let next = 0;
  return { id: () => 'id', digits: () => codes[next++ % codes.length] ?? '000000', code: () => 'UNUSED' };
};

describe('claimCode', () => {
  const now = new Date('2026-11-21T00:00:00Z');

  it('takes the first free code and records which redemption holds it', async () => {
    const { tx, added } = fakeTransaction(new Set([codeKey('c1', '111111'), codeKey('c1', '222222')]));
    const code = await claimCode(tx, scriptedRandom(['111111', '222222', '333333']), 'c1', 'rd-1', now);
    expect(code).toBe('333333');
    expect(added).toEqual([{ _id: 'c1:333333', communityId: 'c1', code: '333333', redemptionId: 'rd-1', createdAt: now }]);
  });

  it('codes are per community: another community’s code is free here', async () => {
    const { tx } = fakeTransaction(new Set([codeKey('c2', '111111')]));
    expect(await claimCode(tx, scriptedRandom(['111111']), 'c1', 'rd-1', now)).toBe('111111');
  });

  it('gives up with a clear message rather than looping forever', async () => {
    const { tx, added } = fakeTransaction(new Set([codeKey('c1', '999999')]));
    const attempt = claimCode(tx, scriptedRandom(['999999']), 'c1', 'rd-1', now);
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(claimCode(tx, scriptedRandom(['999999']), 'c1', 'rd-1', now)).rejects.toMatchObject({ code: 'CONFLICT', message: '兑换码暂时无法生成，请稍后重试' });
    expect(added).toEqual([]);
  });
});
