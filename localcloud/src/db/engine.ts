/**
 * The database actions of the TCB wire protocol (what wx-server-sdk's `database.*` requests mean),
 * on top of `Collections`. Replies are the `data` payloads the SDK reads.
 */
import { randomBytes } from 'node:crypto';
import { EJSON } from 'bson';
import type { AnyObject } from 'mingo/types';
import { resolve } from 'mingo/util';
import { Collections, type CollectionState, type Change, idKeyOf, type IndexSpec } from './collections';
import { type Doc, decodeEjson, decodeOptional, encodeEjson, isPlainObject } from './ejson';
import { CloudError, dbErrors } from './errors';
import { type IndexAdviceMode, IndexAdvisor, type IndexException, type QueryOperation, type UnservedQuery } from './index-advisor';
import type { Persistence } from './persistence';
import {
  applyUpdate,
  countDocuments,
  findDocuments,
  type GeoNearStage,
  geoFieldsOf,
  geoNearStage,
  runPipeline,
} from './query';

/** Limits of the real service for server-side (cloud function) callers. */
export const LIMITS = { getDefault: 100, getMax: 1000, aggregateDefault: 20, transactionMs: 30_000, resultBytes: 1024 * 1024 } as const;

/** A read's documents, refused as WeChat's database refuses them when together they pass 1 MB. */
function withinResultLimit(list: string[]): string[] {
  let bytes = 0;
  for (const text of list) bytes += Buffer.byteLength(text);
  if (bytes > LIMITS.resultBytes) throw dbErrors.requestFailed(`database query result size exceed limit (1MB): ${bytes} bytes`);
  return list;
}

export interface SchemaConfig {
  /** Collection name → its indexes. Every listed collection exists from the start. */
  collections: Record<string, { indexes?: IndexSpec[] }>;
  /** Queries accepted without an index (database/index-exceptions.json), each with its reason. */
  indexExceptions?: IndexException[];
}

export interface EngineOptions {
  persistence: Persistence;
  schema?: SchemaConfig;
  now: () => number;
  transactionTimeoutMs?: number;
  /**
   * What to do with a query no declared index serves: `record` it for the console (default), also
   * `log` it once per shape, or fail it (`strict`, for tests) unless it is an accepted exception.
   */
  indexAdvice?: IndexAdviceMode;
  /** Where `log` and `strict` print (default console.warn). */
  log?: (line: string) => void;
}

interface Transaction {
  id: string;
  snapshot: number;
  writes: Map<CollectionState, Map<string, { id: unknown; doc: Doc | null }>>;
  timer: NodeJS.Timeout;
}

type Body = Record<string, unknown>;
export type Reply = Record<string, unknown>;

const newId = (): string => randomBytes(16).toString('hex');

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw dbErrors.invalidParam(`${what} must be an object`);
  return value;
}

function hasOperators(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => key.startsWith('$'));
}

/** Mingo reports bad queries with plain Errors; the real service answers DATABASE_REQUEST_FAILED. */
function asCloudError(error: unknown): CloudError {
  if (error instanceof CloudError) return error;
  return dbErrors.requestFailed(error instanceof Error ? error.message : String(error));
}

export class DatabaseEngine {
  readonly collections: Collections;
  private readonly transactions = new Map<string, Transaction>();
  private readonly endedTransactions = new Map<string, string>();
  private readonly declared: string[];
  private readonly now: () => number;
  private readonly transactionMs: number;
  readonly indexAdvisor: IndexAdvisor;

  constructor(private readonly options: EngineOptions) {
    const schema = options.schema?.collections ?? {};
    const indexes = Object.fromEntries(Object.entries(schema).map(([name, spec]) => [name, spec.indexes ?? []]));
    this.collections = new Collections(options.persistence, indexes);
    this.declared = Object.keys(schema);
    this.now = options.now;
    this.transactionMs = options.transactionTimeoutMs ?? LIMITS.transactionMs;
    this.indexAdvisor = new IndexAdvisor({
      mode: options.indexAdvice ?? 'record',
      exceptions: options.schema?.indexExceptions ?? [],
      log: options.log,
      now: options.now,
    });
    this.collections.load(this.declared);
  }

