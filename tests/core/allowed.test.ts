/**
 * What the views say a caller may do (`allowed`), on the pure rules: an activity's commands and
 * attendance marks (core/activity-rules.ts), a record's and a correction's (their views). The
 * pages show and hide their buttons from these alone, so they must say what the actions accept.
 */
import { describe, expect, it } from 'vitest';
import { activityCommands, attendanceMarks, type ActivityViewer, signUpOpen } from '../../core/activity-rules';
import type { Activity, RecordCorrection, ServiceRecord, SignupStatus, User } from '../../core/model';
import type { Caller } from '../../core/ports';
import { activityView } from '../../core/usecases/activity/views';
import { signUpRefusal } from '../../core/usecases/activity/places';
import { recordView } from '../../core/usecases/record-support';
import { correctionView } from '../../core/usecases/record/views';

const at = (text: string) => new Date(text);
const activity = {
  status: 'published' as Activity['status'],
  signupOpensAt: at('2026-12-01T00:00:00Z'),
  signupClosesAt: at('2026-12-11T12:00:00Z'),
  withdrawClosesAt: at('2026-12-10T12:00:00Z'),
  startAt: at('2026-12-12T01:00:00Z'),
  endAt: at('2026-12-12T03:00:00Z'),
};
const cancelled = { ...activity, status: 'cancelled' as const };

const volunteer: ActivityViewer = { volunteer: true, staff: false };
const staff: ActivityViewer = { volunteer: false, staff: true };
const resident: ActivityViewer = { volunteer: false, staff: false };
const signup = (status: SignupStatus) => ({ status });

describe('activityCommands: a volunteer', () => {
  it.each([
    ['before sign-up opens', '2026-11-30T23:59:59Z', []],
    ['while sign-up is open', '2026-12-01T00:00:00Z', ['signUp']],
    ['once sign-up has closed', '2026-12-11T12:00:00Z', []],
  ])('without a sign-up, %s', (_when, now, commands) => {
    expect(activityCommands(activity, null, volunteer, at(now))).toEqual(commands);
  });

  it('signs up past the start when staff kept sign-up open that long, never after the end', () => {
    const lateSignUp = { ...activity, signupClosesAt: activity.endAt };
    expect(activityCommands(lateSignUp, null, volunteer, at('2026-12-12T02:00:00Z'))).toEqual(['signUp']);
    expect(activityCommands(lateSignUp, null, volunteer, at('2026-12-12T03:00:00Z'))).toEqual([]);
  });

  it('signs up again after withdrawing or being marked absent, not while holding or waiting for a place', () => {
    const open = at('2026-12-05T00:00:00Z');
    expect(activityCommands(activity, signup('withdrawn'), volunteer, open)).toEqual(['signUp']);
    expect(activityCommands(activity, signup('no_show'), volunteer, open)).toEqual(['signUp']);
    expect(activityCommands(activity, signup('enrolled'), volunteer, open)).toEqual(['withdraw']);
    expect(activityCommands(activity, signup('waitlisted'), volunteer, open)).toEqual(['withdraw']);
  });

  it('withdraws until the withdrawal cut-off', () => {
    expect(activityCommands(activity, signup('enrolled'), volunteer, at('2026-12-10T11:59:59Z'))).toEqual(['withdraw']);
    expect(activityCommands(activity, signup('enrolled'), volunteer, at('2026-12-10T12:00:00Z'))).toEqual([]);
    expect(activityCommands(activity, signup('waitlisted'), volunteer, at('2026-12-10T12:00:00Z'))).toEqual([]);
  });

  it('checks in from 30 minutes before the start until the end, once enrolled', () => {
    expect(activityCommands(activity, signup('enrolled'), volunteer, at('2026-12-12T00:29:59Z'))).toEqual([]);
    expect(activityCommands(activity, signup('enrolled'), volunteer, at('2026-12-12T00:30:00Z'))).toEqual(['checkIn']);
    expect(activityCommands(activity, signup('enrolled'), volunteer, at('2026-12-12T03:00:00Z'))).toEqual(['checkIn']);
    expect(activityCommands(activity, signup('enrolled'), volunteer, at('2026-12-12T03:00:01Z'))).toEqual([]);
    expect(activityCommands(activity, signup('waitlisted'), volunteer, at('2026-12-12T01:30:00Z'))).toEqual([]);
  });

  it('checks out until 2 hours after the end, once checked in', () => {
    expect(activityCommands(activity, signup('checked_in'), volunteer, at('2026-12-12T05:00:00Z'))).toEqual(['checkOut']);
    expect(activityCommands(activity, signup('checked_in'), volunteer, at('2026-12-12T05:00:01Z'))).toEqual([]);
    expect(activityCommands(activity, signup('attended'), volunteer, at('2026-12-12T03:30:00Z'))).toEqual([]);
  });

  it('does nothing with a cancelled activity', () => {
    for (const status of ['enrolled', 'waitlisted', 'checked_in', 'withdrawn'] as const) {
      for (const now of ['2026-12-05T00:00:00Z', '2026-12-12T01:30:00Z']) expect(activityCommands(cancelled, signup(status), volunteer, at(now))).toEqual([]);
    }
  });

  it('is offered sign-up exactly when the action takes one', () => {
    const stored = { ...activity, _id: 'a1', name: '楼道清洁', cancelReason: '下雨' } as Activity;
    const times = ['2026-11-30T23:59:59Z', '2026-12-01T00:00:00Z', '2026-12-11T11:59:59Z', '2026-12-11T12:00:00Z', '2026-12-12T02:00:00Z', '2026-12-12T03:00:00Z'];
    for (const candidate of [stored, { ...stored, status: 'cancelled' as const }, { ...stored, signupClosesAt: stored.endAt }]) {
      for (const now of times.map(at)) {
        expect(signUpOpen(candidate, now)).toBe(signUpRefusal(candidate, now) === null);
        expect(activityCommands(candidate, null, volunteer, now).includes('signUp')).toBe(signUpRefusal(candidate, now) === null);
      }
    }
  });
});

