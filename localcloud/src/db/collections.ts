/**
 * The working set of the database: every collection in memory, in insertion order, each document
 * with the commit version that last wrote it. All writes go through `commit`, which checks unique
 * indexes, persists, then applies; it runs synchronously, so every commit is atomic and requests
 * never interleave inside one.
 */
import { EJSON } from 'bson';
import type { AnyObject } from 'mingo/types';
import { resolve } from 'mingo/util';
import { type Doc, encodeEjson } from './ejson';
import { dbErrors } from './errors';
import type { Persistence, PersistOp } from './persistence';

export interface IndexSpec {
  name: string;
  keys: Record<string, 1 | -1 | '2dsphere'>;
  unique?: boolean;
}

export interface Entry {
  id: unknown;
  idKey: string;
  doc: Doc;
  version: number;
  seq: number;
}

export interface CollectionState {
  name: string;
  entries: Map<string, Entry>;
  indexes: IndexSpec[];
  /** For each unique index: key tuple → idKey of the document holding it. */
  uniqueOwners: Map<string, Map<string, string>>;
}

/** One document's new state in a commit; `doc: null` deletes it. */
export interface Change {
  collection: CollectionState;
  idKey: string;
  id: unknown;
  doc: Doc | null;
}

interface PastState {
  doc: Doc;
  version: number;
  replacedAt: number;
}

export const idKeyOf = (id: unknown): string => JSON.stringify(id);

/** The index every collection has on `_id`; it is not listed in `indexes`. */
export const ID_INDEX_NAME = '_id_';

function sameKeyPattern(a: IndexSpec, b: IndexSpec): boolean {
  const aKeys = Object.entries(a.keys);
  const bKeys = Object.entries(b.keys);
  return aKeys.length === bKeys.length && aKeys.every(([field, direction], i) => bKeys[i]![0] === field && bKeys[i]![1] === direction);
}

const sameIndex = (a: IndexSpec, b: IndexSpec): boolean => sameKeyPattern(a, b) && (a.unique === true) === (b.unique === true);

function uniqueKeyOf(index: IndexSpec, doc: Doc): string {
  // A missing field indexes as null, so two documents without it clash, as in MongoDB.
  return encodeEjson(Object.keys(index.keys).map((field) => resolve(doc as AnyObject, field) ?? null));
}

export class Collections {
  private readonly collections = new Map<string, CollectionState>();
  private version = 0;
  private seq = 0;
  /** Earlier states of documents, kept only while a transaction may need its snapshot. */
  private readonly history = new Map<string, PastState[]>();
  private readonly openSnapshots = new Map<number, number>();

  constructor(
    private readonly persistence: Persistence,
    private readonly indexConfig: Record<string, IndexSpec[]>,
  ) {}

  get currentVersion(): number {
    return this.version;
  }

  /**
   * Loads what persistence holds, and creates the collections the schema declares. A collection's
   * indexes are the schema's plus those created through the server API (tcb/updateindex); the schema
   * wins a name both hold, so an index the API dropped from the schema's is back after a restart.
   */
  load(declared: readonly string[]): void {
    const { collections, documents, indexes } = this.persistence.load();
    for (const name of collections) this.addState(name);
    for (const row of indexes) {
      const state = this.collections.get(row.collection) ?? this.addState(row.collection);
      if (state.indexes.some((index) => index.name === row.name)) continue;
      const spec = JSON.parse(row.spec) as IndexSpec;
      state.indexes = [...state.indexes, spec];
      if (spec.unique) state.uniqueOwners.set(spec.name, new Map());
    }
    for (const row of documents) {
      const state = this.collections.get(row.collection) ?? this.addState(row.collection);
      const doc = EJSON.parse(row.body, { relaxed: true }) as Doc;
      this.seq = Math.max(this.seq, row.seq);
      const entry: Entry = { id: doc._id, idKey: row.idKey, doc, version: 0, seq: row.seq };
      state.entries.set(row.idKey, entry);
      this.indexEntry(state, entry);
    }
    for (const name of declared) if (!this.collections.has(name)) this.create(name);
  }

  names(): string[] {
    return [...this.collections.keys()];
  }

  get(name: string): CollectionState | undefined {
    return this.collections.get(name);
  }

  require(name: string): CollectionState {
    const state = this.collections.get(name);
    if (!state) throw dbErrors.collectionNotExist(name);
    return state;
  }