  /** Queries no declared index serves, as the console's index advice lists them. */
  unservedQueries(): UnservedQuery[] {
    return this.indexAdvisor.list();
  }

  get persistence(): Persistence {
    return this.options.persistence;
  }

  /**
   * Runs one `database.*` action. Throws CloudError for a reply the SDK reports as an error.
   * `caller` (the function that sent it, if known) only labels index advice.
   */
  execute(action: string, body: Body, caller?: string): Reply {
    this.caller = caller;
    try {
      return this.dispatch(action, body);
    } catch (error) {
      throw asCloudError(error);
    } finally {
      this.caller = undefined;
    }
  }

  private caller: string | undefined;

  /** Index advice for a WHERE request, before it runs (so a strict failure changes nothing). */
  private checkIndexes(state: CollectionState, operation: QueryOperation, query: Record<string, unknown> | undefined, order?: Record<string, 1 | -1>): void {
    this.indexAdvisor.check({ collection: state.name, indexes: state.indexes, operation, query, order, caller: this.caller });
  }

  private dispatch(action: string, body: Body): Reply {
    switch (action) {
      case 'database.addCollection':
        this.collections.create(this.collectionName(body));
        return {};
      case 'database.startTransaction':
        return { transactionId: this.startTransaction() };
      case 'database.commitTransaction':
        this.commitTransaction(this.transaction(body));
        return {};
      case 'database.abortTransaction':
        this.endTransaction(this.transaction(body), 'aborted');
        return {};
    }
    const state = this.collections.require(this.collectionName(body));
    const txn = body.transactionId ? this.transaction(body) : null;
    switch (action) {
      case 'database.getDocument':
        return { data: { list: withinResultLimit(this.getDocuments(state, body, txn).map(encodeEjson)) } };
      case 'database.calculateDocument': {
        const query = this.decodeQuery(body);
        this.checkIndexes(state, 'count', query);
        return { data: { total: countDocuments(this.candidates(state, query), query) } };
      }
      case 'database.insertDocument':
        return { data: { insertedIds: this.insert(state, body, txn) } };
      case 'database.modifyDocument':
        return { data: this.modify(state, body, txn) };
      case 'database.modifyAndReturnDoc':
        if (txn) throw this.notInTransaction('updateAndReturn');
        return { data: this.modifyAndReturn(state, body) };
      case 'database.removeDocument':
        return { data: { deleted: this.remove(state, body, txn) } };
      case 'database.aggregateDocuments':
        return { data: { list: withinResultLimit(this.aggregate(state, body).map(encodeEjson)) } };
      default:
        throw dbErrors.invalidParam(`unknown database action ${action}`);
    }
  }

  private collectionName(body: Body): string {
    const name = body.collectionName;
    if (typeof name !== 'string' || name === '') throw dbErrors.invalidParam('collectionName is required');
    return name;
  }

  private decode(text: unknown): unknown {
    return decodeOptional(text, this.now());
  }

  private decodeQuery(body: Body): Record<string, unknown> | undefined {
    const query = this.decode(body.query);
    return query === undefined ? undefined : asRecord(query, 'query');
  }

  private checkGeoIndexes(state: CollectionState, query: unknown): void {
    for (const field of geoFieldsOf(query)) {
      const indexed = state.indexes.some((index) => index.keys[field] === '2dsphere');
      if (!indexed) throw dbErrors.requestFailed(`unable to find index for $geoNear query (field ${field} has no geo index)`);
    }
  }

  /** The _id of a DOC-type request: the SDK always sends query {_id}. */
  private docId(body: Body): unknown {
    const query = this.decodeQuery(body);
    if (!query || !('_id' in query)) throw dbErrors.invalidParam('a document request needs query._id');
    return query._id;
  }

  private notInTransaction(what: string): CloudError {
    return dbErrors.requestFailed(
      `${what} is not supported in a transaction: use single-document operations (doc().get/set/update/remove, add)`,
    );
  }

  // ---- reads -------------------------------------------------------------------------------

