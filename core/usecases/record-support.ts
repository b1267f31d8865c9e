/**
 * Writing statutory service records, shared by scoring (orders) and activity check-out: the
 * record and nothing else, in the caller's transaction. (What a volunteer's records add up to is
 * summed where it is shown, so no counter moves with them.)
 */
import type { ServiceRecordView } from '../contract';
import { COLLECTIONS, type Community, type ServiceRecord } from '../model';
import type { Caller, Transaction } from '../ports';
import { DEFAULT_HOUR_ROUNDING, type HourRounding } from '../volunteer-hours';
import { iso } from '../time';

export const hourRoundingOf = (community: Pick<Community, 'settings'>): HourRounding => community.settings.hourRounding ?? DEFAULT_HOUR_ROUNDING;

/**
 * Inside a transaction: writes the record once (a record with its _id already there wins, so a
 * retried write changes nothing). Returns the stored one. `first`: the transaction itself
 * guarantees the record was never written (scoring closes the order in it, check-out marks the
 * sign-up attended in it), so nothing is read first; were it written after all, the insert fails
 * the transaction.
 */
export async function writeRecord(tx: Transaction, record: ServiceRecord, { first = false }: { first?: boolean } = {}): Promise<ServiceRecord> {
  const records = tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
  const existing = first ? null : await records.get(record._id);
  if (existing) return existing;
  const stored: ServiceRecord = { ...record, version: 1 };
  await records.add(stored);
  return stored;
}

/**
 * The record as `caller` sees it. Its volunteer may ask for a correction while none waits for
 * review (one at a time, see record.requestCorrection).
 */
export const recordView = (record: ServiceRecord, caller: Caller): ServiceRecordView => ({
  id: record._id,
  source: record.source,
  ref: record.ref,
  activityName: record.activityName,
  date: record.date,
  place: record.place,
  content: record.content,
  minutes: record.minutes,
  hours: record.hours,
  ...(record.category ? { category: record.category } : {}),
  organiser: record.organiser,
  personInCharge: record.personInCharge,
  volunteerName: record.volunteerName,
  version: record.version ?? 1,
  createdAt: iso(record.createdAt),
  ...(record.updatedAt ? { updatedAt: iso(record.updatedAt) } : {}),
  ...(record.pendingCorrectionId ? { pendingCorrectionId: record.pendingCorrectionId } : {}),
  allowed: record.openid === caller.openid && !record.pendingCorrectionId ? ['requestCorrection'] : [],
});

