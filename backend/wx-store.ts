/** The Store port on the WeChat cloud database, through wx-server-sdk. */
import { DomainError } from '../core/errors';
import type { Collection, Condition, FindOptions, Join, Store, Transaction, TransactionCollection, Update, Where } from '../core/ports';

/* The SDK's typings are partial; these are the parts used here. */
interface DbCommand {
  aggregate: { pipeline(): SdkAggregate; sum(expression: string): unknown };
  and(conditions: unknown[]): unknown;
  or(conditions: unknown[]): unknown;
  eq(value: unknown): unknown;
  in(values: readonly unknown[]): unknown;
  nin(values: readonly unknown[]): unknown;
  neq(value: unknown): unknown;
  gt(value: unknown): unknown;
  gte(value: unknown): unknown;
  lt(value: unknown): unknown;
  lte(value: unknown): unknown;
  exists(value: boolean): unknown;
  elemMatch(value: unknown): unknown;
  not(value: unknown): unknown;
  inc(value: number): unknown;
  push(value: unknown): unknown;
  addToSet(value: unknown): unknown;
  remove(): unknown;
  set(value: unknown): unknown;
}

interface SdkQuery {
  where(query: unknown): SdkQuery;
  orderBy(field: string, direction: 'asc' | 'desc'): SdkQuery;
  skip(n: number): SdkQuery;
  limit(n: number): SdkQuery;
  field(projection: Record<string, boolean>): SdkQuery;
  get(): Promise<{ data: unknown[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

interface SdkDocument {
  get(): Promise<{ data: unknown }>;
  set(options: { data: Record<string, unknown> }): Promise<unknown>;
  update(options: { data: Record<string, unknown> }): Promise<unknown>;
}

interface SdkAggregate {
  match(query: unknown): SdkAggregate;
  sort(order: Record<string, 1 | -1>): SdkAggregate;
  limit(n: number): SdkAggregate;
  project(projection: Record<string, 0 | 1>): SdkAggregate;
  lookup(stage: { from: string; as: string } & ({ localField: string; foreignField: string } | { pipeline: unknown[] })): SdkAggregate;
  group(stage: Record<string, unknown>): SdkAggregate;
  end(): Promise<{ list: unknown[] }>;
  /** A sub-pipeline's stages (for a $lookup). */
  done(): unknown[];
}

interface SdkCollection extends SdkQuery {
  doc(id: string): SdkDocument;
  aggregate(): SdkAggregate;
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string }>;
}

export interface SdkDatabase {
  command: DbCommand;
  collection(name: string): SdkCollection;
  runTransaction<R>(work: (tx: { collection(name: string): SdkCollection }) => Promise<R>, retries?: number): Promise<R>;
}

/**
 * A write-write conflict, in either form: the raw `{ code }` the SDK keeps for a conflict at
 * commit, or the wrapped error (errCode -501001, the code only in the message) it makes of a
 * conflict reported by a read or write inside the transaction.
 */
const isTransactionConflict = (error: unknown) => {
  const { code, errMsg, message } = (error ?? {}) as { code?: unknown; errMsg?: unknown; message?: unknown };
  return code === 'DATABASE_TRANSACTION_CONFLICT' || /TRANSACTION_CONFLICT|transaction.*conflict/i.test(`${String(errMsg ?? '')} ${String(message ?? '')}`);
};

/** How many times a transaction is run in all when it keeps meeting conflicts. */
const TRANSACTION_ATTEMPTS = 12;
/**
 * The pause before the next attempt doubles with each conflict (from 20 ms, at most 640 ms) and is
 * randomised (×0.5–1.5), so a rush on one document spreads out instead of colliding again; the
 * pauses of all 11 retries add up to 2–6 s at most.
 */
export const pauseAfterConflict = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt - 1, 5) * (0.5 + Math.random())));

/** The cloud database's duplicate-key error (E11000) means: that _id or unique key is taken. */
const isDuplicate = (error: unknown) => /E11000|duplicate key/i.test(String((error as { errMsg?: string })?.errMsg ?? error));

function toQuery(command: DbCommand, where: Where): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [field, condition] of Object.entries(where)) query[field] = toCondition(command, condition);
  return query;
}

function toCondition(command: DbCommand, condition: Condition): unknown {
  if (condition === null || typeof condition !== 'object' || condition instanceof Date) return condition;
  if ('in' in condition) return command.in(condition.in);
  if ('nin' in condition) return command.nin(condition.nin);
  if ('neq' in condition) return command.neq(condition.neq);
  if ('gt' in condition) return command.gt(condition.gt);
  if ('gte' in condition) return command.gte(condition.gte);
  if ('lt' in condition) return command.lt(condition.lt);
  if ('lte' in condition) return command.lte(condition.lte);
  // No element outside the list: { $not: { $elemMatch: { $nin: list } } }.
  if ('subsetOf' in condition) return command.not(command.elemMatch(command.nin(condition.subsetOf)));
  return command.exists(condition.exists);
}