describe('activityCommands: staff and residents', () => {
  it('staff change or cancel it until it ends or is cancelled, and always see its attendance', () => {
    expect(activityCommands(activity, null, staff, at('2026-12-05T00:00:00Z'))).toEqual(['update', 'cancel', 'attendance']);
    expect(activityCommands(activity, null, staff, at('2026-12-12T02:00:00Z'))).toEqual(['update', 'cancel', 'attendance']);
    expect(activityCommands(activity, null, staff, at('2026-12-12T03:00:00Z'))).toEqual(['attendance']);
    expect(activityCommands(cancelled, null, staff, at('2026-12-05T00:00:00Z'))).toEqual(['attendance']);
  });

  it('staff who also volunteer get both', () => {
    expect(activityCommands(activity, signup('enrolled'), { volunteer: true, staff: true }, at('2026-12-12T00:45:00Z'))).toEqual(['checkIn', 'update', 'cancel', 'attendance']);
  });

  it('a resident who is not a volunteer may do nothing with it', () => {
    expect(activityCommands(activity, null, resident, at('2026-12-05T00:00:00Z'))).toEqual([]);
  });
});

describe('attendanceMarks', () => {
  const person = (status: SignupStatus, openid = 'v1') => ({ status, openid });

  it('before check-in opens: nothing for someone enrolled', () => {
    expect(attendanceMarks(activity, person('enrolled'), 'staff1', at('2026-12-12T00:29:59Z'))).toEqual([]);
  });

  it('from check-in: check in; from the start also mark absent; someone absent who turns up is checked in', () => {
    expect(attendanceMarks(activity, person('enrolled'), 'staff1', at('2026-12-12T00:30:00Z'))).toEqual(['check_in']);
    expect(attendanceMarks(activity, person('enrolled'), 'staff1', at('2026-12-12T01:00:00Z'))).toEqual(['check_in', 'no_show']);
    expect(attendanceMarks(activity, person('no_show'), 'staff1', at('2026-12-12T01:30:00Z'))).toEqual(['check_in']);
    expect(attendanceMarks(activity, person('enrolled'), 'staff1', at('2026-12-12T04:00:00Z'))).toEqual(['no_show']);
  });

  it('check out whoever checked in, even once the activity is cancelled', () => {
    expect(attendanceMarks(activity, person('checked_in'), 'staff1', at('2026-12-13T00:00:00Z'))).toEqual(['check_out']);
    expect(attendanceMarks(cancelled, person('checked_in'), 'staff1', at('2026-12-12T01:30:00Z'))).toEqual(['check_out']);
    expect(attendanceMarks(cancelled, person('enrolled'), 'staff1', at('2026-12-12T01:30:00Z'))).toEqual([]);
  });

  it('nothing for the waiting list, those who withdrew or are done, nor for the staff member themselves', () => {
    const during = at('2026-12-12T01:30:00Z');
    for (const status of ['waitlisted', 'withdrawn', 'attended'] as const) expect(attendanceMarks(activity, person(status), 'staff1', during)).toEqual([]);
    expect(attendanceMarks(activity, person('enrolled', 'staff1'), 'staff1', during)).toEqual([]);
    expect(attendanceMarks(activity, person('checked_in', 'staff1'), 'staff1', during)).toEqual([]);
  });
});

