/**
 * Makes the cloud database hold every collection and index of database/schema.json, changing only
 * what differs and dropping nothing. WeChat's server API tells a collection's index count but not its
 * indexes, so:
 * - a missing collection is created, then all its indexes in one updateindex;
 * - an existing collection whose index count is the schema's plus `_id` is taken as complete;
 * - otherwise each index of the schema is sent on its own: creating an index that is already there
 *   with the same name, keys and uniqueness changes nothing (MongoDB's createIndexes rule), a missing
 *   one is created, and one that conflicts (same name, other keys) fails with WeChat's message.
 */
import type { CollectionPlan } from './plan';
import type { WechatServerApi } from './wechat-api';

export interface DatabaseReport {
  collectionsCreated: string[];
  /** `collection.index` created with a new collection. */
  indexesCreated: string[];
  /** `collection.index` sent to a collection whose index count differed (created or already there). */
  indexesConfirmed: string[];
  collectionsUnchanged: string[];
}

export type DatabaseApi = Pick<WechatServerApi, 'listCollections' | 'addCollection' | 'updateIndex'>;

export async function syncDatabase(api: DatabaseApi, env: string, collections: readonly CollectionPlan[], log: (line: string) => void): Promise<DatabaseReport> {
  const report: DatabaseReport = { collectionsCreated: [], indexesCreated: [], indexesConfirmed: [], collectionsUnchanged: [] };
  const existing = new Map((await api.listCollections(env)).map((collection) => [collection.name, collection]));
  log(`云端已有 ${existing.size} 个集合，schema 声明 ${collections.length} 个`);
  for (const collection of collections) {
    const remote = existing.get(collection.name);
    const names = collection.indexes.map((index) => `${collection.name}.${index.name}`);
    if (!remote) {
      await api.addCollection(env, collection.name);
      report.collectionsCreated.push(collection.name);
      if (collection.indexes.length > 0) await api.updateIndex(env, collection.name, collection.indexes);
      report.indexesCreated.push(...names);
      log(`+ 新建集合 ${collection.name}${collection.indexes.length ? `，索引 ${collection.indexes.map((index) => index.name).join('、')}` : '（无索引）'}`);
      continue;
    }
    const expected = collection.indexes.length + 1;
    if (remote.indexCount === expected) {
      report.collectionsUnchanged.push(collection.name);
      log(`= ${collection.name}：已有，索引 ${expected} 个（含 _id），不变`);
      continue;
    }
    log(`~ ${collection.name}：云端有 ${remote.indexCount} 个索引，schema 要 ${expected} 个（含 _id），逐个确认`);
    for (const index of collection.indexes) {
      await api.updateIndex(env, collection.name, [index]);
      report.indexesConfirmed.push(`${collection.name}.${index.name}`);
      log(`  ✓ ${collection.name}.${index.name}`);
    }
    if (remote.indexCount > expected) log(`  （云端多出的 ${remote.indexCount - expected} 个索引不在 schema 里，部署不删除；确实不用时请在控制台删除）`);
  }
  return report;
}
