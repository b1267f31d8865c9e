/**
 * What a record's pages show (a correction, a change, the volunteer's profile), and the collections
 * records, corrections and changes are kept in.
 */
import type { CorrectionView, RecordChangeView, VolunteerRecordProfile } from '../../contract';
import { maskIdNumber, maskPhone } from '../../id-number';
import { COLLECTIONS, type Community, type RecordChange, type RecordCorrection, type ServiceRecord, type Volunteer } from '../../model';
import type { Caller, Deps } from '../../ports';
import { iso } from '../../time';
import { isStaffOf } from '../shared/access';

export const recordsOf = (deps: Deps) => deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
export const correctionsOf = (deps: Deps) => deps.store.collection<RecordCorrection>(COLLECTIONS.recordCorrections);
export const changesOf = (deps: Deps) => deps.store.collection<RecordChange>(COLLECTIONS.recordChanges);

/** The request as `caller` sees it: staff of its community review it while pending, unless it is their own. */
export const correctionView = (correction: RecordCorrection, caller: Caller): CorrectionView => ({
  id: correction._id,
  recordId: correction.recordId,
  volunteerName: correction.volunteerName,
  changes: correction.changes,
  reason: correction.reason,
  status: correction.status,
  requestedAt: iso(correction.requestedAt),
  ...(correction.reviewedByName ? { reviewedByName: correction.reviewedByName } : {}),
  ...(correction.reviewedAt ? { reviewedAt: iso(correction.reviewedAt) } : {}),
  ...(correction.reviewNote ? { reviewNote: correction.reviewNote } : {}),
  allowed: correction.status === 'pending' && correction.openid !== caller.openid && isStaffOf(caller, correction.communityId) ? ['review'] : [],
});

export const changeView = (change: RecordChange): RecordChangeView => ({
  id: change._id,
  byName: change.byName,
  at: iso(change.at),
  before: change.before,
  after: change.after,
  reason: change.reason,
  ...(change.correctionId ? { correctionId: change.correctionId } : {}),
});

/** The Art. 5 fields the volunteer gave, masked where they identify (the phone, the ID number). */
export function volunteerRecordProfile(volunteer: Volunteer, community: Community, serviceCategory?: string): VolunteerRecordProfile {
  const grid = community.grids.find((candidate) => candidate.id === volunteer.gridId);
  return {
    name: volunteer.realName,
    ...(volunteer.gender ? { gender: volunteer.gender } : {}),
    birthDate: volunteer.birthDate,
    region: [community.name, grid?.name ?? volunteer.gridId].join(' · '),
    phoneMasked: maskPhone(volunteer.phone),
    ...(volunteer.idNumber ? { idNumberMasked: maskIdNumber(volunteer.idNumber) } : {}),
    skills: volunteer.skills,
    ...(serviceCategory ? { serviceCategory } : {}),
  };
}
