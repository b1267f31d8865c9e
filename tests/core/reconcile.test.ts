/** The reconciliation's arithmetic: ledger totals as postPoints keeps them, stock against its moves, and volunteer counters. */
import { describe, expect, it } from 'vitest';
import type { Discrepancy, LedgerEntry, PointsSource, Volunteer } from '../../core/model';
import { postPoints } from '../../core/points';
import { localDay } from '../../core/time';
import type { Transaction, TransactionCollection } from '../../core/ports';
import {
  accountDiscrepancies,
  addEntry,
  byKindThenSubject,
  counterDrift,
  countersUnchanged,
  countOrder,
  expectedTotals,
  goodsDiscrepancies,
  missingGoodsDiscrepancy,
  NO_COUNTS,
  NO_ENTRIES,
  onDemandReconciliationId,
  previousMonth,
  reconciliationId,
  stockDiscrepancy,
} from '../../core/usecases/reconcile';
import { matchesWhere } from '../../core/where';

const entry = (delta: number, source: PointsSource) => ({ delta, source });

/** A transaction over in-memory collections, enough for postPoints. */
function memoryTransaction() {
  const collections = new Map<string, Map<string, { _id: string }>>();
  const tx: Transaction = {
    collection<T extends { _id: string }>(name: string): TransactionCollection<T> {
      const docs = (collections.get(name) ?? collections.set(name, new Map()).get(name)!) as unknown as Map<string, T>;
      return {
        get: async (id) => docs.get(id) ?? null,
        add: async (doc) => void docs.set(doc._id, doc),
        set: async (doc) => void docs.set(doc._id, doc),
        update: async () => {
          throw new Error('not used by postPoints');
        },
      };
    },
  };
  return { tx, docs: (name: string) => collections.get(name) ?? new Map() };
}

describe('expectedTotals mirrors postPoints', () => {
  it('earned sources count in issued, a redemption and its refund in redeemed, all in the balance', () => {
    const totals = expectedTotals([
      entry(30, 'service'),
      entry(20, 'activity'),
      entry(5, 'good_deed'),
      entry(10, 'role_model'),
      entry(-40, 'redeem'),
      entry(40, 'redeem_refund'),
      entry(-15, 'redeem'),
    ]);
    // Redeemed 40 + 15, less the 40 refunded.
    expect(totals).toEqual({ balance: 50, issued: 65, redeemed: 15 });
    expect(expectedTotals([])).toEqual(NO_ENTRIES);
    expect(addEntry(NO_ENTRIES, entry(-7, 'redeem'))).toEqual({ balance: -7, issued: 0, redeemed: 7 });
  });

  it('equals the account postPoints leaves behind, for a mixed history', async () => {
    const { tx, docs } = memoryTransaction();
    const history: Array<[number, PointsSource]> = [
      [100, 'service'],
      [12, 'activity'],
      [-60, 'redeem'],
      [60, 'redeem_refund'],
      [8, 'good_deed'],
      [-30, 'redeem'],
      [25, 'role_model'],
    ];
    for (const [index, [delta, source]] of history.entries()) {
      await postPoints(tx, { key: `k${index}`, openid: 'o-1', communityId: 'c', delta, source, ref: 'r', by: 'staff', now: new Date(0) });
    }
    const account = docs('points_accounts').get('o-1') as unknown as { balance: number; issued: number; redeemed: number };
    const entries = [...docs('points_ledger').values()] as unknown as LedgerEntry[];
    expect(entries).toHaveLength(history.length);
    const expected = expectedTotals(entries);
    expect({ balance: account.balance, issued: account.issued, redeemed: account.redeemed }).toEqual(expected);
    expect(accountDiscrepancies('o-1', account, expected)).toEqual([]);
  });
});

describe('accountDiscrepancies', () => {
  it('reports each field that disagrees, as found, and changes nothing', () => {
    const account = { balance: 65, issued: 60, redeemed: 0 };
    const found = accountDiscrepancies('o-1', account, { balance: 60, issued: 60, redeemed: 0 });
    expect(found).toEqual([{ kind: 'balance', subject: 'o-1', field: 'balance', stored: 65, expected: 60, action: 'reported' }]);
    expect(account).toEqual({ balance: 65, issued: 60, redeemed: 0 });
    expect(accountDiscrepancies('o-1', { balance: 10, issued: 30, redeemed: 10 }, { balance: 10, issued: 20, redeemed: 10 }).map((d) => d.kind)).toEqual(['issued']);
    expect(accountDiscrepancies('o-1', { balance: 1, issued: 2, redeemed: 3 }, NO_ENTRIES).map((d) => d.field)).toEqual(['balance', 'issued', 'redeemed']);
  });

  it('entries without an account are one finding, stored 0', () => {
    expect(accountDiscrepancies('o-ghost', null, { balance: 25, issued: 25, redeemed: 0 })).toEqual([
      { kind: 'balance', subject: 'o-ghost', field: 'account', stored: 0, expected: 25, action: 'reported' },
    ]);
  });
});

describe('stockDiscrepancy', () => {
  it('accepts a non-negative integer', () => {
    expect(stockDiscrepancy({ _id: 'g', stock: 0 })).toBeNull();
    expect(stockDiscrepancy({ _id: 'g', stock: 12 })).toBeNull();
  });

  it('reports a negative or fractional stock', () => {
    expect(stockDiscrepancy({ _id: 'g', stock: -1 })).toEqual({ kind: 'negative_stock', subject: 'g', field: 'stock', stored: -1, expected: 0, action: 'reported' });
    expect(stockDiscrepancy({ _id: 'g', stock: 2.5 })).toMatchObject({ stored: 2.5, expected: 2 });
  });
});

