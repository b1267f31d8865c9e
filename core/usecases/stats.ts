/** The `stats` function: the community overview for staff, computed from the records themselves. */
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { COLLECTIONS, type Community, type LedgerEntry, type Order, type ServiceRecord } from '../model';
import type { Collection, Where } from '../ports';
import { valueAt } from '../where';
import { computeOverview } from '../stats';
import { DAY_MS, inZone, localDay } from '../time';
import { staffCommunity } from './shared/access';
import { loadCommunity } from './shared/store';
import type { OrderBy } from './shared/paging';

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

/**
 * The first batch of each collection (all three come in one read, which may return at most 1 MB),
 * and the pages read on after it. With the fields the overview never uses left out, an order is a
 * few hundred bytes.
 */
export const FIRST_BATCH = 300;
const PAGE = 500;

const BY_CREATED: OrderBy = [
  ['createdAt', 'asc'],
  ['_id', 'asc'],
];
const BY_DATE: OrderBy = [
  ['date', 'asc'],
  ['_id', 'asc'],
];
/** What the overview never looks at: texts, timelines, people's details (and, for orders, where exactly). */
const ORDER_OMIT = [
  'events',
  'declines',
  'description',
  'completion',
  'photos',
  'contactPhone',
  'contactName',
  'preferredTime',
  'rating.comment',
  'rating.onBehalf.name',
  'score',
  'reviewNote',
  'address.building',
  'address.unit',
  'address.room',
  'serviceName',
  'skills',
  'assigneeName',
  'clientRequestId',
];
const RECORD_OMIT = ['content', 'place', 'activityName', 'organiser', 'personInCharge', 'volunteerName', 'category', 'recordedBy', 'ref', 'pendingCorrectionId'];
const LEDGER_OMIT = ['reason', 'ref', 'by'];

/**
 * The rest of a read after its first batch (when the batch came back full), page by page in the
 * batch's order, until `stop` says a document is past what is needed.
 */
async function continueAfter<T extends { _id: string }>(
  collection: Collection<T>,
  where: Where,
  orderBy: OrderBy,
  omit: readonly string[],
  batch: T[],
  stop: (doc: T) => boolean = () => false,
): Promise<T[]> {
  const all: T[] = [];
  let page = batch;
  let size = FIRST_BATCH;
  for (;;) {
    for (const doc of page) {
      if (stop(doc)) return all;
      all.push(doc);
    }
    const last = page[page.length - 1];
    if (page.length < size || !last) return all;
    size = PAGE;
    page = await collection.find(where, { orderBy, after: orderBy.map(([field]) => valueAt(last as Record<string, unknown>, field)), limit: size, omit });
  }
}

export const statsHandlers: Handlers<'stats'> = {
  'stats.overview': async (input, { caller, deps }) => {
    const communityId = staffCommunity(caller);
    const to = input.to ? new Date(input.to) : deps.clock.now();
    const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) throw new DomainError('INVALID_INPUT', '开始时间必须早于结束时间');
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw new DomainError('INVALID_INPUT', `统计区间不能超过 ${MAX_DAYS} 天`);

    const { store } = deps;
    const ordersWhere: Where = { communityId, createdAt: { gte: from } };
    const recordsWhere: Where = { communityId, date: { in: daysBetween(from, to) } };
    const ledgerWhere: Where = ordersWhere;
    // The first batch of all three in one request, joined onto the community's document (which
    // came with the caller, but is where the three hang); a full batch is read on after.
    const [root] = await store.collection<Community>(COLLECTIONS.communities).findJoined<{ orders: Order; records: ServiceRecord; ledger: LedgerEntry }>(
      { _id: communityId },
      { limit: 1, omit: ['grids', 'settings'] },
      {
        orders: { from: COLLECTIONS.orders, where: ordersWhere, orderBy: BY_CREATED, limit: FIRST_BATCH, omit: ORDER_OMIT },
        records: { from: COLLECTIONS.serviceRecords, where: recordsWhere, orderBy: BY_DATE, limit: FIRST_BATCH, omit: RECORD_OMIT },
        ledger: { from: COLLECTIONS.pointsLedger, where: ledgerWhere, orderBy: BY_CREATED, limit: FIRST_BATCH, omit: LEDGER_OMIT },
      },
    );
    if (!root) throw new DomainError('NOT_FOUND', '社区不存在');
    const community = await loadCommunity(deps, communityId, caller);
    const past = (doc: { createdAt: Date }) => new Date(doc.createdAt).getTime() >= to.getTime();
    const [orders, serviceRecords, ledger] = await Promise.all([
      continueAfter(store.collection<Order>(COLLECTIONS.orders), ordersWhere, BY_CREATED, ORDER_OMIT, root.orders, past),
      continueAfter(store.collection<ServiceRecord>(COLLECTIONS.serviceRecords), recordsWhere, BY_DATE, RECORD_OMIT, root.records),
      continueAfter(store.collection<LedgerEntry>(COLLECTIONS.pointsLedger), ledgerWhere, BY_CREATED, LEDGER_OMIT, root.ledger, past),
    ]);
    return computeOverview({ from, to, grids: community.grids, orders, serviceRecords, ledger });
  },
};
