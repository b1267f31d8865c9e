/** The `stats` function: the community overview for staff, computed from the records themselves. */
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { COLLECTIONS, type LedgerEntry, type Order, type ServiceRecord } from '../model';
import type { Collection, Where } from '../ports';
import { computeOverview } from '../stats';
import { DAY_MS, inZone, localDay } from '../time';
import { staffCommunity } from './shared/access';
import { loadCommunity, readAll } from './shared/store';

export const DEFAULT_DAYS = 30;
/** A longer period would mean reading more than a cloud function's time allows. */
export const MAX_DAYS = 366;

/** The Beijing calendar days that [from, to) touches, as service records date them. */
export function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const last = localDay(to.getTime() - 1);
  for (let day = inZone(from).startOf('day'); ; day = day.add(1, 'day')) {
    const text = day.format('YYYY-MM-DD');
    days.push(text);
    if (text >= last) return days;
  }
}

/** Documents created in [from, to), read in createdAt order so the reading can stop at `to`. */
function createdBetween<T extends { _id: string; createdAt: Date }>(collection: Collection<T>, where: Where, from: Date, to: Date): Promise<T[]> {
  return readAll(
    collection,
    { ...where, createdAt: { gte: from } },
    {
      orderBy: [
        ['createdAt', 'asc'],
        ['_id', 'asc'],
      ],
      stop: (doc) => new Date(doc.createdAt).getTime() >= to.getTime(),
    },
  );
}

export const statsHandlers: Handlers<'stats'> = {
  'stats.overview': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const to = input.to ? new Date(input.to) : deps.clock.now();
    const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) throw new DomainError('INVALID_INPUT', '开始时间必须早于结束时间');
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw new DomainError('INVALID_INPUT', `统计区间不能超过 ${MAX_DAYS} 天`);

    const { store } = deps;
    const community = await loadCommunity(deps, communityId, caller);
    const [orders, serviceRecords, ledger] = await Promise.all([
      createdBetween(store.collection<Order>(COLLECTIONS.orders), { communityId }, from, to),
      readAll(store.collection<ServiceRecord>(COLLECTIONS.serviceRecords), { communityId, date: { in: daysBetween(from, to) } }, {
        orderBy: [
          ['date', 'asc'],
          ['_id', 'asc'],
        ],
      }),
      createdBetween(store.collection<LedgerEntry>(COLLECTIONS.pointsLedger), { communityId }, from, to),
    ]);
    return computeOverview({ from, to, grids: community.grids, orders, serviceRecords, ledger });
  },
};
