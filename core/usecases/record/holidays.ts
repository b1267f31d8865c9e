/**
 * The year's 放假调休 arrangement: an administrator enters it when the State Council publishes it,
 * the 10-working-day rule reads it (loadHolidayCalendar, passed to the pure functions of
 * core/working-days.ts). A stored year replaces the shipped one; every change is logged with who
 * made it and what it moved, because moving a day moves every record deadline across it.
 */
import type { HolidayArrangementView, HolidayCalendarView, HolidayChangeView } from '../../contract';
import { DomainError } from '../../errors';
import type { Handlers } from '../../handlers';
import { COLLECTIONS, type HolidayCalendarChange, type HolidayCalendarDoc } from '../../model';
import type { Caller, Deps } from '../../ports';
import { HOLIDAYS, type HolidayCalendar, type HolidayYear, holidayYearProblem, withStoredYears } from '../../working-days';
import { actorName } from '../rules';
import { prereadOrGet, readByIds } from '../shared/store';

/** Changes the page shows (the log keeps them all). */
export const HOLIDAY_CHANGES_SHOWN = 10;

const calendars = (deps: Deps) => deps.store.collection<HolidayCalendarDoc>(COLLECTIONS.holidayCalendars);
const changesOf = (deps: Deps) => deps.store.collection<HolidayCalendarChange>(COLLECTIONS.holidayCalendarChanges);

/** The calendar for the rule: the shipped table with the stored arrangements of `years` over it (one read). */
export async function loadHolidayCalendar(deps: Deps, years: Iterable<number>): Promise<HolidayCalendar> {
  const stored = await readByIds(calendars(deps), [...years].map(String));
  return withStoredYears(stored.values());
}

const arrangementOf = (doc: HolidayYear): HolidayArrangementView => ({ off: [...doc.off], work: [...doc.work], source: doc.source });

const minus = (a: readonly string[], b: readonly string[]) => a.filter((day) => !b.includes(day));

function changeView(change: HolidayCalendarChange): HolidayChangeView {
  const before = change.before ?? { off: [], work: [], source: '' };
  return {
    changedByName: change.changedByName,
    changedAt: new Date(change.changedAt).toISOString(),
    addedOff: minus(change.after.off, before.off),
    removedOff: minus(before.off, change.after.off),
    addedWork: minus(change.after.work, before.work),
    removedWork: minus(before.work, change.after.work),
    source: change.after.source,
  };
}

async function calendarView(deps: Deps, year: number, doc: HolidayCalendarDoc | null): Promise<HolidayCalendarView> {
  const shippedYear = HOLIDAYS[year];
  const shipped = shippedYear ? arrangementOf(shippedYear) : null;
  const changes = await changesOf(deps).find({ year }, { orderBy: [['changedAt', 'desc'], ['_id', 'asc']], limit: HOLIDAY_CHANGES_SHOWN });
  return {
    year,
    applied: doc ? arrangementOf(doc) : shipped,
    origin: doc ? 'stored' : shipped ? 'shipped' : 'none',
    shipped,
    ...(doc ? { updatedByName: doc.updatedByName, updatedAt: new Date(doc.updatedAt).toISOString() } : {}),
    changes: changes.map(changeView),
  };
}

export const holidayHandlers: Pick<Handlers<'record'>, 'record.holidayCalendar' | 'record.setHolidayCalendar'> = {
  'record.holidayCalendar': async (input, { deps, preread }) =>
    calendarView(deps, input.year, await prereadOrGet(calendars(deps), String(input.year), preread, 'calendar')),

  'record.setHolidayCalendar': async (input, { caller, deps, preread }) => {
    const problem = holidayYearProblem(input.year, input);
    if (problem) throw new DomainError('INVALID_INPUT', problem);
    const id = String(input.year);
    const current = await prereadOrGet(calendars(deps), id, preread, 'calendar');
    const after = { off: input.off, work: input.work, source: input.source };
    if (current && sameArrangement(current, after)) return calendarView(deps, input.year, current);
    const now = deps.clock.now();
    const doc: HolidayCalendarDoc = { _id: id, year: input.year, ...after, updatedBy: caller.openid, updatedByName: changerName(caller), updatedAt: now };
    await deps.store.transaction(async (tx) => {
      // Read again inside: of two administrators saving at once, each log entry has the true before.
      const stored = await tx.collection<HolidayCalendarDoc>(COLLECTIONS.holidayCalendars).get(id);
      const shipped = HOLIDAYS[input.year];
      const before = stored ? arrangementOf(stored) : shipped ? arrangementOf(shipped) : null;
      await tx.collection<HolidayCalendarDoc>(COLLECTIONS.holidayCalendars).set(doc);
      await tx.collection<HolidayCalendarChange>(COLLECTIONS.holidayCalendarChanges).add({
        _id: deps.random.id(),
        year: input.year,
        before,
        after,
        changedBy: caller.openid,
        changedByName: doc.updatedByName,
        changedAt: now,
      });
    });
    return calendarView(deps, input.year, doc);
  },
};

const sameArrangement = (a: Pick<HolidayCalendarDoc, 'off' | 'work' | 'source'>, b: Pick<HolidayCalendarDoc, 'off' | 'work' | 'source'>) =>
  a.source === b.source && a.off.join() === b.off.join() && a.work.join() === b.work.join();

const changerName = (caller: Caller): string => actorName(caller) || '管理员';
