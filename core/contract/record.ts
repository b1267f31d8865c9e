/**
 * Actions of the `record` function: the statutory service-hour records (志愿服务记录与证明出具办法
 * Arts. 5–13), their corrections and the alerts for services still without one.
 */
import { z } from 'zod';
import { COLLECTIONS, type CorrectionStatus, type RecordFields, type ServiceRecord } from '../model';
import type { StarLevel } from '../volunteer-hours';
import { action, byId, type Iso } from './define';
import { calendarDate, clientRequestId, id, NOT_TEXT, optionalText, paging, type Page, shortText } from './fields';
import { holidayActions } from './holidays';

/** What someone may do with a service record: its volunteer asks for a correction (record.requestCorrection). */
export type RecordCommand = 'requestCorrection';

/** What someone may do with a correction request: staff decide it (record.reviewCorrection). */
export type CorrectionCommand = 'review';

/** The statutory record as its volunteer and staff see it. */
export type ServiceRecordView = Pick<
  ServiceRecord,
  'source' | 'ref' | 'activityName' | 'date' | 'place' | 'content' | 'minutes' | 'hours' | 'category' | 'organiser' | 'personInCharge' | 'volunteerName'
> & {
  id: string;
  version: number;
  createdAt: Iso;
  updatedAt?: Iso;
  pendingCorrectionId?: string;
  /** What the caller may do with it now, so pages need not re-implement the rules. */
  allowed: RecordCommand[];
};

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
  /**
   * What the caller may do with it now. Staff other than its volunteer review a pending one; who
   * admitted the volunteer is refused by the action (it reads the volunteer's record).
   */
  allowed: CorrectionCommand[];
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

const recordId = z.string().trim().min(1, { error: '缺少记录编号' }).max(200, { error: '记录编号过长' }).meta(NOT_TEXT);

/** Minutes of service a correction may claim for one record: at most a day. */
const correctedMinutes = z
  .number({ error: '服务时长必须是数字' })
  .int({ error: '服务时长请填写整数分钟' })
  .min(0, { error: '服务时长不能为负数' })
  .max(24 * 60, { error: '一条记录的服务时长不能超过 24 小时' });

export const recordActions = {
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
    reads: (input) => ({ correction: byId(COLLECTIONS.recordCorrections, input.correctionId) }),
  }),
  /** Services still without a record 8+ working days on, the most urgent first. */
  'record.alerts': action<RecordAlertView[]>()({ roles: ['staff'], input: z.object({}) }),
  ...holidayActions,
} as const;
