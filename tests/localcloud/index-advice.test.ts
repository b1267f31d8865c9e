import { describe, expect, it } from 'vitest';
import { type DeclaredIndex, decideIndex, describeQuery } from '../../localcloud/src/db/index-advice';

const index = (name: string, keys: DeclaredIndex['keys'], unique = false): DeclaredIndex => ({ name, keys, unique });

const communityStatusCreated = index('community_status_created', { communityId: 1, status: 1, createdAt: -1 });
const assigneeStatus = index('assignee_status', { assignee: 1, status: 1 });
const requestUnique = index('creator_request_unique', { createdBy: 1, clientRequestId: 1 }, true);
const ORDERS = [communityStatusCreated, assigneeStatus, requestUnique];

const served = (query: Record<string, unknown>, sort: Record<string, 1 | -1> = {}, indexes = ORDERS) => decideIndex(indexes, query, sort).served;
const servingIndexes = (query: Record<string, unknown>, sort: Record<string, 1 | -1> = {}, indexes = ORDERS) => {
  const decision = decideIndex(indexes, query, sort);
  return decision.served ? decision.indexes : null;
};

describe('which declared index serves a query', () => {
  it('serves equality on a prefix of the index keys, in any order among themselves', () => {
    expect(servingIndexes({ communityId: 'c1' })).toEqual(['community_status_created']);
    expect(servingIndexes({ status: 'open', communityId: 'c1' })).toEqual(['community_status_created']);
    expect(servingIndexes({ communityId: 'c1', status: { $in: ['open', 'assigned'] } })).toEqual(['community_status_created']);
  });

  it('refuses equality on keys that are not a prefix', () => {
    expect(served({ status: 'open' })).toBe(false); // second key of both indexes
    expect(served({ communityId: 'c1', createdAt: new Date() })).toBe(false); // skips status
  });

  it('refuses a query filtering a field no index has, even beside an indexed one', () => {
    expect(served({ communityId: 'c1', status: 'open', recordAlert: { $exists: true } })).toBe(false);
    expect(served({ communityId: 'c1', archived: false })).toBe(false);
  });

  it('serves a range on the key after the equality prefix, and on later keys', () => {
    expect(served({ communityId: 'c1', status: 'done', createdAt: { $gte: new Date(), $lt: new Date() } })).toBe(true);
    expect(served({ communityId: 'c1', createdAt: { $gte: new Date() } })).toBe(true); // filtered within the community's keys
  });

  it('refuses a range whose field is not led by the equality prefix or the first key', () => {
    expect(served({ createdAt: { $gte: new Date() } })).toBe(false);
    expect(served({ status: { $ne: 'done' } })).toBe(false);
  });

  it('serves a sort that follows the index after the equality prefix, in its direction or exactly reversed', () => {
    expect(served({ communityId: 'c1', status: 'open' }, { createdAt: -1 })).toBe(true);
    expect(served({ communityId: 'c1', status: 'open' }, { createdAt: 1 })).toBe(true);
    const twoWay = [index('community_due_created', { communityId: 1, dueAt: 1, createdAt: -1 })];
    expect(served({ communityId: 'c1' }, { dueAt: 1, createdAt: -1 }, twoWay)).toBe(true);
    expect(served({ communityId: 'c1' }, { dueAt: -1, createdAt: 1 }, twoWay)).toBe(true);
  });

  it('refuses a sort in mixed directions, out of key order, or not right after the prefix', () => {
    const twoWay = [index('community_due_created', { communityId: 1, dueAt: 1, createdAt: -1 })];
    expect(served({ communityId: 'c1' }, { dueAt: 1, createdAt: 1 }, twoWay)).toBe(false);
    expect(served({ communityId: 'c1' }, { createdAt: -1, dueAt: 1 }, twoWay)).toBe(false);
    expect(served({ communityId: 'c1' }, { createdAt: -1 })).toBe(false); // status lies between
    expect(served({ communityId: 'c1', status: 'open' }, { createdAt: -1, _id: -1 })).toBe(false); // no _id key to break ties
  });

  it('ignores sort keys the query pins to one value', () => {
    expect(served({ communityId: 'c1', status: 'open' }, { status: 1, createdAt: -1 })).toBe(true);
  });

  it('refuses a range placed between the equality prefix and the sort', () => {
    const rangeFirst = [index('community_due_created', { communityId: 1, dueAt: 1, createdAt: 1 })];
    expect(served({ communityId: 'c1', dueAt: { $lt: new Date() } }, { createdAt: 1 }, rangeFirst)).toBe(false);
  });

  it('serves a sort alone by an index that starts with it, and refuses one no index starts with', () => {
    const byCreated = [index('created', { createdAt: 1 })];
    expect(served({}, { createdAt: -1 }, byCreated)).toBe(true);
    expect(served({}, { createdAt: -1 })).toBe(false);
    expect(served({ status: 'open' }, { createdAt: -1 }, byCreated)).toBe(false);
  });

  it('always serves _id lookups, whatever else they filter on', () => {
    expect(servingIndexes({ _id: 'o1' }, {}, [])).toEqual(['_id_']);
    expect(served({ _id: { $in: ['o1', 'o2'] }, status: 'open' }, {}, [])).toBe(true);
    expect(served({}, { _id: 1 }, [])).toBe(true);
    expect(served({ _id: { $gt: 'o1' } }, { _id: 1 }, [])).toBe(true);
  });

  it('serves a query that pins every key of a unique index, whatever else it filters on', () => {
    expect(servingIndexes({ createdBy: 'u1', clientRequestId: 'r1', status: 'open' })).toEqual(['creator_request_unique']);
    expect(served({ createdBy: 'u1', status: 'open' })).toBe(false); // a prefix only
  });

  it('treats $exists: false as a point (null) and $exists: true as a range', () => {
    const statusAlert = [index('status_alert', { status: 1, recordAlert: 1 })];
    expect(served({ status: 'checked_in', recordAlert: { $exists: false } }, {}, statusAlert)).toBe(true);
    expect(served({ status: 'checked_in', recordAlert: { $exists: true } }, {}, statusAlert)).toBe(true);
    expect(served({ recordAlert: { $exists: false } }, {}, statusAlert)).toBe(false);
    // Only a point lets the sort continue on the next key.
    const statusAlertId = [index('status_alert_id', { status: 1, recordAlert: 1, _id: 1 })];
    expect(served({ status: 'checked_in', recordAlert: { $exists: false } }, { _id: 1 }, statusAlertId)).toBe(true);
    expect(served({ status: 'checked_in', recordAlert: { $exists: true } }, { _id: 1 }, statusAlertId)).toBe(false);
  });

  it('needs every alternative of an $or served, each with the rest of the query', () => {
    const keyset = { $and: [{ communityId: 'c1', status: 'open' }, { $or: [{ createdAt: { $lt: 1 } }, { createdAt: 1, _id: { $gt: 'x' } }] }] };
    const withId = [index('community_status_created_id', { communityId: 1, status: 1, createdAt: -1, _id: -1 })];
    expect(served(keyset, { createdAt: -1, _id: -1 }, withId)).toBe(true);
    expect(served(keyset, { createdAt: -1, _id: -1 })).toBe(false);
    expect(served({ $or: [{ assignee: 'v1' }, { communityId: 'c1' }] })).toBe(true);
    expect(served({ $or: [{ assignee: 'v1' }, { status: 'open' }] })).toBe(false);
  });

  it('refuses operators that filter without index bounds', () => {
    expect(served({ communityId: 'c1', $nor: [{ status: 'done' }] })).toBe(false);
    expect(served({ communityId: 'c1', $expr: { $gt: ['$a', '$b'] } })).toBe(false);
  });

  it('lets an unfiltered, unsorted read pass (it stops at the limit), and a geo query pass on its geo index', () => {
    expect(served({}, {}, [])).toBe(true);
    const near = { location: { $nearSphere: { $geometry: { type: 'Point', coordinates: [0, 0] } } } };
    expect(served(near, {}, [index('location_geo', { location: '2dsphere' })])).toBe(true);
    expect(served(near, {}, [])).toBe(false);
  });

  it('suggests an index that would serve what nothing serves: equality, then sort, then range', () => {
    const decision = decideIndex(ORDERS, { status: 'completed', completedAt: { $lt: 1 }, recordAlert: { $exists: false } }, { _id: 1 });
    expect(decision).toEqual({ served: false, suggestion: { status: 1, recordAlert: 1, _id: 1, completedAt: 1 } });
    if (decision.served || !decision.suggestion) throw new Error('expected a suggestion');
    const withSuggestion = [...ORDERS, index('suggested', decision.suggestion)];
    expect(served({ status: 'completed', completedAt: { $lt: 1 }, recordAlert: { $exists: false } }, { _id: 1 }, withSuggestion)).toBe(true);
  });
});