const callerOf = (openid: string, roles: Array<'staff' | 'volunteer' | 'resident'>, communityId = 'c1'): Caller => ({
  openid,
  roles: new Set(roles),
  user: { _id: openid, communityId } as User,
  volunteer: null,
  volunteerStatus: roles.includes('volunteer') ? 'approved' : null,
  communityId,
  community: null,
  points: null,
});

describe('activityView', () => {
  const stored = { ...activity, _id: 'a1', communityId: 'c1', capacity: 5, enrolled: 0, waitlisted: 0, skills: [] } as unknown as Activity;

  it('carries the check-in and check-out times and what the caller may do', () => {
    const view = activityView(stored, callerOf('s1', ['staff']), at('2026-12-05T00:00:00Z'), null);
    expect(view).toMatchObject({ checkInOpensAt: '2026-12-12T00:30:00.000Z', checkOutClosesAt: '2026-12-12T05:00:00.000Z', allowed: ['update', 'cancel', 'attendance'] });
  });

  it('staff of another community are not its staff', () => {
    expect(activityView(stored, callerOf('s2', ['staff'], 'c2'), at('2026-12-05T00:00:00Z'), null).allowed).toEqual([]);
  });
});

describe('records and corrections', () => {
  const record = { _id: 'r1', openid: 'v1', communityId: 'c1', createdAt: at('2026-12-01T00:00:00Z') } as ServiceRecord;
  const correction = { _id: 'rc1', recordId: 'r1', openid: 'v1', communityId: 'c1', status: 'pending', changes: {}, requestedAt: at('2026-12-02T00:00:00Z') } as unknown as RecordCorrection;

  it('its volunteer may ask for a correction of a record while none waits for review; nobody else', () => {
    expect(recordView(record, callerOf('v1', ['volunteer'])).allowed).toEqual(['requestCorrection']);
    expect(recordView({ ...record, pendingCorrectionId: 'rc1' }, callerOf('v1', ['volunteer'])).allowed).toEqual([]);
    expect(recordView(record, callerOf('s1', ['staff'])).allowed).toEqual([]);
  });

  it('staff of its community review a pending correction, not their own, not another community’s, not one decided', () => {
    expect(correctionView(correction, callerOf('s1', ['staff'])).allowed).toEqual(['review']);
    expect(correctionView({ ...correction, openid: 's1' }, callerOf('s1', ['staff', 'volunteer'])).allowed).toEqual([]);
    expect(correctionView(correction, callerOf('s2', ['staff'], 'c2')).allowed).toEqual([]);
    expect(correctionView({ ...correction, status: 'approved' }, callerOf('s1', ['staff'])).allowed).toEqual([]);
    expect(correctionView(correction, callerOf('v1', ['volunteer'])).allowed).toEqual([]);
  });
});