  private getDocuments(state: CollectionState, body: Body, txn: Transaction | null): Doc[] {
    const projection = this.decode(body.projection) as Record<string, unknown> | undefined;
    if (body.queryType === 'DOC') {
      const idKey = idKeyOf(this.docId(body));
      const doc = txn ? this.readInTransaction(txn, state, idKey) : (state.entries.get(idKey)?.doc ?? null);
      return doc ? findDocuments([doc], { projection }) : [];
    }
    if (txn) throw this.notInTransaction('where().get()');
    const query = this.decodeQuery(body);
    this.checkGeoIndexes(state, query);
    const order = this.decode(body.order) as Record<string, 1 | -1> | undefined;
    this.checkIndexes(state, 'get', query, order);
    const requested = typeof body.limit === 'number' && body.limit > 0 ? body.limit : LIMITS.getDefault;
    return findDocuments(this.candidates(state, query), {
      query,
      order,
      offset: typeof body.offset === 'number' ? body.offset : 0,
      limit: Math.min(requested, LIMITS.getMax),
      projection,
    });
  }

  private aggregate(state: CollectionState, body: Body): Doc[] {
    if (!Array.isArray(body.stages)) throw dbErrors.invalidParam('stages must be an array');
    const now = this.now();
    const pipeline = body.stages.map((stage: unknown) => {
      const { stageKey, stageValue } = asRecord(stage, 'stage') as { stageKey?: unknown; stageValue?: unknown };
      if (typeof stageKey !== 'string' || typeof stageValue !== 'string') throw dbErrors.invalidParam('bad stage');
      return { [stageKey]: decodeEjson(stageValue, now) } as AnyObject;
    });
    const first = pipeline[0];
    let docs = first && '$match' in first ? this.candidates(state, first.$match as Record<string, unknown>) : this.collections.docs(state);
    if (first && '$geoNear' in first) {
      const stage = first.$geoNear as unknown as GeoNearStage;
      const geoIndex = state.indexes.find((index) => Object.values(index.keys).includes('2dsphere'));
      const field = stage.key ?? (geoIndex ? Object.keys(geoIndex.keys).find((k) => geoIndex.keys[k] === '2dsphere') : undefined);
      if (!field) throw dbErrors.requestFailed('$geoNear requires a geo index on the collection');
      docs = geoNearStage(docs, stage, field);
      pipeline.shift();
    }
    if (pipeline.some((stage) => '$geoNear' in stage)) throw dbErrors.requestFailed('$geoNear is only valid as the first stage in a pipeline');
    if (pipeline.some((stage) => '$out' in stage || '$merge' in stage))
      throw dbErrors.requestFailed('$out and $merge are not supported by the local cloud');
    if (!first || !('$geoNear' in first)) this.indexAdvisor.checkPipeline({ collection: state.name, indexes: state.indexes, pipeline, caller: this.caller });
    this.checkLookups(pipeline);
    // Without a $limit stage the real service returns 20 documents.
    if (!pipeline.some((stage) => '$limit' in stage)) pipeline.push({ $limit: LIMITS.aggregateDefault });
    return this.runStages(docs, pipeline);
  }

  /**
   * The documents a query can match, found by _id when it names one or a list of them (the rest of
   * the query is still applied to them): a read by id does not go through every document.
   */
  private candidates(state: CollectionState, query: Record<string, unknown> | undefined): Doc[] {
    const id = query?._id;
    const plain = (value: unknown) => typeof value === 'string' || typeof value === 'number';
    const ids = plain(id) ? [id] : id && typeof id === 'object' && Object.keys(id).length === 1 && Array.isArray((id as { $in?: unknown }).$in) && (id as { $in: unknown[] }).$in.every(plain) ? (id as { $in: unknown[] }).$in : null;
    if (!ids) return this.collections.docs(state);
    const docs: Doc[] = [];
    for (const key of new Set(ids.map(idKeyOf))) {
      const doc = state.entries.get(key)?.doc;
      if (doc) docs.push(doc);
    }
    return docs;
  }

