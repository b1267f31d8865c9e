/**
 * Writing statutory service records, shared by scoring (orders) and activity check-out: the
 * record, the volunteer's recorded-hours counter and nothing else, in the caller's transaction.
 */
import type { ServiceRecordView } from '../contract';
import { COLLECTIONS, type Community, type ServiceRecord, type Volunteer } from '../model';
import type { Caller, Transaction } from '../ports';
import { DEFAULT_HOUR_ROUNDING, type HourRounding } from '../volunteer-hours';
import { iso } from '../time';

export const hourRoundingOf = (community: Pick<Community, 'settings'>): HourRounding => community.settings.hourRounding ?? DEFAULT_HOUR_ROUNDING;

export const centiHours = (hours: number): number => Math.round(hours * 100);

/**
 * Inside a transaction: writes the record once (a record with its _id already there wins, so a
 * retried write changes nothing) and adds its hours to the volunteer's counter. Returns the stored one.
 * `first`: the transaction itself guarantees the record was never written (scoring closes the order
 * in it), so nothing is read first; were it written after all, the insert fails the transaction.
 */
export async function writeRecord(tx: Transaction, record: ServiceRecord, { first = false }: { first?: boolean } = {}): Promise<ServiceRecord> {
  const records = tx.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
  const existing = first ? null : await records.get(record._id);
  if (existing) return existing;
  const stored: ServiceRecord = { ...record, version: 1 };
  await records.add(stored);
  await addRecordedHours(tx, record.openid, record.hours, { known: first });
  return stored;
}

/**
 * Moves a volunteer's recorded-hours counter (by a record's hours, or a correction's difference).
 * `known`: the volunteer certainly exists (an order's assignee), so it is not read first.
 */
export async function addRecordedHours(tx: Transaction, openid: string, hours: number, { known = false }: { known?: boolean } = {}): Promise<void> {
  const volunteers = tx.collection<Volunteer>(COLLECTIONS.volunteers);
  if (centiHours(hours) === 0 || (!known && !(await volunteers.get(openid)))) return;
  await volunteers.update(openid, { inc: { 'stats.recordedCentiHours': centiHours(hours) } });
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

/** A volunteer's recorded hours from the counter (hundredths → hours). */
export const recordedHours = (volunteer: Pick<Volunteer, 'stats'>): number => (volunteer.stats.recordedCentiHours ?? 0) / 100;