describe('the shape of a query', () => {
  it('names fields and operators, never values, in one spelling whatever the key order', () => {
    const secret = '13800138000';
    const a = describeQuery({ phone: secret, communityId: 'c1', createdAt: { $lt: new Date(), $gte: new Date() } }, { createdAt: -1 });
    const b = describeQuery({ communityId: 'c2', createdAt: { $gte: new Date(0), $lt: new Date(0) }, phone: 'other' }, { createdAt: -1 });
    expect(a).toBe('where {communityId: $eq, createdAt: $gte $lt, phone: $eq} orderBy {createdAt: desc}');
    expect(b).toBe(a);
    expect(a).not.toContain(secret);
  });

  it('keeps logical operators, $exists and nested operators', () => {
    const shape = describeQuery({
      $and: [{ communityId: 'c1' }, { $or: [{ at: { $lt: 1 } }, { at: 1, _id: { $gt: 'x' } }] }],
      alert: { $exists: false },
      skills: { $not: { $elemMatch: { $nin: ['a'] } } },
      name: /王/,
    });
    expect(shape).toBe(
      'where {alert: $exists:false, name: $regex, skills: $not($elemMatch($nin)), $and: [{communityId: $eq}, {$or: [{at: $lt}, {_id: $gt, at: $eq}]}]}',
    );
  });
});