  create(name: string): CollectionState {
    if (this.collections.has(name)) throw dbErrors.collectionExists(name);
    this.persistence.write([{ kind: 'createCollection', name }]);
    return this.addState(name);
  }

  docs(state: CollectionState): Doc[] {
    return [...state.entries.values()].map((entry) => entry.doc);
  }

  /** Drops every collection and document, then re-creates the declared collections. */
  reset(declared: readonly string[]): void {
    this.persistence.write([{ kind: 'dropAll' }]);
    this.collections.clear();
    this.history.clear();
    for (const name of declared) this.create(name);
  }

  /**
   * Whether `spec` can join `beside` (the collection's indexes by default), as MongoDB's createIndexes
   * decides: the same name with the same keys and options is already there (`exists`); the same name
   * with other keys or options, or the same keys under another name, is a conflict; a unique index
   * over documents that repeat a key fails. Throws the refusal; changes nothing.
   */
  checkIndex(state: CollectionState, spec: IndexSpec, beside: readonly IndexSpec[] = state.indexes): 'exists' | 'new' {
    const sameName = beside.find((index) => index.name === spec.name);
    if (sameName) {
      if (sameIndex(sameName, spec)) return 'exists';
      throw dbErrors.indexNameConflict(state.name, spec.name);
    }
    const sameKeys = beside.find((index) => sameKeyPattern(index, spec));
    if (sameKeys) throw dbErrors.indexKeysConflict(state.name, sameKeys.name);
    if (spec.unique) this.uniqueOwnersFor(state, spec);
    return 'new';
  }

  /** Creates an index unless it is already there (then false); refusals as checkIndex. */
  createIndex(state: CollectionState, spec: IndexSpec): boolean {
    if (this.checkIndex(state, spec) === 'exists') return false;
    const owners = spec.unique ? this.uniqueOwnersFor(state, spec) : null;
    this.persistence.write([{ kind: 'putIndex', collection: state.name, name: spec.name, spec: JSON.stringify(spec) }]);
    state.indexes = [...state.indexes, spec];
    if (owners) state.uniqueOwners.set(spec.name, owners);
    return true;
  }

  /** Why an index of that name cannot be dropped (throws): `_id_`, or a name the collection does not have. */
  checkDropIndex(state: CollectionState, name: string): void {
    if (name === ID_INDEX_NAME) throw dbErrors.invalidParam('cannot drop _id index');
    if (!state.indexes.some((index) => index.name === name)) throw dbErrors.indexNotFound(state.name, name);
  }

  private uniqueOwnersFor(state: CollectionState, spec: IndexSpec): Map<string, string> {
    const owners = new Map<string, string>();
    for (const entry of state.entries.values()) {
      const key = uniqueKeyOf(spec, entry.doc);
      if (owners.has(key)) throw dbErrors.duplicateKey(state.name, spec.name, key);
      owners.set(key, entry.idKey);
    }
    return owners;
  }

  /** Drops an index by name; refusals as checkDropIndex. */
  dropIndex(state: CollectionState, name: string): void {
    this.checkDropIndex(state, name);
    this.persistence.write([{ kind: 'dropIndex', collection: state.name, name }]);
    state.indexes = state.indexes.filter((index) => index.name !== name);
    state.uniqueOwners.delete(name);
  }

  private addState(name: string): CollectionState {
    // A copy: indexes created or dropped later belong to this collection, not to the schema.
    const indexes = [...(this.indexConfig[name] ?? [])];
    const state: CollectionState = {
      name,
      entries: new Map(),
      indexes,
      uniqueOwners: new Map(indexes.filter((index) => index.unique).map((index) => [index.name, new Map()])),
    };
    this.collections.set(name, state);
    return state;
  }

  private indexEntry(state: CollectionState, entry: Entry): void {
    for (const index of state.indexes) {
      if (!index.unique) continue;
      const owners = state.uniqueOwners.get(index.name)!;
      const key = uniqueKeyOf(index, entry.doc);
      if (owners.has(key)) throw dbErrors.duplicateKey(state.name, index.name, key);
      owners.set(key, entry.idKey);
    }
  }

