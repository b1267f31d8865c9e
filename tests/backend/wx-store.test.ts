/** WxStore.transaction on a stand-in SDK database: how giving up after conflicts reaches a person. */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { pauseAfterConflict, type SdkDatabase, WxStore } from '../../backend/wx-store';

/** A pause that records the attempt it follows instead of sleeping. */
const recordPauses = (pauses: number[]) => async (attempt: number) => {
  pauses.push(attempt);
};

const failingWith = (error: unknown): SdkDatabase =>
  ({
    command: {},
    collection: () => {
      throw new Error('not used');
    },
    runTransaction: async () => {
      throw error;
    },
  }) as unknown as SdkDatabase;

/** Fails with each error in turn, then succeeds; counts the attempts. */
function flaky(errors: unknown[]) {
  const attempts = { count: 0 };
  const db = {
    command: {},
    collection: () => ({}),
    runTransaction: async (work: (tx: unknown) => Promise<unknown>) => {
      attempts.count += 1;
      const error = errors.shift();
      if (error) throw error;
      return work({ collection: () => ({}) });
    },
  } as unknown as SdkDatabase;
  return { db, attempts };
}

describe('WxStore.transaction', () => {
  it('retries a conflict reported inside the transaction (the SDK wraps it and would not)', async () => {
    const wrapped = Object.assign(new Error('errCode: -501001 | errMsg: document.update:fail -501001 . [DATABASE_TRANSACTION_CONFLICT] conflict'), { errCode: -501001 });
    const { db, attempts } = flaky([wrapped, { code: 'DATABASE_TRANSACTION_CONFLICT', message: 'conflict at commit' }]);
    const seen: number[] = [];
    await expect(
      new WxStore(db).transaction(async (_tx, attempt) => {
        seen.push(attempt);
        return 'done';
      }),
    ).resolves.toBe('done');
    expect(attempts.count).toBe(3);
    // The work learns which attempt it is (a later one may check what an earlier one wrote); this
    // fake fails the first two before running the work.
    expect(seen).toEqual([3]);
  });

  it('gives up after twelve attempts, pausing a growing random time between them', async () => {
    const conflict = { code: 'DATABASE_TRANSACTION_CONFLICT', message: 'conflict' };
    const { db, attempts } = flaky(Array.from({ length: 20 }, () => conflict));
    const pauses: number[] = [];
    await expect(new WxStore(db, recordPauses(pauses)).transaction(async () => 'done')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(attempts.count).toBe(12);
    // One pause between attempts, none after the last.
    expect(pauses).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The real pause grows (from ~20 ms, doubling, at most ~640 ms) and is random within ±50%.
    const spans = await Promise.all([1, 3, 6, 11].map(async (attempt) => {
      const started = performance.now();
      await pauseAfterConflict(attempt);
      return performance.now() - started;
    }));
    expect(spans[0]).toBeGreaterThanOrEqual(9);
    expect(spans[0]).toBeLessThan(spans[3]!);
    expect(spans[3]).toBeGreaterThanOrEqual(319);
    expect(spans[3]).toBeLessThan(1500);
  });

  it('tries as often as a caller asks (a sign-up rush waits longer than the default)', async () => {
    const conflict = { code: 'DATABASE_TRANSACTION_CONFLICT', message: 'conflict' };
    const few = flaky(Array.from({ length: 20 }, () => conflict));
    await expect(new WxStore(few.db, recordPauses([])).transaction(async () => 'done', { attempts: 3 })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(few.attempts.count).toBe(3);
    const many = flaky(Array.from({ length: 14 }, () => conflict));
    await expect(new WxStore(many.db, recordPauses([])).transaction(async () => 'done', { attempts: 20 })).resolves.toBe('done');
    expect(many.attempts.count).toBe(15);
  });

  it('turns a conflict that outlived the retries into CONFLICT with a Chinese message', async () => {
    const store = new WxStore(failingWith({ code: 'DATABASE_TRANSACTION_CONFLICT', message: 'conflict' }), recordPauses([]));
    await expect(store.transaction(async () => 1)).rejects.toMatchObject({ code: 'CONFLICT', message: '同时操作的人较多，请稍后重试' });
  });

  it('passes a DomainError thrown by the work through unchanged', async () => {
    const refusal = new DomainError('INSUFFICIENT_POINTS', '爱心积分不足：需要 200 分，当前余额 60 分');
    await expect(new WxStore(failingWith(refusal)).transaction(async () => 1)).rejects.toBe(refusal);
  });

  it('retries a duplicate key like a conflict: two first writes of one document (a day’s first count) meet that way', async () => {
    const { db, attempts } = flaky([new Error('E11000 duplicate key error collection: quotas')]);
    await expect(new WxStore(db).transaction(async () => 'done')).resolves.toBe('done');
    expect(attempts.count).toBe(2);
    const always = flaky(Array.from({ length: 5 }, () => ({ errMsg: 'E11000 duplicate key' })));
    await expect(new WxStore(always.db, recordPauses([])).transaction(async () => 'done', { attempts: 2 })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('leaves any other failure alone', async () => {
    const failure = new Error('connect ECONNRESET');
    await expect(new WxStore(failingWith(failure)).transaction(async () => 1)).rejects.toBe(failure);
  });
});
