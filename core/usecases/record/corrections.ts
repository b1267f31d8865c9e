/**
 * Corrections: a volunteer asks for one on their record, a staff member other than them (and other
 * than who admitted them) reviews it, and every change is kept (who, when, before, after).
 */
import { digestId } from '../../digest';
import { admittedVolunteer } from '../../admission';
import { DomainError, found } from '../../errors';
import type { Handlers } from '../../handlers';
import { REVIEW_STATUS_TEXT } from '../../labels';
import {
  COLLECTIONS,
  type Certificate,
  type CorrectableField,
  type CorrectionStatus,
  type RecordChange,
  type RecordCorrection,
  type RecordFields,
  type ServiceRecord,
  type Volunteer,
} from '../../model';
import { minutesToHours } from '../../volunteer-hours';
import { localDay } from '../../time';
import { dailyLimitsOf } from '../../settings';
import { hourRoundingOf, recordView } from '../record-support';
import { memberCommunity, staffCommunity } from '../shared/access';
import { compact, loadCommunity, prereadOrGet, readByIds } from '../shared/store';
import { keysetPage } from '../shared/paging';
import { quotaKey, takeDailyQuota } from '../shared/quota';
import { correctionsOf, correctionView, recordsOf } from './views';

const CORRECTABLE: readonly CorrectableField[] = ['minutes', 'date', 'place', 'content'];

/**
 * A correction's _id follows from who asked and their request id, so a retried tap finds the request
 * it already made inside the transaction (which can only read by _id).
 */
export const correctionIdFor = (openid: string, clientRequestId: string): string => `rc-${digestId(`correction\n${openid}\n${clientRequestId}`)}`;

/** The asked-for values that differ from the record's (the form may send unchanged fields too). */
function differences(record: ServiceRecord, asked: RecordCorrection['changes']): RecordCorrection['changes'] {
  const changes: Record<string, unknown> = {};
  for (const field of CORRECTABLE) if (asked[field] !== undefined && asked[field] !== record[field]) changes[field] = asked[field];
  return changes as RecordCorrection['changes'];
}

