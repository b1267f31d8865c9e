/** The write condition every order transition uses: the order exactly as it was read. */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../core/model';
import { matchesWhere } from '../../core/where';
import { unchangedSince } from '../../core/usecases/order-transitions';

const at = new Date('2026-12-01T02:00:00Z');
const event = (from: Order['status'] | null, to: Order['status']) => ({ at, by: 'someone', from, to });

describe('unchangedSince', () => {
  const read = { _id: 'o1', status: 'pending', events: [event(null, 'pending')] } as Pick<Order, '_id' | 'status' | 'events'>;

  it('matches the order as read', () => {
    expect(matchesWhere(read as unknown as Record<string, unknown>, unchangedSince(read))).toBe(true);
  });

  it('refuses the same status reached again in between (assigned, then declined back to pending)', () => {
    const meanwhile = { ...read, events: [...read.events, event('pending', 'assigned'), event('assigned', 'pending')] };
    expect(matchesWhere(meanwhile as unknown as Record<string, unknown>, unchangedSince(read))).toBe(false);
  });

  it('refuses another status and another order', () => {
    expect(matchesWhere({ ...read, status: 'cancelled' } as unknown as Record<string, unknown>, unchangedSince(read))).toBe(false);
    expect(matchesWhere({ ...read, _id: 'o2' } as unknown as Record<string, unknown>, unchangedSince(read))).toBe(false);
  });
});
