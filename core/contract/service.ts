/**
 * Actions of the `activity`, `record` and `certificate` functions: volunteer activities, the
 * statutory service-hour records (志愿服务记录与证明出具办法 Arts. 5–13) and certificates
 * (Arts. 14–17).
 */
import { z } from 'zod';
import type { ActivityStatus, CorrectionStatus, RecordFields, ServiceRecord, SignupStatus } from '../model';
import type { StarLevel } from '../service-hours';
import { action, type Iso } from './define';
import { calendarDate, clientRequestId, id, NOT_TEXT, nonNegativeInt, optionalText, paging, type Page, positiveInt, shortText, skills } from './fields';

/** Where an activity stands, from its times (as of the reply). */
export type ActivityPhase = 'cancelled' | 'not_open' | 'open' | 'closed' | 'ongoing' | 'ended';

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
  /** The caller's own sign-up, if any. */
  mySignup?: SignupView;
}

/** The statutory record as its volunteer and staff see it. */
export type ServiceRecordView = Pick<
  ServiceRecord,
  'source' | 'ref' | 'activityName' | 'date' | 'place' | 'content' | 'minutes' | 'hours' | 'category' | 'organiser' | 'personInCharge' | 'volunteerName'
> & { id: string; version: number; createdAt: Iso; updatedAt?: Iso; pendingCorrectionId?: string };

/**
 * The volunteer's personal fields of 办法 Art. 5 that go with their records: only those they gave
 * (as consented on applying), the phone and ID number masked. Shown to the volunteer and to staff.
 */
export interface VolunteerRecordProfile {
  name: string;
  gender?: '男' | '女';
  birthDate: string;
  /** 居住区域: community and grid. */
  region: string;
  phoneMasked: string;
  idNumberMasked?: string;
  skills: string[];
  /** 服务类别 of this record's service. */
  serviceCategory?: string;
}

export interface RecordChangeView {
  id: string;
  byName: string;
  at: Iso;
  before: RecordFields;
  after: RecordFields;
  reason: string;
  correctionId?: string;
}

export interface CorrectionView {
  id: string;
  recordId: string;
  volunteerName: string;
  changes: Partial<Pick<ServiceRecord, 'minutes' | 'date' | 'place' | 'content'>>;
  reason: string;
  status: CorrectionStatus;
  requestedAt: Iso;
  reviewedByName?: string;
  reviewedAt?: Iso;
  reviewNote?: string;
}

export interface RecordTotals {
  hours: number;
  count: number;
  level: StarLevel;
}

/** A service given 8 or more working days ago that still has no record (the limit is 10). */
export interface RecordAlertView {
  kind: 'order' | 'activity';
  /** The order id, or the activity id. */
  ref: string;
  title: string;
  volunteerName: string;
  serviceDate: string;
  deadline: string;
  /** Working days left until the deadline (0 on the day, negative when late). */
  workingDaysLeft: number;
  /** What staff should do: 去评分 for an order, 为志愿者签退 for an activity. */
  todo: string;
}

export interface CertificateView {
  /** The verification code, and as printed (ABCD-EFGH-JKLM). */
  code: string;
  printedCode: string;
  volunteerName: string;
  /** 记录单位 (Art. 15). */
  communityName: string;
  from: string;
  to: string;
  totalHours: number;
  recordCount: number;
  content: Array<{ activityName: string; hours: number; count: number }>;
  issuedAt: Iso;
  /** A record it counts was corrected after issue: a new certificate shows the current totals. */
  superseded: boolean;
}

/** What anyone holding a certificate's code may see: the totals and the name, nothing else. */
export type CertificateCheck = Omit<CertificateView, 'code'>;

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

const recordId = z.string().trim().min(1, { error: '缺少记录编号' }).max(200, { error: '记录编号过长' }).meta(NOT_TEXT);

/** Minutes of service a correction may claim for one record: at most a day. */
const correctedMinutes = z
  .number({ error: '服务时长必须是数字' })
  .int({ error: '服务时长请填写整数分钟' })
  .min(0, { error: '服务时长不能为负数' })
  .max(24 * 60, { error: '一条记录的服务时长不能超过 24 小时' });