  /**
   * Runs a pipeline. A $lookup by another collection's _id, or by its own sub-pipeline without
   * `let` (the same documents for every row), is done here rather than by mingo, which would go
   * through the whole other collection for each request (the caller's joins are on every call).
   */
  private runStages(docs: Doc[], pipeline: AnyObject[]): Doc[] {
    const resolver = (name: string) => {
      const other = this.collections.get(name);
      return other ? (this.collections.docs(other) as AnyObject[]) : [];
    };
    let rows = docs;
    let segment: AnyObject[] = [];
    const flush = () => {
      if (segment.length > 0) rows = runPipeline(rows, segment, resolver);
      segment = [];
    };
    for (const stage of pipeline) {
      const lookup = '$lookup' in stage ? (stage.$lookup as { from?: unknown; localField?: unknown; foreignField?: unknown; pipeline?: unknown; let?: unknown; as?: unknown }) : null;
      const other = lookup && typeof lookup.from === 'string' ? this.collections.get(lookup.from) : undefined;
      const byId = lookup && lookup.foreignField === '_id' && typeof lookup.localField === 'string' && lookup.pipeline === undefined;
      const independent = lookup && Array.isArray(lookup.pipeline) && lookup.let === undefined && lookup.localField === undefined;
      if (!lookup || typeof lookup.as !== 'string' || !other || (!byId && !independent)) {
        segment.push(stage);
        continue;
      }
      flush();
      const as = lookup.as;
      if (independent) {
        const subPipeline = lookup.pipeline as AnyObject[];
        const head = subPipeline[0];
        const joined = this.runStages(head && '$match' in head ? this.candidates(other, head.$match as Record<string, unknown>) : this.collections.docs(other), subPipeline);
        rows = rows.map((row) => ({ ...row, [as]: joined }));
      } else {
        const field = lookup.localField as string;
        rows = rows.map((row) => {
          const value = resolve(row as AnyObject, field) ?? null;
          const keys = Array.isArray(value) ? value : [value];
          const joined = [...new Set(keys.map(idKeyOf))].flatMap((key) => {
            const doc = other.entries.get(key)?.doc;
            return doc ? [doc] : [];
          });
          return { ...row, [as]: joined };
        });
      }
    }
    flush();
    return rows;
  }

  /** Each $lookup reads another collection: by its foreignField, or by its own sub-pipeline. */
  private checkLookups(pipeline: AnyObject[]): void {
    for (const stage of pipeline) {
      if (!('$lookup' in stage)) continue;
      const lookup = stage.$lookup as { from?: unknown; foreignField?: unknown; pipeline?: unknown };
      const other = typeof lookup.from === 'string' ? this.collections.get(lookup.from) : undefined;
      if (!other) continue;
      if (Array.isArray(lookup.pipeline) && lookup.pipeline.length > 0) {
        this.indexAdvisor.checkPipeline({ collection: other.name, indexes: other.indexes, pipeline: lookup.pipeline as AnyObject[], caller: this.caller });
      } else if (typeof lookup.foreignField === 'string') {
        this.indexAdvisor.check({ collection: other.name, indexes: other.indexes, operation: 'aggregate', query: { [lookup.foreignField]: { $in: [] } }, caller: this.caller });
      }
    }
  }

  // ---- writes ------------------------------------------------------------------------------

  private decodeDocument(text: unknown): Doc {
    if (typeof text !== 'string') throw dbErrors.invalidParam('data must be EJSON text');
    return asRecord(this.decode(text), 'data') as Doc;
  }

  private insert(state: CollectionState, body: Body, txn: Transaction | null): unknown[] {
    const texts = Array.isArray(body.data) ? body.data : [body.data];
    const docs = texts.map((text) => {
      const doc = this.decodeDocument(text);
      return doc._id === undefined ? { _id: newId(), ...doc } : doc;
    });
    const seen = new Set<string>();
    const changes: Change[] = docs.map((doc) => {
      const idKey = idKeyOf(doc._id);
      const exists = txn ? this.readInTransaction(txn, state, idKey) !== null : state.entries.has(idKey);
      if (exists || seen.has(idKey)) throw dbErrors.duplicateKey(state.name, '_id_', `{ _id: ${encodeEjson(doc._id)} }`);
      seen.add(idKey);
      return { collection: state, idKey, id: doc._id, doc };
    });
    if (txn) changes.forEach((change) => this.stage(txn, change));
    else this.collections.commit(changes);
    return docs.map((doc) => doc._id);
  }

