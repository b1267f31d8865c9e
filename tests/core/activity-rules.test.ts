import { describe, expect, it } from 'vitest';
import { activityPhase, attendanceOrder, attendedMinutes, checkInOpen, checkOutOpen, codeShown } from '../../core/activity-rules';
import type { ActivitySignup } from '../../core/model';

const at = (text: string) => new Date(text);
const activity = {
  status: 'published' as const,
  signupOpensAt: at('2026-12-01T00:00:00Z'),
  signupClosesAt: at('2026-12-11T12:00:00Z'),
  startAt: at('2026-12-12T01:00:00Z'),
  endAt: at('2026-12-12T03:00:00Z'),
};

describe('activityPhase', () => {
  it.each([
    ['2026-11-30T23:59:59Z', 'not_open'],
    ['2026-12-01T00:00:00Z', 'open'],
    ['2026-12-11T11:59:59Z', 'open'],
    ['2026-12-11T12:00:00Z', 'closed'],
    ['2026-12-12T01:00:00Z', 'ongoing'],
    ['2026-12-12T02:59:59Z', 'ongoing'],
    ['2026-12-12T03:00:00Z', 'ended'],
  ])('at %s it is %s', (now, phase) => {
    expect(activityPhase(activity, at(now))).toBe(phase);
  });

  it('a cancelled activity is cancelled whatever the time', () => {
    expect(activityPhase({ ...activity, status: 'cancelled' }, at('2026-12-05T00:00:00Z'))).toBe('cancelled');
    expect(activityPhase({ ...activity, status: 'cancelled' }, at('2027-01-01T00:00:00Z'))).toBe('cancelled');
  });
});

describe('attendance windows', () => {
  it('check-in from 30 minutes before the start until the end; the code and check-out until 2 hours after', () => {
    expect(checkInOpen(activity, at('2026-12-12T00:29:59Z'))).toBe(false);
    expect(checkInOpen(activity, at('2026-12-12T00:30:00Z'))).toBe(true);
    expect(checkInOpen(activity, at('2026-12-12T03:00:00Z'))).toBe(true);
    expect(checkInOpen(activity, at('2026-12-12T03:00:01Z'))).toBe(false);
    expect(codeShown(activity, at('2026-12-12T00:29:59Z'))).toBe(false);
    expect(codeShown(activity, at('2026-12-12T05:00:00Z'))).toBe(true);
    expect(codeShown(activity, at('2026-12-12T05:00:01Z'))).toBe(false);
    expect(checkOutOpen(activity, at('2026-12-12T05:00:00Z'))).toBe(true);
    expect(checkOutOpen(activity, at('2026-12-12T05:00:01Z'))).toBe(false);
  });
});

describe('attendedMinutes: only the scheduled time counts', () => {
  it.each([
    ['early arrival, on-time departure', '2026-12-12T00:40:00Z', '2026-12-12T03:00:00Z', 120],
    ['late arrival', '2026-12-12T01:25:00Z', '2026-12-12T03:00:00Z', 95],
    ['stays late', '2026-12-12T01:00:00Z', '2026-12-12T04:30:00Z', 120],
    ['leaves early, partial minute dropped', '2026-12-12T01:00:00Z', '2026-12-12T01:45:59Z', 45],
    ['checked out before the start', '2026-12-12T00:35:00Z', '2026-12-12T00:55:00Z', 0],
    ['checked in after the end', '2026-12-12T03:10:00Z', '2026-12-12T03:20:00Z', 0],
  ])('%s', (_case, checkIn, checkOut, minutes) => {
    expect(attendedMinutes(activity, at(checkIn), at(checkOut))).toBe(minutes);
  });
});

describe('attendanceOrder', () => {
  const signup = (id: string, status: ActivitySignup['status'], signedUpAt: string, waitSeq?: number) => ({ _id: id, status, signedUpAt: at(signedUpAt), ...(waitSeq ? { waitSeq } : {}) });

  it('places first (in sign-up order), then the waiting list in turn with positions, then withdrawals', () => {
    const sheet = attendanceOrder([
      signup('w', 'withdrawn', '2026-12-01T00:00:00Z'),
      signup('q2', 'waitlisted', '2026-12-01T00:05:00Z', 7),
      signup('b', 'attended', '2026-12-01T00:03:00Z'),
      signup('q1', 'waitlisted', '2026-12-01T00:06:00Z', 4),
      signup('a', 'no_show', '2026-12-01T00:01:00Z'),
      signup('c', 'checked_in', '2026-12-01T00:04:00Z'),
    ]);
    expect(sheet.map((s) => [s._id, s.waitPosition])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['c', undefined],
      ['q1', 1],
      ['q2', 2],
      ['w', undefined],
    ]);
  });
});