  /** Rejects a set of changes that would give two documents the same _id-free unique key. */
  private checkUnique(changes: readonly Change[]): void {
    const claimed = new Map<string, string>();
    const changing = new Set(changes.map((change) => `${change.collection.name}\u0000${change.idKey}`));
    for (const change of changes) {
      if (!change.doc) continue;
      for (const index of change.collection.indexes) {
        if (!index.unique) continue;
        const key = uniqueKeyOf(index, change.doc);
        const slot = `${change.collection.name}\u0000${index.name}\u0000${key}`;
        const owner = change.collection.uniqueOwners.get(index.name)!.get(key);
        const ownerIsMoving = owner !== undefined && changing.has(`${change.collection.name}\u0000${owner}`);
        const clashesStored = owner !== undefined && owner !== change.idKey && !ownerIsMoving;
        const clashesBatch = claimed.has(slot) && claimed.get(slot) !== change.idKey;
        if (clashesStored || clashesBatch) throw dbErrors.duplicateKey(change.collection.name, index.name, key);
        claimed.set(slot, change.idKey);
      }
    }
  }

  /** Persists and applies changes atomically; returns the commit version. */
  commit(changes: readonly Change[]): number {
    if (changes.length === 0) return this.version;
    this.checkUnique(changes);
    const version = this.version + 1;
    const ops: PersistOp[] = [];
    const seqs = new Map<Change, number>();
    for (const change of changes) {
      if (change.doc === null) {
        ops.push({ kind: 'delete', collection: change.collection.name, idKey: change.idKey });
        continue;
      }
      const seq = change.collection.entries.get(change.idKey)?.seq ?? ++this.seq;
      seqs.set(change, seq);
      ops.push({ kind: 'put', collection: change.collection.name, idKey: change.idKey, seq, body: encodeEjson(change.doc) });
    }
    this.persistence.write(ops); // throws before memory changes if the disk refuses
    this.version = version;
    for (const change of changes) {
      const { collection } = change;
      const previous = collection.entries.get(change.idKey);
      if (previous) {
        if (this.openSnapshots.size > 0) this.remember(collection.name, previous, version);
        for (const index of collection.indexes) {
          if (!index.unique) continue;
          const owners = collection.uniqueOwners.get(index.name)!;
          const key = uniqueKeyOf(index, previous.doc);
          if (owners.get(key) === change.idKey) owners.delete(key);
        }
      }
      if (change.doc === null) {
        collection.entries.delete(change.idKey);
        continue;
      }
      const entry: Entry = { id: change.id, idKey: change.idKey, doc: change.doc, version, seq: seqs.get(change)! };
      collection.entries.set(change.idKey, entry);
      for (const index of collection.indexes) {
        if (index.unique) collection.uniqueOwners.get(index.name)!.set(uniqueKeyOf(index, entry.doc), entry.idKey);
      }
    }
    return version;
  }

  private remember(collection: string, previous: Entry, replacedAt: number): void {
    const key = `${collection}\u0000${previous.idKey}`;
    const list = this.history.get(key) ?? [];
    list.push({ doc: previous.doc, version: previous.version, replacedAt });
    this.history.set(key, list);
  }

  /** Opens a snapshot at the current version (for a transaction). */
  openSnapshot(): number {
    const version = this.version;
    this.openSnapshots.set(version, (this.openSnapshots.get(version) ?? 0) + 1);
    return version;
  }

  closeSnapshot(version: number): void {
    const count = (this.openSnapshots.get(version) ?? 1) - 1;
    if (count > 0) this.openSnapshots.set(version, count);
    else this.openSnapshots.delete(version);
    if (this.openSnapshots.size === 0) this.history.clear();
  }

  /** The document as it was at `snapshot`, or null if it did not exist then. */
  readAt(state: CollectionState, idKey: string, snapshot: number): Doc | null {
    const current = state.entries.get(idKey);
    if (current && current.version <= snapshot) return current.doc;
    const past = this.history.get(`${state.name}\u0000${idKey}`) ?? [];
    const visible = past.find((item) => item.version <= snapshot && snapshot < item.replacedAt);
    return visible?.doc ?? null;
  }

  /**
   * The version of the last commit that wrote (or deleted) a document; -1 if none is known. While a
   * snapshot is open, deletions are remembered in the history, so they count too.
   */
  lastWriteVersion(state: CollectionState, idKey: string): number {
    const past = this.history.get(`${state.name}\u0000${idKey}`) ?? [];
    return Math.max(state.entries.get(idKey)?.version ?? -1, ...past.map((item) => item.replacedAt));
  }
}