  /** New state of one document under a modifyDocument body, or null if it does not change. */
  private modified(current: Doc | null, id: unknown, body: Body): { doc: Doc | null; created: boolean } {
    const data = asRecord(this.decode(body.data), 'data');
    if (body.merge === false) {
      if (hasOperators(data)) throw dbErrors.requestFailed('update operator complicit: set() takes a plain document');
      if (!current && body.upsert !== true) return { doc: null, created: false };
      const replacement: Doc = { _id: id, ...data };
      replacement._id = id;
      const same = current !== null && encodeEjson(current) === encodeEjson(replacement);
      return { doc: same ? null : replacement, created: current === null };
    }
    if (!current) return { doc: null, created: false };
    const modifier = hasOperators(data) ? data : { $set: data };
    const next = applyUpdate(current, modifier);
    if (next && encodeEjson(next._id) !== encodeEjson(current._id))
      throw dbErrors.requestFailed("Performing an update on the path '_id' would modify the immutable field '_id'");
    return { doc: next, created: false };
  }

  private modify(state: CollectionState, body: Body, txn: Transaction | null): Reply {
    if (body.queryType === 'DOC') {
      const id = this.docId(body);
      const idKey = idKeyOf(id);
      const current = txn ? this.readInTransaction(txn, state, idKey) : (state.entries.get(idKey)?.doc ?? null);
      const { doc, created } = this.modified(current, id, body);
      if (doc) {
        const change = { collection: state, idKey, id, doc };
        if (txn) this.stage(txn, change);
        else this.collections.commit([change]);
      }
      return created ? { updated: 0, upsert_id: id } : { updated: doc ? 1 : 0 };
    }
    if (txn) throw this.notInTransaction('where().update()');
    const targets = this.matchedEntries(state, body, 'update');
    const changes: Change[] = [];
    for (const entry of targets) {
      const { doc } = this.modified(entry.doc, entry.id, body);
      if (doc) changes.push({ collection: state, idKey: entry.idKey, id: entry.id, doc });
    }
    this.collections.commit(changes);
    return { updated: changes.length };
  }

  private modifyAndReturn(state: CollectionState, body: Body): Reply {
    const [entry] = this.matchedEntries(state, { ...body, multi: false }, 'update');
    if (!entry) return { updated: 0, doc: null };
    const { doc } = this.modified(entry.doc, entry.id, { ...body, merge: true });
    if (doc) this.collections.commit([{ collection: state, idKey: entry.idKey, id: entry.id, doc }]);
    return { updated: doc ? 1 : 0, doc: encodeEjson(doc ?? entry.doc) };
  }

  private remove(state: CollectionState, body: Body, txn: Transaction | null): number {
    if (body.queryType === 'DOC') {
      const id = this.docId(body);
      const idKey = idKeyOf(id);
      const exists = txn ? this.readInTransaction(txn, state, idKey) !== null : state.entries.has(idKey);
      if (!exists) return 0;
      const change = { collection: state, idKey, id, doc: null };
      if (txn) this.stage(txn, change);
      else this.collections.commit([change]);
      return 1;
    }
    if (txn) throw this.notInTransaction('where().remove()');
    const targets = this.matchedEntries(state, body, 'remove');
    this.collections.commit(targets.map((entry) => ({ collection: state, idKey: entry.idKey, id: entry.id, doc: null })));
    return targets.length;
  }

  /** Entries a WHERE request targets, in storage order; only the first when multi is false. */
  private matchedEntries(state: CollectionState, body: Body, operation: QueryOperation) {
    const query = this.decodeQuery(body);
    this.checkGeoIndexes(state, query);
    this.checkIndexes(state, operation, query);
    const docs = findDocuments(this.candidates(state, query), { query });
    const matchedDocs = new Set(body.multi === false ? docs.slice(0, 1) : docs);
    return [...state.entries.values()].filter((entry) => matchedDocs.has(entry.doc));
  }

  // ---- transactions ------------------------------------------------------------------------

  private startTransaction(): string {
    const id = `txn-${newId()}`;
    const timer = setTimeout(() => {
      const txn = this.transactions.get(id);
      if (txn) this.endTransaction(txn, 'expired');
    }, this.transactionMs);
    timer.unref();
    this.transactions.set(id, { id, snapshot: this.collections.openSnapshot(), writes: new Map(), timer });
    return id;
  }

