/** The mall's pure pieces: deterministic redemption ids. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/digest';
import { id } from '../../core/contract/fields';
import { redemptionIdFor } from '../../core/usecases/mall';

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