export const serviceActions = {
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
  'activity.signUp': action<ActivityView & { mySignup: SignupView }>()({ roles: ['volunteer'], input: z.object({ activityId: id }) }),
  /** Gives up my place (before the withdrawal cut-off); the first on the waiting list takes it. */
  'activity.withdraw': action<ActivityView & { mySignup: SignupView }>()({ roles: ['volunteer'], input: z.object({ activityId: id }) }),
  /** The code staff show for check-in and check-out; it changes every minute. */
  'activity.code': action<{ code: string; rotatesAt: Iso }>()({ roles: ['staff'], input: z.object({ activityId: id }) }),
  'activity.checkIn': action<ActivityView & { mySignup: SignupView }>()({
    roles: ['volunteer'],
    input: z.object({ activityId: id, code: attendanceCode }),
  }),
  /** Checks out and writes the service record (and the activity's points) in one transaction. */
  'activity.checkOut': action<ActivityView & { mySignup: SignupView; record: ServiceRecordView }>()({
    roles: ['volunteer'],
    input: z.object({ activityId: id, code: attendanceCode }),
  }),
  /** Everyone signed up, for the staff attendance sheet (waiting list in order). */
  'activity.attendance': action<{ activity: ActivityView; signups: SignupView[] }>()({ roles: ['staff'], input: z.object({ activityId: id }) }),
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
  }),

  /** My records and totals (with my star level), newest service first; optionally within dates. */
  'record.mine': action<{ totals: RecordTotals; records: Page<ServiceRecordView> }>()({
    roles: ['registered'],
    input: z.object({ from: calendarDate('开始日期').optional(), to: calendarDate('结束日期').optional(), ...paging }),
  }),
  /** One record with every change made to it and its correction requests (its volunteer, or staff). */
  'record.get': action<{ record: ServiceRecordView; changes: RecordChangeView[]; corrections: CorrectionView[]; volunteer: VolunteerRecordProfile | null }>()({
    roles: ['registered'],
    input: z.object({ recordId }),
  }),
  'record.requestCorrection': action<CorrectionView>()({
    roles: ['registered'],
    input: z
      .object({
        recordId,
        minutes: correctedMinutes.optional(),
        // Records began with this system: a year-0000 date is a typing slip, not a service.
        date: calendarDate('服务日期').refine((value) => value >= '2000-01-01', { error: '服务日期无效' }).optional(),
        place: shortText('服务地点', 60).optional(),
        content: shortText('服务内容', 500).optional(),
        reason: shortText('更正理由', 200),
        clientRequestId,
      })
      .refine((input) => input.minutes !== undefined || input.date !== undefined || input.place !== undefined || input.content !== undefined, {
        error: '请至少填写一项要更正的内容',
      }),
  }),
  'record.corrections': action<Page<CorrectionView & { record: ServiceRecordView }>>()({
    roles: ['staff'],
    input: z.object({ status: z.enum(['pending', 'approved', 'rejected'], { error: '状态只能是待审核、已通过或未通过' }).optional(), ...paging }),
  }),
  'record.reviewCorrection': action<{ correction: CorrectionView; record: ServiceRecordView }>()({
    roles: ['staff'],
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ correctionId: id, decision: z.literal('approve'), note: optionalText('审核意见', 200) }),
        z.object({ correctionId: id, decision: z.literal('reject'), note: z.string({ error: '请填写不通过的原因' }).pipe(shortText('不通过的原因', 200)) }),
      ],
      { error: '请选择审核结果：通过或不通过' },
    ),
  }),
  /** Services still without a record 8+ working days on, the most urgent first. */
  'record.alerts': action<RecordAlertView[]>()({ roles: ['staff'], input: z.object({}) }),

  /** Issues my certificate for a period (free, at once); asking again with the same request id returns it. */
  'certificate.request': action<CertificateView>()({
    roles: ['registered'],
    input: z
      .object({ from: calendarDate('开始日期'), to: calendarDate('结束日期'), clientRequestId })
      .refine((input) => input.from <= input.to, { error: '开始日期不能晚于结束日期', path: ['to'] }),
  }),
  'certificate.mine': action<Page<CertificateView>>()({ roles: ['registered'], input: z.object({ ...paging }) }),
  /** Anyone, without logging in: the certificate's totals and name for its code. */
  'certificate.verify': action<CertificateCheck>()({
    roles: ['anyone'],
    input: z.object({ code: z.string({ error: '请输入证明上的验证码' }).trim().min(1, { error: '请输入证明上的验证码' }).max(40, { error: '验证码过长' }).meta(NOT_TEXT) }),
  }),
} as const;