  private transaction(body: Body): Transaction {
    const id = body.transactionId;
    if (typeof id !== 'string') throw dbErrors.invalidParam('transactionId is required');
    const txn = this.transactions.get(id);
    if (txn) return txn;
    const ended = this.endedTransactions.get(id);
    if (ended === 'expired') throw dbErrors.transactionFail(`transaction ${id} expired (over ${this.transactionMs} ms)`);
    throw dbErrors.transactionFail(`transaction ${id} is ${ended ?? 'unknown'}`);
  }

  private endTransaction(txn: Transaction, outcome: 'committed' | 'aborted' | 'expired' | 'conflicted'): void {
    clearTimeout(txn.timer);
    this.transactions.delete(txn.id);
    this.collections.closeSnapshot(txn.snapshot);
    this.endedTransactions.set(txn.id, outcome);
    if (this.endedTransactions.size > 1000) {
      const oldest = this.endedTransactions.keys().next().value;
      if (oldest !== undefined) this.endedTransactions.delete(oldest);
    }
  }

  private readInTransaction(txn: Transaction, state: CollectionState, idKey: string): Doc | null {
    const own = txn.writes.get(state)?.get(idKey);
    if (own) return own.doc;
    return this.collections.readAt(state, idKey, txn.snapshot);
  }

  private stage(txn: Transaction, change: Change): void {
    const writes = txn.writes.get(change.collection) ?? new Map();
    writes.set(change.idKey, { id: change.id, doc: change.doc });
    txn.writes.set(change.collection, writes);
  }

  /**
   * First committer wins: if another commit wrote any document this transaction wrote since its
   * snapshot, it fails with DATABASE_TRANSACTION_CONFLICT, which runTransaction retries.
   */
  private commitTransaction(txn: Transaction): void {
    const changes: Change[] = [];
    for (const [collection, writes] of txn.writes) {
      for (const [idKey, { id, doc }] of writes) {
        if (this.collections.lastWriteVersion(collection, idKey) > txn.snapshot) {
          this.endTransaction(txn, 'conflicted');
          throw dbErrors.transactionConflict();
        }
        changes.push({ collection, idKey, id, doc });
      }
    }
    try {
      this.collections.commit(changes);
    } catch (error) {
      this.endTransaction(txn, 'aborted'); // e.g. a unique index clash: nothing was written
      throw error;
    }
    this.endTransaction(txn, 'committed');
  }

  // ---- control -----------------------------------------------------------------------------

  reset(): void {
    for (const txn of [...this.transactions.values()]) this.endTransaction(txn, 'aborted');
    this.indexAdvisor.clear();
    this.collections.reset(this.declared);
  }

  /** Every collection as JSON lines: a declaration line, then one line per document. */
  *exportLines(): Generator<string> {
    for (const name of this.collections.names()) {
      yield JSON.stringify({ collection: name });
      const state = this.collections.require(name);
      for (const entry of state.entries.values()) yield `{"collection":${JSON.stringify(name)},"doc":${encodeEjson(entry.doc)}}`;
    }
  }

  /** Imports lines made by exportLines; documents replace those with the same _id. */
  importLines(lines: Iterable<string>): number {
    const changes: Change[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      const parsed = EJSON.parse(line, { relaxed: true }) as { collection?: unknown; doc?: Doc };
      if (typeof parsed.collection !== 'string') throw dbErrors.invalidParam(`import line without collection: ${line.slice(0, 80)}`);
      const state = this.collections.get(parsed.collection) ?? this.collections.create(parsed.collection);
      if (!parsed.doc) continue;
      const doc = parsed.doc._id === undefined ? { _id: newId(), ...parsed.doc } : parsed.doc;
      changes.push({ collection: state, idKey: idKeyOf(doc._id), id: doc._id, doc });
    }
    this.collections.commit(changes);
    return changes.length;
  }

  close(): void {
    for (const txn of [...this.transactions.values()]) this.endTransaction(txn, 'aborted');
    this.options.persistence.close();
  }
}
