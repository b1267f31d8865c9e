/** Actions of the `activity` function: volunteer activities, sign-up and its waiting list, attendance. */
import { z } from 'zod';
import { type ActivityStatus, COLLECTIONS, type SignupStatus, signupIdOf } from '../model';
import { action, byId, type Iso } from './define';
import { clientRequestId, id, nonNegativeInt, optionalText, paging, type Page, positiveInt, shortText, skills } from './fields';
import type { ServiceRecordView } from './record';

/** Where an activity stands, from its times (as of the reply). */
export type ActivityPhase = 'cancelled' | 'not_open' | 'open' | 'closed' | 'ongoing' | 'ended';

/**
 * What someone may do with an activity, named after the actions (`attendance` covers the sheet, the
 * code and the marks: 签到管理).
 */
export type ActivityCommand = 'signUp' | 'withdraw' | 'checkIn' | 'checkOut' | 'update' | 'cancel' | 'attendance';

/** What staff record for a volunteer on the attendance sheet (activity.mark). */
export type AttendanceMark = 'check_in' | 'check_out' | 'no_show';

export interface SignupView {
  activityId: string;
  openid: string;
  volunteerName: string;
  status: SignupStatus;
  /** 1 for the first on the waiting list (only while waitlisted, and only where it was counted). */
  waitPosition?: number;
  signedUpAt: Iso;
  checkInAt?: Iso;
  checkOutAt?: Iso;
  recordId?: string;
  /** Hours recorded for it (after check-out). */
  hours?: number;
  /** Love points the check-out posted (only on the volunteer's own sign-up, once attended). */
  points?: number;
}

export interface ActivityView {
  id: string;
  name: string;
  content: string;
  place: string;
  startAt: Iso;
  endAt: Iso;
  organiser: string;
  personInCharge: string;
  capacity: number;
  skills: string[];
  /** What an hour pays now (approved by a second staff member). */
  pointsPerHour: number;
  /** A new rate waiting for approval. */
  pendingPointsPerHour?: number;
  signupOpensAt: Iso;
  signupClosesAt: Iso;
  withdrawClosesAt: Iso;
  status: ActivityStatus;
  phase: ActivityPhase;
  enrolled: number;
  waitlisted: number;
  cancelReason?: string;
  /** When the attendance code starts to be accepted for check-in (before the start)… */
  checkInOpensAt: Iso;
  /** …and until when it is accepted for check-out (after the end). */
  checkOutClosesAt: Iso;
  /**
   * What the caller may do now, so pages need not re-implement the rules. It follows from the
   * activity's status and times, the caller's sign-up and roles; refusals that depend on more (a
   * skill the volunteer lacks, a code typed wrong too often) stay the action's, with its message.
   */
  allowed: ActivityCommand[];
  /** The caller's own sign-up, if any. */
  mySignup?: SignupView;
}

/** A row of the attendance sheet, with the marks the caller may record for it now. */
export type SheetRow = SignupView & { allowed: AttendanceMark[] };

const isoTime = (label: string) => z.iso.datetime({ offset: true, error: `${label}格式无效` });

const activityFields = {
  name: shortText('活动名称', 40),
  content: shortText('服务内容', 500),
  place: shortText('活动地点', 60),
  startAt: isoTime('开始时间'),
  endAt: isoTime('结束时间'),
  /** Default: the community's name. */
  organiser: optionalText('组织单位', 60),
  /** Default: the staff member creating it. */
  personInCharge: optionalText('活动负责人', 20),
  capacity: positiveInt('招募人数', 1000),
  skills: skills.optional(),
  pointsPerHour: nonNegativeInt('每小时积分', 100),
  /** Default: now. */
  signupOpensAt: isoTime('报名开始时间').optional(),
  /** Default: the start. */
  signupClosesAt: isoTime('报名截止时间').optional(),
  /** Default: when sign-up closes. */
  withdrawClosesAt: isoTime('取消报名截止时间').optional(),
};

const ms = (value: string) => new Date(value).getTime();
const MAX_ACTIVITY_MS = 24 * 60 * 60 * 1000;

/** The order of an activity's times, checked wherever they are given (and by the use cases on the merged times). */
export function activityTimesProblems(
  input: Partial<Record<'startAt' | 'endAt' | 'signupOpensAt' | 'signupClosesAt' | 'withdrawClosesAt', string>>,
): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const { startAt, endAt, signupOpensAt, signupClosesAt, withdrawClosesAt } = input;
  if (startAt && endAt && ms(endAt) <= ms(startAt)) problems.push({ path: 'endAt', message: '结束时间应晚于开始时间' });
  // A record is one day's service: a longer event is published day by day.
  if (startAt && endAt && ms(endAt) - ms(startAt) > MAX_ACTIVITY_MS) problems.push({ path: 'endAt', message: '一次活动不能超过 24 小时，多日活动请按天分别发布' });
  if (signupOpensAt && signupClosesAt && ms(signupClosesAt) <= ms(signupOpensAt)) problems.push({ path: 'signupClosesAt', message: '报名截止时间应晚于报名开始时间' });
  if (signupClosesAt && endAt && ms(signupClosesAt) > ms(endAt)) problems.push({ path: 'signupClosesAt', message: '报名截止时间不能晚于活动结束' });
  if (withdrawClosesAt && endAt && ms(withdrawClosesAt) > ms(endAt)) problems.push({ path: 'withdrawClosesAt', message: '取消报名截止时间不能晚于活动结束' });
  return problems;
}

