/**
 * 党员双报到台账: one row per party member who reported (双报到) to the community as a volunteer —
 * approved, and applied before the period ended — with what the community reports back to their
 * own party organisation: the period's service (records dated in it: times, of which activities,
 * hours), the households they look after now as a linker (联户) and their visits (走访) in the
 * period. Members are read a page at a time in the sheet's order (grid, then who reported first);
 * each page's records, visits and households are read for the whole page with `in` batches, never
 * per member. A member belongs to the grid they registered in (Volunteer.gridId), where the grid's
 * 党小组 and grid worker work with them: a grid worker's export holds their own grids' members.
 */
import { type Household, type HouseholdVisit, COLLECTIONS, type ServiceRecord, type Volunteer } from '../../model';
import type { Where } from '../../ports';
import { sumHours } from '../../volunteer-hours';
import { keysetScan, type OrderBy } from '../shared/paging';
import { gridName, ledger, maskedPhone, type ReportContext } from './ledger';

/**
 * Members per page: each page's records, visits and households are read with an `in` of its
 * openids. A short list keeps each read light (the database merges one index range per openid; the
 * local cloud compares every record with every openid: with 200 a page the bench's export took
 * 59 s there, with 50 it takes 20 s, for 24 more requests).
 */
export const PARTY_MEMBER_PAGE = 50;
/** Records, visits and households per read (the most one read returns), read without their texts. */
export const PARTY_DETAIL_PAGE = 1000;

/** Grid by grid, who reported first; served by volunteers' community_status_party_grid_applied_id. */
const BY_GRID_THEN_REPORTED: OrderBy = [
  ['gridId', 'asc'],
  ['appliedAt', 'asc'],
  ['_id', 'asc'],
];
const BY_DATE: OrderBy = [
  ['date', 'asc'],
  ['_id', 'asc'],
];
/** The order of households' linker_building_room index after its linker. */
const BY_DOOR: OrderBy = [
  ['building', 'asc'],
  ['room', 'asc'],
  ['_id', 'asc'],
];

