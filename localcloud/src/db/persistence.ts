/**
 * Where the database's documents are kept between runs. The engine holds every collection in memory
 * (mingo evaluates queries on JS objects) and writes each acknowledged change through to the
 * persistence before it replies, so SQLite is the durable copy and memory is the working set.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface PersistedDocument {
  collection: string;
  /** JSON of the _id, so that the string "5" and the number 5 stay distinct. */
  idKey: string;
  seq: number;
  /** Canonical EJSON of the whole document. */
  body: string;
}

/** An index created through the server API (tcb/updateindex), kept beside the schema's. */
export interface PersistedIndex {
  collection: string;
  name: string;
  /** JSON of the IndexSpec. */
  spec: string;
}

export type PersistOp =
  | { kind: 'put'; collection: string; idKey: string; seq: number; body: string }
  | { kind: 'delete'; collection: string; idKey: string }
  | { kind: 'createCollection'; name: string }
  | { kind: 'putIndex'; collection: string; name: string; spec: string }
  | { kind: 'dropIndex'; collection: string; name: string }
  | { kind: 'dropAll' };

export interface Persistence {
  readonly kind: 'sqlite' | 'memory';
  readonly location: string | null;
  load(): { collections: string[]; documents: Iterable<PersistedDocument>; indexes: PersistedIndex[] };
  /** Applies all ops atomically; returns only once they are durable. */
  write(ops: readonly PersistOp[]): void;
  close(): void;
}

export class MemoryPersistence implements Persistence {
  readonly kind = 'memory';
  readonly location = null;
  load() {
    return { collections: [], documents: [], indexes: [] };
  }
  write(): void {}
  close(): void {}
}

export class SqlitePersistence implements Persistence {
  readonly kind = 'sqlite';
  readonly location: string;
  private readonly db: Database.Database;
  private readonly applyOps: (ops: readonly PersistOp[]) => void;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.location = path.join(dataDir, 'database.sqlite');
    this.db = new Database(this.location);
    // WAL + NORMAL: a committed write is in the OS before we reply, so it survives a SIGKILL of this
    // process (not a power cut, which a development emulator need not survive).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS documents (
        collection TEXT NOT NULL,
        id_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (collection, id_key)
      );
      CREATE TABLE IF NOT EXISTS indexes (
        collection TEXT NOT NULL,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        PRIMARY KEY (collection, name)
      );
    `);
    const put = this.db.prepare(
      `INSERT INTO documents (collection, id_key, seq, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (collection, id_key) DO UPDATE SET seq = excluded.seq, body = excluded.body`,
    );
    const del = this.db.prepare('DELETE FROM documents WHERE collection = ? AND id_key = ?');
    const createCollection = this.db.prepare('INSERT OR IGNORE INTO collections (name) VALUES (?)');
    const putIndex = this.db.prepare('INSERT OR REPLACE INTO indexes (collection, name, spec) VALUES (?, ?, ?)');
    const dropIndex = this.db.prepare('DELETE FROM indexes WHERE collection = ? AND name = ?');
    this.applyOps = this.db.transaction((ops: readonly PersistOp[]) => {
      for (const op of ops) {
        if (op.kind === 'put') put.run(op.collection, op.idKey, op.seq, op.body);
        else if (op.kind === 'delete') del.run(op.collection, op.idKey);
        else if (op.kind === 'createCollection') createCollection.run(op.name);
        else if (op.kind === 'putIndex') putIndex.run(op.collection, op.name, op.spec);
        else if (op.kind === 'dropIndex') dropIndex.run(op.collection, op.name);
        else this.db.exec('DELETE FROM documents; DELETE FROM collections; DELETE FROM indexes;');
      }
    });
  }

  load() {
    const collections = (this.db.prepare('SELECT name FROM collections ORDER BY rowid').all() as { name: string }[]).map(
      (row) => row.name,
    );
    const documents = this.db
      .prepare('SELECT collection, id_key AS idKey, seq, body FROM documents ORDER BY collection, seq')
      .iterate() as Iterable<PersistedDocument>;
    const indexes = this.db.prepare('SELECT collection, name, spec FROM indexes ORDER BY rowid').all() as PersistedIndex[];
    return { collections, documents, indexes };
  }

  write(ops: readonly PersistOp[]): void {
    if (ops.length > 0) this.applyOps(ops);
  }

  close(): void {
    this.db.close();
  }
}