const withTimeChecks = <T extends z.ZodObject>(schema: T) =>
  schema.superRefine((input, ctx) => {
    for (const problem of activityTimesProblems(input as Record<string, string>)) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
  });

const attendanceCode = z
  .string({ error: '请输入签到码' })
  .trim()
  .regex(/^\d{6}$/, { error: '签到码是 6 位数字' });

/** The activity and someone's sign-up for it (the caller's, unless the input names a volunteer), read with the caller. */
const readsActivityAndSignup = (input: { activityId: string; openid?: string }, caller: string) => ({
  activity: byId(COLLECTIONS.activities, input.activityId),
  signup: byId(COLLECTIONS.activitySignups, signupIdOf(input.activityId, input.openid ?? caller)),
});

export const activityActions = {
  /** Activities of my community: upcoming first (soonest first), or past ones (latest first). */
  'activity.list': action<Page<ActivityView>>()({
    roles: ['registered'],
    input: z.object({ when: z.enum(['upcoming', 'past'], { error: '只能查看即将开始或已结束的活动' }).optional(), ...paging }),
  }),
  'activity.get': action<ActivityView>()({ roles: ['registered'], input: z.object({ activityId: id }) }),
  /** The activities I signed up for (any status), newest sign-up first. */
  'activity.mine': action<Page<ActivityView & { mySignup: SignupView }>>()({ roles: ['registered'], input: z.object({ ...paging }) }),
  'activity.create': action<ActivityView>()({
    roles: ['staff'],
    input: withTimeChecks(z.object({ ...activityFields, clientRequestId })),
  }),
  /** Changes what is given; capacity cannot drop below those enrolled, and raising it admits the waiting list. */
  'activity.update': action<ActivityView>()({
    roles: ['staff'],
    input: withTimeChecks(
      z.object({
        activityId: id,
        name: activityFields.name.optional(),
        content: activityFields.content.optional(),
        place: activityFields.place.optional(),
        startAt: activityFields.startAt.optional(),
        endAt: activityFields.endAt.optional(),
        organiser: activityFields.organiser,
        personInCharge: activityFields.personInCharge,
        capacity: activityFields.capacity.optional(),
        skills: activityFields.skills,
        pointsPerHour: activityFields.pointsPerHour.optional(),
        signupOpensAt: activityFields.signupOpensAt,
        signupClosesAt: activityFields.signupClosesAt,
        withdrawClosesAt: activityFields.withdrawClosesAt,
      }),
    ),
  }),
  'activity.cancel': action<ActivityView>()({
    roles: ['staff'],
    input: z.object({ activityId: id, reason: shortText('取消原因', 200) }),
  }),
  /** Enrols, or puts me on the waiting list when it is full. Signing up again returns my place. */
  'activity.signUp': action<ActivityView & { mySignup: SignupView }>()({ roles: ['volunteer'], input: z.object({ activityId: id }), reads: readsActivityAndSignup }),
  /** Gives up my place (before the withdrawal cut-off); the first on the waiting list takes it. */
  'activity.withdraw': action<ActivityView & { mySignup: SignupView }>()({ roles: ['volunteer'], input: z.object({ activityId: id }), reads: readsActivityAndSignup }),
  /** The code staff show for check-in and check-out; it changes every minute. */
  'activity.code': action<{ code: string; rotatesAt: Iso }>()({ roles: ['staff'], input: z.object({ activityId: id }) }),
  'activity.checkIn': action<ActivityView & { mySignup: SignupView }>()({
    roles: ['volunteer'],
    input: z.object({ activityId: id, code: attendanceCode }),
    reads: readsActivityAndSignup,
  }),
  /** Checks out and writes the service record (and the activity's points) in one transaction. */
  'activity.checkOut': action<ActivityView & { mySignup: SignupView; record: ServiceRecordView }>()({
    roles: ['volunteer'],
    input: z.object({ activityId: id, code: attendanceCode }),
    reads: readsActivityAndSignup,
  }),
  /** Everyone signed up, for the staff attendance sheet (waiting list in order). */
  'activity.attendance': action<{ activity: ActivityView; signups: SheetRow[] }>()({ roles: ['staff'], input: z.object({ activityId: id }) }),
  /**
   * Staff record attendance for a volunteer (no phone, code not working): check in or out at a
   * given time (default now), or mark a no-show after the start.
   */
  'activity.mark': action<{ signup: SignupView; record?: ServiceRecordView }>()({
    roles: ['staff'],
    input: z.object({
      activityId: id,
      openid: id,
      mark: z.enum(['check_in', 'check_out', 'no_show'], { error: '请选择签到、签退或未到' }),
      at: isoTime('时间').optional(),
    }),
    reads: (input, caller) => ({ ...readsActivityAndSignup(input, caller), volunteer: byId(COLLECTIONS.volunteers, input.openid) }),
  }),
} as const;