export const correctionHandlers: Pick<Handlers<'record'>, 'record.requestCorrection' | 'record.corrections' | 'record.reviewCorrection'> = {
  'record.requestCorrection': async (input, { caller, deps }) => {
    memberCommunity(caller);
    const seen = await recordsOf(deps).get(input.recordId);
    if (!seen || seen.openid !== caller.openid) throw new DomainError('NOT_FOUND', '没有找到这条服务记录');
    const now = deps.clock.now();
    if (input.date !== undefined && input.date > localDay(now)) throw new DomainError('INVALID_INPUT', '服务日期不能晚于今天');
    const asked = compact({ minutes: input.minutes, date: input.date, place: input.place, content: input.content });
    // One request per record at a time, and a day's limit: one volunteer cannot bury the review queue.
    const limit = dailyLimitsOf(await loadCommunity(deps, seen.communityId, caller)).corrections;

    const correctionId = correctionIdFor(caller.openid, input.clientRequestId);
    const correction = await deps.store.transaction(async (tx) => {
      const corrections = tx.collection<RecordCorrection>(COLLECTIONS.recordCorrections);
      const records = tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
      const existing = await corrections.get(correctionId);
      if (existing) {
        if (existing.recordId !== input.recordId) throw new DomainError('CONFLICT', '该请求编号已用于另一条更正申请，请重新提交');
        return existing;
      }
      // Re-read inside: of two requests at once, only the first finds no pending one.
      const record = await records.get(input.recordId);
      if (!record || record.openid !== caller.openid) throw new DomainError('NOT_FOUND', '没有找到这条服务记录');
      if (record.pendingCorrectionId) throw new DomainError('CONFLICT', '这条记录已有待审核的更正申请');
      const changes = differences(record, asked);
      if (Object.keys(changes).length === 0) throw new DomainError('INVALID_INPUT', '填写的内容与现有记录相同，无需更正');
      await takeDailyQuota(tx, quotaKey('correction', caller.openid), limit, now, `您今天已提交 ${limit} 条更正申请，已达社区每天的上限，请明天再提交`);
      const created: RecordCorrection = {
        _id: correctionId,
        recordId: record._id,
        communityId: record.communityId,
        openid: caller.openid,
        volunteerName: record.volunteerName,
        changes,
        reason: input.reason,
        clientRequestId: input.clientRequestId,
        status: 'pending',
        requestedAt: now,
      };
      await corrections.add(created);
      await records.update(record._id, { set: { pendingCorrectionId: correctionId } });
      return created;
    });
    return correctionView(correction, caller);
  },

  'record.corrections': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const status = input.status ?? 'pending';
    // The queue is worked oldest first; decided ones are looked up, the latest first.
    const direction = status === 'pending' ? 'asc' : 'desc';
    const page = await keysetPage(
      correctionsOf(deps),
      { communityId, status },
      [
        ['requestedAt', direction],
        ['_id', direction],
      ],
      input,
      (correction) => correction,
    );
    const records = await readByIds(recordsOf(deps), page.items.map((correction) => correction.recordId));
    return {
      items: page.items.flatMap((correction) => {
        const record = records.get(correction.recordId);
        return record ? [{ ...correctionView(correction, caller), record: recordView(record, caller) }] : [];
      }),
      nextCursor: page.nextCursor,
    };
  },

  'record.reviewCorrection': async (input, { caller, deps, preread }) => {
    const communityId = staffCommunity(caller);
    const reviewer = found(caller.user);
    const current = await prereadOrGet(correctionsOf(deps), input.correctionId, preread, 'correction');
    if (!current || current.communityId !== communityId) throw new DomainError('NOT_FOUND', '没有找到这条更正申请');
    // Staff who also volunteer do not decide on their own hours.
    if (current.openid === caller.openid) throw new DomainError('FORBIDDEN', '不能审核自己的更正申请，请由其他工作人员审核');
    if (admittedVolunteer(await deps.store.collection<Volunteer>(COLLECTIONS.volunteers).get(current.openid), caller.openid)) {
      throw new DomainError('FORBIDDEN', '这位志愿者是您审核通过的，请由其他工作人员审核其更正申请');
    }
    const reviewed = (status: CorrectionStatus) => new DomainError('CONFLICT', `该更正申请已审核（${REVIEW_STATUS_TEXT[status]}），无需重复审核`);
    if (current.status !== 'pending') throw reviewed(current.status);
    const note = input.note || undefined;
    const rule = hourRoundingOf(await loadCommunity(deps, communityId, caller));
    const approve = input.decision === 'approve';
    const now = deps.clock.now();
    // Certificates counting this record's current values: an approval makes them out of date, and
    // marks them in the same transaction (a transaction cannot query, so they are found first).
    const certificates = approve
      ? await deps.store.collection<Certificate>(COLLECTIONS.certificates).find({ 'records.id': current.recordId, supersededAt: { exists: false } }, { limit: 1000 })
      : [];

    // One transaction: the correction leaves pending, the record changes and its audit row is
    // written together; a second reviewer finds it decided.
    const result = await deps.store.transaction(async (tx) => {
      const corrections = tx.collection<RecordCorrection>(COLLECTIONS.recordCorrections);
      const records = tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
      const correction = found(await corrections.get(current._id), '没有找到这条更正申请');
      if (correction.status !== 'pending') throw reviewed(correction.status);
      const record = found(await records.get(correction.recordId), '没有找到这条服务记录');
      const decided: RecordCorrection = compact({
        ...correction,
        status: approve ? 'approved' : 'rejected',
        reviewedBy: caller.openid,
        reviewedByName: reviewer.name,
        reviewedAt: now,
        reviewNote: note,
      });
      await corrections.set(decided);
      const changes = approve ? differences(record, correction.changes) : {};
      if (Object.keys(changes).length === 0) {
        // Rejected (or nothing left to change): the record stays as it is, free for a new request.
        await records.update(record._id, { unset: ['pendingCorrectionId'] });
        const { pendingCorrectionId: _done, ...unchanged } = record;
        return { correction: decided, record: unchanged };
      }
      const before: RecordFields = {};
      const after: RecordFields = { ...changes };
      for (const field of Object.keys(changes) as CorrectableField[]) Object.assign(before, { [field]: record[field] });
      if (changes.minutes !== undefined) {
        const hours = minutesToHours(changes.minutes, rule);
        if (hours !== record.hours) {
          before.hours = record.hours;
          after.hours = hours;
        }
      }
      const version = (record.version ?? 1) + 1;
      await records.update(record._id, { set: { ...after, version, updatedAt: now }, unset: ['pendingCorrectionId'] });
      await tx.collection<RecordChange>(COLLECTIONS.recordChanges).add({
        _id: `correction:${correction._id}`,
        recordId: record._id,
        communityId: record.communityId,
        openid: record.openid,
        by: caller.openid,
        byName: reviewer.name,
        at: now,
        before,
        after,
        reason: note ? `${correction.reason}（审核意见：${note}）` : correction.reason,
        correctionId: correction._id,
      });
      // So a check of their codes says a newer certificate shows the current totals.
      for (const certificate of certificates) await tx.collection<Certificate>(COLLECTIONS.certificates).update(certificate._id, { set: { supersededAt: now } });
      const { pendingCorrectionId: _done, ...rest } = record;
      return { correction: decided, record: { ...rest, ...after, version, updatedAt: now } };
    });
    return { correction: correctionView(result.correction, caller), record: recordView(result.record, caller) };
  },
};
