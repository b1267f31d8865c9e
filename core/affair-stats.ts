/**
 * The affairs (社区事务) of a period as figures, folded one affair at a time like the orders
 * (core/stats.ts `Tally` holds one of these), so stats.overview, the trend, the monthly report and
 * the 事务办理台账 cannot disagree. An affair counts in the period it was REPORTED in; what became of
 * it (closed, overdue, rated) is what it is now.
 *
 * Which department an affair counts for: the one that holds it now, `departmentId` — the department
 * last whistled to (吹哨). An affair whistled to A, returned by A and whistled to B counts for B only
 * (A's return is in the timeline, not in A's figures); one returned and not whistled again, or taken
 * back by the community after a reopening, holds no department and counts in the community's totals
 * and its grid only. Affairs keep `departmentId` once accepted, resolved and closed, so a department's
 * closed work stays its own.
 *
 * Disputes (矛盾纠纷) are counted like any other affair and their number is shown; nothing about one
 * (parties, description, building) is ever read into these figures.
 */
import { DISPUTE } from './affair-machine';
import type { AffairFigures, AffairStats, DepartmentAffairStats, GridAffairStats } from './contract';
import type { Affair, AffairEvent, Grid } from './model';

const HOUR_MS = 3_600_000;

/** What the figures read of an affair (the reader leaves texts, photos and people out). */
export type StatsAffair = Pick<Affair, 'category' | 'status' | 'createdAt' | 'overdueCount' | 'departmentId' | 'departmentName' | 'escalation'> & {
  place: Pick<Affair['place'], 'gridId'>;
  events?: ReadonlyArray<Pick<AffairEvent, 'at' | 'to'>>;
  resolution?: Pick<NonNullable<Affair['resolution']>, 'at'>;
  rating?: Pick<NonNullable<Affair['rating']>, 'stars'>;
};

/** Running sums, not lists: a year of affairs costs a few numbers per grid and department. */
interface AffairCounts {
  received: number;
  closed: number;
  overdue: number;
  overdueTimes: number;
  escalated: number;
  respondHours: number;
  responded: number;
  resolveHours: number;
  resolved: number;
  stars: number;
  rated: number;
  disputes: number;
}

const noAffairs = (): AffairCounts => ({ received: 0, closed: 0, overdue: 0, overdueTimes: 0, escalated: 0, respondHours: 0, responded: 0, resolveHours: 0, resolved: 0, stars: 0, rated: 0, disputes: 0 });

export interface AffairTally {
  all: AffairCounts;
  byGrid: Map<string, AffairCounts>;
  byDepartment: Map<string, AffairCounts & { name: string }>;
}

export const newAffairTally = (): AffairTally => ({ all: noAffairs(), byGrid: new Map(), byDepartment: new Map() });

const hoursBetween = (start: Date | string, end: Date | string): number => (new Date(end).getTime() - new Date(start).getTime()) / HOUR_MS;

/**
 * Hours from the latest whistle to the acceptance that followed it (the department holding it now
 * answered that whistle); null when it has not been accepted since.
 */
export function respondHoursOf(affair: Pick<StatsAffair, 'events'>): number | null {
  const events = affair.events ?? [];
  let whistled = -1;
  for (let index = events.length - 1; index >= 0; index--) {
    if (events[index]!.to === 'whistled') {
      whistled = index;
      break;
    }
  }
  if (whistled < 0) return null;
  const accepted = events.slice(whistled + 1).find((event) => event.to === 'accepted');
  return accepted ? hoursBetween(events[whistled]!.at, accepted.at) : null;
}

/**
 * Hours from the report to the resolution that stands — `resolution.at`, rewritten by every
 * resolve, so a resolution rejected by a reopening does not count as done — or, for an affair
 * without one, its latest step to resolved; null unless it is resolved or closed now.
 */
