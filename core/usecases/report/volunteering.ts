/**
 * 志愿服务时长台账 (every service record dated in the period, the statute's fields) and 活动签到表
 * (every activity starting in the period, one row per volunteer who held a place: check-in,
 * check-out and the hours recorded). Neither belongs to a grid: a volunteer serves anywhere in
 * the community, and an activity is the community's.
 */
import { RECORD_SOURCE_TEXT, SIGNUP_STATUS_TEXT } from '../../labels';
import { type Activity, type ActivitySignup, COLLECTIONS, type ServiceRecord, type SignupStatus, type Volunteer } from '../../model';
import { keysetScan, type OrderBy } from '../shared/paging';
import { joined, ledger, maskedIdNumber, maskedPhone, PAGE_SIZE, type ReportContext } from './ledger';

const BY_DATE: OrderBy = [
  ['date', 'asc'],
  ['_id', 'asc'],
];

type RecordRow = ServiceRecord & { volunteer: Volunteer[] };

export const volunteerHoursLedger = ledger<RecordRow>({
  title: '志愿服务时长台账',
  byGrid: false,
  source({ deps, community, period }) {
    const records = deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
    const where = { communityId: community._id, date: { gte: period.firstDay } };
    return keysetScan<RecordRow>(
      (after, limit) =>
        records.findJoined<{ volunteer: Volunteer }>(where, { orderBy: BY_DATE, after, limit }, { volunteer: { from: COLLECTIONS.volunteers, localField: 'openid', foreignField: '_id' } }),
      BY_DATE,
      PAGE_SIZE,
      (record) => record.date > period.lastDay,
    );
  },
  columns: [
    { header: '服务日期', width: 12, type: 'date', cell: (record) => record.date },
    { header: '志愿者', width: 10, type: 'text', cell: (record) => record.volunteerName },
    { header: '手机号', width: 13, type: 'text', cell: (record) => maskedPhone(joined(record.volunteer)?.phone) },
    { header: '身份证号', width: 20, type: 'text', cell: (record) => maskedIdNumber(joined(record.volunteer)?.idNumber) },
    { header: '服务类别', width: 10, type: 'text', cell: (record) => record.category },
    { header: '项目名称', width: 16, type: 'text', cell: (record) => record.activityName },
    // An order's record holds the volunteer's own summary of a visit to a resident's home (it may name
    // them or their door): the service stands for it. An activity's content is the organisers'.
    { header: '服务内容', width: 24, type: 'text', cell: (record) => (record.source === 'order' ? record.activityName : record.content) },
    { header: '服务地点', width: 18, type: 'text', cell: (record) => record.place },
    { header: '服务时长（分钟）', width: 10, type: 'integer', cell: (record) => record.minutes },
    { header: '服务时长（小时）', width: 10, type: 'decimal', cell: (record) => record.hours },
    { header: '来源', width: 9, type: 'text', cell: (record) => RECORD_SOURCE_TEXT[record.source] },
    { header: '组织单位', width: 16, type: 'text', cell: (record) => record.organiser },
    { header: '负责人', width: 10, type: 'text', cell: (record) => record.personInCharge },
    { header: '记录编号', width: 30, type: 'text', cell: (record) => record._id },
  ],
});

const BY_START: OrderBy = [
  ['startAt', 'asc'],
  ['_id', 'asc'],
];
const BY_ID: OrderBy = [['_id', 'asc']];
/** Activities per read; each brings its sign-ups in reads of their own. */
const ACTIVITY_PAGE_SIZE = 50;
/** Sign-ups per read: each brings the volunteer's record and their service record. */
const SIGNUP_PAGE_SIZE = 200;
/** Who held a place: not those who withdrew, nor those still waiting when it began. */
const HELD_A_PLACE: readonly SignupStatus[] = ['enrolled', 'checked_in', 'attended', 'no_show'];

type SignupRow = ActivitySignup & { volunteer: Volunteer[]; record: ServiceRecord[]; activity: Activity };

async function* attendanceRows({ deps, community, period }: ReportContext): AsyncGenerator<SignupRow> {
  const activities = deps.store.collection<Activity>(COLLECTIONS.activities);
  const signups = deps.store.collection<ActivitySignup>(COLLECTIONS.activitySignups);
  const inPeriod = { communityId: community._id, startAt: { gte: period.start } };
  const omit = ['attendanceSecret', 'waitTokens', 'codeShownTo', 'content', 'pendingRuleChange'];
  const startsAfter = (activity: Activity) => new Date(activity.startAt).getTime() >= period.end.getTime();
  for await (const activity of keysetScan<Activity>((after, limit) => activities.find(inPeriod, { orderBy: BY_START, after, limit, omit }), BY_START, ACTIVITY_PAGE_SIZE, startsAfter)) {
    // A cancelled activity took no attendance.
    if (activity.status === 'cancelled') continue;
    const where = { activityId: activity._id, status: { in: HELD_A_PLACE } };
    const rows = keysetScan(
      (after, limit) =>
        signups.findJoined<{ volunteer: Volunteer; record: ServiceRecord }>(
          where,
          { orderBy: BY_ID, after, limit },
          {
            volunteer: { from: COLLECTIONS.volunteers, localField: 'openid', foreignField: '_id' },
            record: { from: COLLECTIONS.serviceRecords, localField: 'recordId', foreignField: '_id' },
          },
        ),
      BY_ID,
      SIGNUP_PAGE_SIZE,
    );
    for await (const signup of rows) yield { ...signup, activity };
  }
}

export const attendanceLedger = ledger<SignupRow>({
  title: '活动签到表',
  byGrid: false,
  source: attendanceRows,
  columns: [
    { header: '活动名称', width: 18, type: 'text', cell: (row) => row.activity.name },
    { header: '开始时间', width: 17, type: 'datetime', cell: (row) => row.activity.startAt },
    { header: '结束时间', width: 17, type: 'datetime', cell: (row) => row.activity.endAt },
    { header: '活动地点', width: 18, type: 'text', cell: (row) => row.activity.place },
    { header: '负责人', width: 10, type: 'text', cell: (row) => row.activity.personInCharge },
    { header: '志愿者', width: 10, type: 'text', cell: (row) => row.volunteerName },
    { header: '手机号', width: 13, type: 'text', cell: (row) => maskedPhone(joined(row.volunteer)?.phone) },
    { header: '报名时间', width: 17, type: 'datetime', cell: (row) => row.signedUpAt },
    { header: '状态', width: 9, type: 'text', cell: (row) => SIGNUP_STATUS_TEXT[row.status] },
    { header: '签到时间', width: 17, type: 'datetime', cell: (row) => row.checkInAt },
    { header: '签退时间', width: 17, type: 'datetime', cell: (row) => row.checkOutAt },
    // As recorded (after any correction), under the community's rounding rule.
    { header: '服务时长（小时）', width: 10, type: 'decimal', cell: (row) => joined(row.record)?.hours },
  ],
});