/**
 * Documents after `values` in the order `orderBy`: (k1 > v1) or (k1 = v1 and k2 > v2) or …, with
 * “>” meaning “later in that field's direction”.
 */
function afterKeys(command: DbCommand, orderBy: NonNullable<FindOptions['orderBy']>, values: readonly unknown[]): unknown {
  if (values.length !== orderBy.length) throw new Error('keyset paging needs one value per orderBy field');
  const branches = orderBy.map(([field, direction], index) => {
    const branch: Record<string, unknown> = {};
    orderBy.slice(0, index).forEach(([equalField], equalIndex) => {
      branch[equalField] = command.eq(values[equalIndex]);
    });
    branch[field] = direction === 'asc' ? command.gt(values[index]) : command.lt(values[index]);
    return branch;
  });
  return command.or(branches);
}

/** `set` values replace whole fields (a nested object is not merged), as a domain write expects. */
function toUpdateData(command: DbCommand, update: Update): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(update.set ?? {})) {
    data[field] = value !== null && typeof value === 'object' && !(value instanceof Date) ? command.set(value) : value;
  }
  for (const [field, value] of Object.entries(update.inc ?? {})) data[field] = command.inc(value);
  for (const [field, value] of Object.entries(update.push ?? {})) data[field] = command.push(value);
  for (const [field, value] of Object.entries(update.addToSet ?? {})) data[field] = command.addToSet(value);
  for (const field of update.unset ?? []) data[field] = command.remove();
  return data;
}

const withoutId = <T extends { _id: string }>(doc: T): Record<string, unknown> => {
  const { _id, ...rest } = doc;
  void _id;
  return rest;
};

class WxCollection<T extends { _id: string }> implements Collection<T> {
  constructor(
    private readonly db: SdkDatabase,
    private readonly name: string,
  ) {}

  private get ref() {
    return this.db.collection(this.name);
  }

  async get(id: string): Promise<T | null> {
    const { data } = await this.ref.where({ _id: id }).limit(1).get();
    return (data[0] as T | undefined) ?? null;
  }

  private query(where: Where, options: FindOptions): unknown {
    const { command } = this.db;
    const base = toQuery(command, where);
    return options.after ? command.and([base, afterKeys(command, options.orderBy ?? [], options.after)]) : base;
  }

  /** $match, $sort, $limit, $project: what `find` does, as stages of an aggregate. */
  private narrow(pipeline: SdkAggregate, where: Where, options: Omit<FindOptions, 'skip'>): SdkAggregate {
    let narrowed = pipeline.match(this.query(where, options));
    if (options.orderBy?.length) narrowed = narrowed.sort(Object.fromEntries(options.orderBy.map(([field, direction]) => [field, direction === 'asc' ? 1 : -1])));
    // Without a $limit the service returns 20 documents.
    narrowed = narrowed.limit(Math.min(options.limit ?? 100, 1000));
    if (options.omit?.length) narrowed = narrowed.project(Object.fromEntries(options.omit.map((field) => [field, 0 as const])));
    return narrowed;
  }

  async find(where: Where, options: FindOptions = {}): Promise<T[]> {
    let query = this.ref.where(this.query(where, options));
    for (const [field, direction] of options.orderBy ?? []) query = query.orderBy(field, direction);
    if (options.skip) query = query.skip(options.skip);
    if (options.omit?.length) query = query.field(Object.fromEntries(options.omit.map((field) => [field, false])));
    const { data } = await query.limit(Math.min(options.limit ?? 100, 1000)).get();
    return data as T[];
  }

  /** $match and $group: one document `{ total }` (none when nothing matches). */
  private total(pipeline: SdkAggregate, where: Where, field: string): SdkAggregate {
    return pipeline
      .match(this.query(where, {}))
      .group({ _id: null, total: this.db.command.aggregate.sum(`$${field}`) })
      .limit(1);
  }

  async sum(where: Where, field: string): Promise<number> {
    const { list } = await this.total(this.ref.aggregate(), where, field).end();
    return (list[0] as { total?: number } | undefined)?.total ?? 0;
  }