export function resolveHoursOf(affair: Pick<StatsAffair, 'status' | 'createdAt' | 'resolution' | 'events'>): number | null {
  if (affair.status !== 'resolved' && affair.status !== 'closed') return null;
  const at = affair.resolution?.at ?? [...(affair.events ?? [])].reverse().find((event) => event.to === 'resolved')?.at;
  return at ? hoursBetween(affair.createdAt, at) : null;
}

function countAffair(counts: AffairCounts, affair: StatsAffair, respond: number | null, resolve: number | null): void {
  counts.received += 1;
  if (affair.status === 'closed') counts.closed += 1;
  if (affair.overdueCount > 0) {
    counts.overdue += 1;
    counts.overdueTimes += affair.overdueCount;
  }
  if (affair.escalation) counts.escalated += 1;
  if (respond !== null) {
    counts.respondHours += respond;
    counts.responded += 1;
  }
  if (resolve !== null) {
    counts.resolveHours += resolve;
    counts.resolved += 1;
  }
  if (affair.rating) {
    counts.stars += affair.rating.stars;
    counts.rated += 1;
  }
  if (affair.category === DISPUTE) counts.disputes += 1;
}

/** An affair reported in the period. */
export function addAffair(tally: AffairTally, affair: StatsAffair): void {
  // Respond time is a department's: only for the department that holds it (see above).
  const respond = affair.departmentId ? respondHoursOf(affair) : null;
  const resolve = resolveHoursOf(affair);
  countAffair(tally.all, affair, respond, resolve);
  const gridId = affair.place.gridId;
  let grid = tally.byGrid.get(gridId);
  if (!grid) tally.byGrid.set(gridId, (grid = noAffairs()));
  countAffair(grid, affair, respond, resolve);
  if (affair.departmentId) {
    let department = tally.byDepartment.get(affair.departmentId);
    if (!department) tally.byDepartment.set(affair.departmentId, (department = { ...noAffairs(), name: affair.departmentName ?? affair.departmentId }));
    countAffair(department, affair, respond, resolve);
  }
}

const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;
const averageOr = (sum: number, count: number, places: number): number | null => (count === 0 ? null : round(sum / count, places));

/** Rates 0–1 to 4 places, hours to 1, stars to 2, as the other figures of stats.overview. */
export function affairFigures(counts: AffairCounts): AffairFigures {
  return {
    received: counts.received,
    closed: counts.closed,
    closingRate: averageOr(counts.closed, counts.received, 4),
    overdue: counts.overdue,
    overdueTimes: counts.overdueTimes,
    escalated: counts.escalated,
    averageRespondHours: averageOr(counts.respondHours, counts.responded, 1),
    averageResolveHours: averageOr(counts.resolveHours, counts.resolved, 1),
    averageStars: averageOr(counts.stars, counts.rated, 2),
    rated: counts.rated,
  };
}

/**
 * The period's affair figures: every grid of those given (even without affairs), then any grid an
 * affair names that is not among them (renamed or removed), as the orders' breakdown does; the
 * departments by name.
 */
export function affairStatsOf(tally: AffairTally, grids: ReadonlyArray<Pick<Grid, 'id' | 'name'>>): AffairStats {
  const known = new Set(grids.map((grid) => grid.id));
  const unknown = [...tally.byGrid.keys()].filter((id) => !known.has(id)).sort();
  const byGrid: GridAffairStats[] = [...grids, ...unknown.map((id) => ({ id, name: id }))].map((grid) => ({
    gridId: grid.id,
    gridName: grid.name,
    ...affairFigures(tally.byGrid.get(grid.id) ?? noAffairs()),
  }));
  const byDepartment: DepartmentAffairStats[] = [...tally.byDepartment.entries()]
    .map(([departmentId, counts]) => ({ departmentId, departmentName: counts.name, ...affairFigures(counts) }))
    .sort((a, b) => a.departmentName.localeCompare(b.departmentName, 'zh') || (a.departmentId < b.departmentId ? -1 : 1));
  return { ...affairFigures(tally.all), disputes: tally.all.disputes, byGrid, byDepartment };
}
