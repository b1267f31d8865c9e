/** A volunteer's records with their totals, and one record's page with its history. */
import { DomainError } from '../../errors';
import type { Handlers } from '../../handlers';
import { COLLECTIONS, type Community, type Volunteer } from '../../model';
import { starLevel, sumHours } from '../../volunteer-hours';
import { recordView } from '../record-support';
import { isStaffOf, memberCommunity } from '../shared/access';
import { keysetPageOfList, type OrderBy } from '../shared/paging';
import { readAll } from '../shared/store';
import { changesOf, changeView, correctionsOf, correctionView, recordsOf, volunteerRecordProfile } from './views';

const NEWEST_SERVICE_FIRST: OrderBy = [
  ['date', 'desc'],
  ['_id', 'desc'],
];

/** Changes and correction requests a record's page shows (the latest; the rest stay in the log). */
export const RECORD_HISTORY_SHOWN = 50;

export const recordsHandlers: Pick<Handlers<'record'>, 'record.mine' | 'record.get'> = {
  'record.mine': async (input, { caller, deps }) => {
    memberCommunity(caller);
    // All of them: the totals count the whole range, the star level all time (a volunteer has
    // hundreds of records at most, so one read beats a second query for the range).
    const all = await readAll(recordsOf(deps), { openid: caller.openid }, { orderBy: NEWEST_SERVICE_FIRST });
    const inRange = all.filter((record) => (!input.from || record.date >= input.from) && (!input.to || record.date <= input.to));
    return {
      totals: {
        hours: sumHours(inRange.map((record) => record.hours)),
        count: inRange.length,
        level: starLevel(sumHours(all.map((record) => record.hours))),
      },
      records: keysetPageOfList(inRange, NEWEST_SERVICE_FIRST, input, (record) => recordView(record, caller)),
    };
  },

  'record.get': async (input, { caller, deps }) => {
    const record = await recordsOf(deps).get(input.recordId);
    // Someone else's record is reported as missing: nobody learns whose records exist.
    if (!record || (record.openid !== caller.openid && !isStaffOf(caller, record.communityId))) throw new DomainError('NOT_FOUND', '没有找到这条服务记录');
    const [changes, corrections, volunteer, community] = await Promise.all([
      // The latest RECORD_HISTORY_SHOWN of each, oldest first: a record's page stays small however long its history.
      changesOf(deps).find({ recordId: record._id }, { orderBy: [['at', 'desc'], ['_id', 'desc']], limit: RECORD_HISTORY_SHOWN }).then((rows) => rows.reverse()),
      correctionsOf(deps).find({ recordId: record._id }, { orderBy: [['requestedAt', 'desc'], ['_id', 'desc']], limit: RECORD_HISTORY_SHOWN }).then((rows) => rows.reverse()),
      deps.store.collection<Volunteer>(COLLECTIONS.volunteers).get(record.openid),
      deps.store.collection<Community>(COLLECTIONS.communities).get(record.communityId),
    ]);
    return {
      record: recordView(record, caller),
      changes: changes.map(changeView),
      corrections: corrections.map((correction) => correctionView(correction, caller)),
      volunteer: volunteer && community ? volunteerRecordProfile(volunteer, community, record.category) : null,
    };
  },
};