  /** An aggregate: `find`'s stages, then one $lookup per join (an independent read as its sub-pipeline). */
  async findJoined<J extends Record<string, object>>(
    where: Where,
    options: Omit<FindOptions, 'skip'>,
    joins: { [K in keyof J]: Join },
  ): Promise<Array<T & { [K in keyof J]: J[K][] }>> {
    let pipeline = this.narrow(this.ref.aggregate(), where, options);
    for (const [as, join] of Object.entries(joins) as Array<[string, Join]>) {
      const sub = () => this.db.command.aggregate.pipeline();
      pipeline =
        'sum' in join
          ? pipeline.lookup({ from: join.from, as, pipeline: this.total(sub(), join.where, join.sum).done() })
          : 'where' in join
            ? pipeline.lookup({ from: join.from, as, pipeline: this.narrow(sub(), join.where, join).done() })
            : pipeline.lookup({ from: join.from, as, localField: join.localField, foreignField: join.foreignField });
    }
    return (await pipeline.end()).list as Array<T & { [K in keyof J]: J[K][] }>;
  }

  async count(where: Where): Promise<number> {
    return (await this.ref.where(toQuery(this.db.command, where)).count()).total;
  }

  async add(doc: T): Promise<boolean> {
    try {
      await this.ref.add({ data: doc as unknown as Record<string, unknown> });
      return true;
    } catch (error) {
      if (isDuplicate(error)) return false;
      throw error;
    }
  }

  async update(where: Where, update: Update): Promise<number> {
    try {
      const result = await this.ref.where(toQuery(this.db.command, where)).update({ data: toUpdateData(this.db.command, update) });
      return result.stats.updated;
    } catch (error) {
      // Two people saving the same name at once: the unique index decides, the loser is told why.
      if (isDuplicate(error)) throw new DomainError('CONFLICT', '与已有的记录重复（名称或编号已被使用），请修改后再试');
      throw error;
    }
  }
  async remove(where: Where): Promise<number> {
    const result = await this.ref.where(toQuery(this.db.command, where)).remove();
    return result.stats.removed;
  }
}

class WxTransactionCollection<T extends { _id: string }> implements TransactionCollection<T> {
  constructor(
    private readonly command: DbCommand,
    private readonly ref: SdkCollection,
  ) {}

  async get(id: string): Promise<T | null> {
    try {
      return ((await this.ref.doc(id).get()).data as T | null) ?? null;
    } catch (error) {
      if (/does not exist/.test(String((error as { errMsg?: string })?.errMsg ?? error))) return null;
      throw error;
    }
  }

  async add(doc: T): Promise<void> {
    await this.ref.add({ data: doc as unknown as Record<string, unknown> });
  }

  async set(doc: T): Promise<void> {
    await this.ref.doc(doc._id).set({ data: withoutId(doc) });
  }

  async update(id: string, update: Update): Promise<void> {
    await this.ref.doc(id).update({ data: toUpdateData(this.command, update) });
  }
}

export class WxStore implements Store {
  /** `pause`: how to wait before the next attempt (tests count the pauses instead of sleeping them). */
  constructor(
    private readonly db: SdkDatabase,
    private readonly pause: (attempt: number) => Promise<void> = pauseAfterConflict,
  ) {}

  collection<T extends { _id: string }>(name: string): Collection<T> {
    return new WxCollection<T>(this.db, name);
  }

  /**
   * runTransaction rolls back and rethrows whatever `work` threw (a DomainError stays one). It only
   * retries conflicts found at commit, so conflicts reported inside are retried here, after a
   * growing random pause: contenders for one document (a popular goods, an activity's places) fall
   * out of step instead of colliding again. When they go on, the person is told to try again;
   * nothing was written.
   */
  async transaction<R>(work: (tx: Transaction, attempt: number) => Promise<R>, options: { attempts?: number } = {}): Promise<R> {
    const attempts = options.attempts ?? TRANSACTION_ATTEMPTS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.db.runTransaction(async (sdkTx) => {
          const tx: Transaction = {
            collection: <D extends { _id: string }>(name: string) => new WxTransactionCollection<D>(this.db.command, sdkTx.collection(name)),
          };
          return work(tx, attempt);
          // 0: one attempt per loop turn; this loop does the retrying, for both kinds of conflict.
        }, 0);
      } catch (error) {
        // Two first writes of one document (a quota's first count of the day) may meet as a
        // duplicate key rather than a conflict: run again, and the second finds the first's.
        if (!isTransactionConflict(error) && !isDuplicate(error)) throw error;
        if (attempt >= attempts) throw new DomainError('CONFLICT', '同时操作的人较多，请稍后重试');
        await this.pause(attempt);
      }
    }
  }
}