describe('goods against their stock ledger', () => {
  it('accepts a stock that is the sum of its moves', () => {
    expect(goodsDiscrepancies({ _id: 'g', stock: 7 }, 7)).toEqual([]);
    expect(goodsDiscrepancies({ _id: 'g', stock: 0 }, 0)).toEqual([]);
  });

  it('reports a stock that is not the sum of its moves, with both', () => {
    expect(goodsDiscrepancies({ _id: 'g', stock: 10 }, 7)).toEqual([{ kind: 'stock', subject: 'g', field: 'stock', stored: 10, expected: 7, action: 'reported' }]);
  });

  it('reports a negative stock even when the moves add up to it, and both when they do not', () => {
    expect(goodsDiscrepancies({ _id: 'g', stock: -1 }, -1).map((d) => d.kind)).toEqual(['negative_stock']);
    expect(goodsDiscrepancies({ _id: 'g', stock: -1 }, 2).map((d) => `${d.kind}:${d.expected}`)).toEqual(['stock:2', 'negative_stock:0']);
  });

  it('reports moves of an item that is gone: the item held their sum', () => {
    expect(missingGoodsDiscrepancy('g-gone', 4)).toEqual({ kind: 'stock', subject: 'g-gone', field: 'goods', stored: 0, expected: 4, action: 'reported' });
  });
});

const stats = (values: Partial<Volunteer['stats']> = {}): Volunteer['stats'] => ({ activeOrders: 0, completedOrders: 0, ratingSum: 0, ratingCount: 0, ...values });

describe('volunteer recount', () => {
  it('counts accepted and in-service orders as active, completed and closed as completed, and every rating', () => {
    const orders = [
      { status: 'accepted' as const },
      { status: 'in_service' as const },
      { status: 'assigned' as const },
      { status: 'completed' as const, rating: { stars: 5, at: new Date(0) } },
      { status: 'closed' as const, rating: { stars: 3, at: new Date(0) } },
      { status: 'closed' as const },
      { status: 'cancelled' as const },
      { status: 'pending' as const },
    ];
    const counts = orders.reduce(countOrder, NO_COUNTS);
    expect(counts).toEqual({ activeOrders: 2, completedOrders: 3, ratingSum: 8, ratingCount: 2 });
  });


  it('counterDrift names the counters that differ', () => {
    const recount = { ...NO_COUNTS, completedOrders: 2, ratingSum: 9, ratingCount: 2 };
    expect(counterDrift(stats({ completedOrders: 2, ratingSum: 9, ratingCount: 2 }), recount)).toEqual([]);
    expect(counterDrift(stats({ activeOrders: 3, completedOrders: 2, ratingSum: 9, ratingCount: 2 }), recount)).toEqual([{ field: 'activeOrders', stored: 3, expected: 0 }]);
    expect(counterDrift(stats({ ratingSum: 10 }), { ...NO_COUNTS, ratingSum: 9 })).toEqual([{ field: 'ratingSum', stored: 10, expected: 9 }]);
  });

  it('the reset is conditional on every counter as read, so a transition since is never overwritten', () => {
    const read = stats({ activeOrders: 3, completedOrders: 1 });
    const where = countersUnchanged('o-v', read);
    expect(matchesWhere({ _id: 'o-v', stats: read }, where)).toBe(true);
    // Accepted an order meanwhile; or completed one (active clamped, completed moved); or was rated.
    expect(matchesWhere({ _id: 'o-v', stats: { ...read, activeOrders: 4 } }, where)).toBe(false);
    expect(matchesWhere({ _id: 'o-v', stats: { ...read, completedOrders: 2 } }, where)).toBe(false);
    expect(matchesWhere({ _id: 'o-v', stats: { ...read, ratingCount: 1 } }, where)).toBe(false);
    expect(matchesWhere({ _id: 'o-other', stats: read }, where)).toBe(false);
  });
});

describe('the document', () => {
  it('is one per community and Beijing day', () => {
    expect(localDay(new Date('2026-11-19T19:00:00Z'))).toBe('2026-11-20');
    expect(localDay(new Date('2026-11-19T15:59:59Z'))).toBe('2026-11-19');
    expect(reconciliationId('demo-community', '2026-11-20')).toBe('demo-community:2026-11-20');
  });

  it('lists money first, then stock, then counters', () => {
    const d = (kind: Discrepancy['kind'], subject: string, field = kind as string): Discrepancy => ({ kind, subject, field, stored: 1, expected: 0, action: 'reported' });
    const sorted = [d('volunteer_counter', 'a', 'stats.activeOrders'), d('negative_stock', 'g'), d('stock', 'h'), d('redeemed', 'b'), d('balance', 'z'), d('balance', 'a')].sort(byKindThenSubject);
    expect(sorted.map((x) => `${x.kind}:${x.subject}`)).toEqual(['balance:a', 'balance:z', 'redeemed:b', 'stock:h', 'negative_stock:g', 'volunteer_counter:a']);
  });

  it('on demand, one per run: the Beijing day and time to the millisecond', () => {
    expect(onDemandReconciliationId('c', new Date('2026-11-19T16:05:09.042Z'))).toBe('c:2026-11-20:000509042');
    expect(onDemandReconciliationId('c', new Date('2026-11-20T07:30:00.000Z'))).toBe('c:2026-11-20:153000000');
  });

  it('the month a run of the 1st closes is the month before', () => {
    expect(previousMonth('2026-12-01')).toBe('2026-11');
    expect(previousMonth('2027-01-02')).toBe('2026-12');
    expect(previousMonth('2026-10-01')).toBe('2026-09');
  });
});