/** Of a member, the sheet needs their name, masked phone, organisation, grid and when they reported. */
const VOLUNTEER_OMIT = ['idNumber', 'birthDate', 'gender', 'skills', 'availability', 'stats', 'reviewNote', 'reviewedBy', 'building', 'guardianConsent', 'consentAt', 'phoneVerifiedAt'];
/** Of a record, only whose, when, how long and from what. */
const RECORD_OMIT = ['content', 'place', 'activityName', 'organiser', 'personInCharge', 'volunteerName', 'category', 'recordedBy', 'ref', 'pendingCorrectionId'];
/** A visit's note and the household's door stay in the app. */
const VISIT_OMIT = ['note', 'address', 'linkerName', 'way', 'gridId'];
/** Of a household, only whose it is (and the door fields its order pages by). */
const HOUSEHOLD_OMIT = ['members', 'flags', 'contactPhone', 'linkerName', 'unit', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt', 'version', 'gridId'];

interface MemberRow {
  volunteer: Volunteer;
  services: number;
  activities: number;
  hours: number;
  households: number;
  visits: number;
  householdsVisited: number;
}

const emptyRow = (volunteer: Volunteer): MemberRow & { visited: Set<string> } => ({ volunteer, services: 0, activities: 0, hours: 0, households: 0, visits: 0, householdsVisited: 0, visited: new Set() });

/** The approved party members of the export's grids who had reported by the period's end. */
function membersOf({ deps, community, period, gridIds }: ReportContext): AsyncIterable<Volunteer> {
  const where: Where = {
    communityId: community._id,
    status: 'approved',
    partyMember: true,
    appliedAt: { lt: period.end },
    ...(gridIds ? { gridId: { in: [...gridIds] } } : {}),
  };
  const volunteers = deps.store.collection<Volunteer>(COLLECTIONS.volunteers);
  return keysetScan<Volunteer>((after, limit) => volunteers.find(where, { orderBy: BY_GRID_THEN_REPORTED, after, limit, omit: VOLUNTEER_OMIT }), BY_GRID_THEN_REPORTED, PARTY_MEMBER_PAGE);
}

/**
 * A page of members with their figures: three reads (and more only for a long period of a busy
 * page), each for every member of the page at once.
 */
async function figuresOf({ deps, community, period }: ReportContext, members: readonly Volunteer[]): Promise<MemberRow[]> {
  const rows = new Map(members.map((volunteer) => [volunteer._id, emptyRow(volunteer)]));
  const openids = [...rows.keys()];
  const records = deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords);
  const visits = deps.store.collection<HouseholdVisit>(COLLECTIONS.householdVisits);
  const households = deps.store.collection<Household>(COLLECTIONS.households);
  const recordsWhere: Where = { communityId: community._id, openid: { in: openids }, date: { gte: period.firstDay } };
  const visitsWhere: Where = { linkerOpenid: { in: openids }, date: { gte: period.firstDay } };
  const householdsWhere: Where = { linkerOpenid: { in: openids } };
  const afterPeriod = (doc: { date: string }) => doc.date > period.lastDay;

  await Promise.all([
    (async () => {
      const read = (after: readonly unknown[] | undefined, limit: number) => records.find(recordsWhere, { orderBy: BY_DATE, after, limit, omit: RECORD_OMIT });
      for await (const record of keysetScan<ServiceRecord>(read, BY_DATE, PARTY_DETAIL_PAGE, afterPeriod)) {
        const row = rows.get(record.openid);
        if (!row) continue;
        row.services += 1;
        if (record.source === 'activity') row.activities += 1;
        // In hundredths, exactly, as every total of hours in the app.
        row.hours = sumHours([row.hours, record.hours]);
      }
    })(),
    (async () => {
      const read = (after: readonly unknown[] | undefined, limit: number) => visits.find(visitsWhere, { orderBy: BY_DATE, after, limit, omit: VISIT_OMIT });
      for await (const visit of keysetScan<HouseholdVisit>(read, BY_DATE, PARTY_DETAIL_PAGE, afterPeriod)) {
        const row = rows.get(visit.linkerOpenid);
        // Visits index by linker, not community: one made for another community does not count here.
        if (!row || visit.communityId !== community._id) continue;
        row.visits += 1;
        row.visited.add(visit.householdId);
      }
    })(),
    (async () => {
      const read = (after: readonly unknown[] | undefined, limit: number) => households.find(householdsWhere, { orderBy: BY_DOOR, after, limit, omit: HOUSEHOLD_OMIT });
      for await (const household of keysetScan<Household>(read, BY_DOOR, PARTY_DETAIL_PAGE)) {
        const row = household.linkerOpenid ? rows.get(household.linkerOpenid) : undefined;
        if (row && household.communityId === community._id) row.households += 1;
      }
    })(),
  ]);
  return [...rows.values()].map(({ visited, ...row }) => ({ ...row, householdsVisited: visited.size }));
}

async function* memberRows(context: ReportContext): AsyncGenerator<MemberRow> {
  if (context.gridIds?.length === 0) return;
  let page: Volunteer[] = [];
  for await (const volunteer of membersOf(context)) {
    page.push(volunteer);
    if (page.length === PARTY_MEMBER_PAGE) {
      yield* await figuresOf(context, page);
      page = [];
    }
  }
  if (page.length > 0) yield* await figuresOf(context, page);
}

export const partyMembersLedger = ledger<MemberRow>({
  title: '党员双报到台账',
  byGrid: true,
  source: memberRows,
  columns: [
    { header: '网格', width: 12, type: 'text', cell: (row, { community }) => gridName(community, row.volunteer.gridId) },
    { header: '姓名', width: 10, type: 'text', cell: (row) => row.volunteer.realName },
    { header: '手机号', width: 13, type: 'text', cell: (row) => maskedPhone(row.volunteer.phone) },
    { header: '所在党组织', width: 24, type: 'text', cell: (row) => row.volunteer.partyOrganisation },
    // The day they reported to the community (applied as a party member); staff then approved it.
    { header: '报到日期', width: 12, type: 'date', cell: (row) => row.volunteer.appliedAt },
    { header: '本期服务次数', width: 9, type: 'integer', cell: (row) => row.services },
    { header: '其中参加活动', width: 9, type: 'integer', cell: (row) => row.activities },
    // Each record's hours under the community's rounding rule, summed.
    { header: '本期服务时长（小时）', width: 11, type: 'decimal', cell: (row) => row.hours },
    { header: '联系户数', width: 9, type: 'integer', cell: (row) => row.households },
    // Visits are the linker's own record (household.visit), not checked by anyone: the sheet says so.
    { header: '本期走访户次（自记）', width: 10, type: 'integer', cell: (row) => row.visits },
    { header: '本期走访户数（自记）', width: 10, type: 'integer', cell: (row) => row.householdsVisited },
  ],
});
