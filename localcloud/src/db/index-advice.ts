/**
 * Index advice: whether one of a collection's declared indexes can serve a query, by the rule of
 * WeChat's console (索引管理: a query hits a compound index when its fields are within the index or
 * a prefix of it, and a sort hits it in the index's directions or their exact reverse) and
 * MongoDB's planner (equality, then sort, then range). On WeChat's cloud a query no index serves
 * scans the collection; the local cloud holds everything in memory and would never notice.
 *
 * Pure: a query and sort in, a decision out; values never leave this module, only field names
 * and operators.
 */
import { isPlainObject } from './ejson';

export interface DeclaredIndex {
  name: string;
  keys: Record<string, 1 | -1 | '2dsphere'>;
  unique?: boolean;
}

export type Sort = Record<string, 1 | -1>;

/** The index every collection has without declaring it. */
export const ID_INDEX: DeclaredIndex = { name: '_id_', keys: { _id: 1 }, unique: true };

/**
 * One way a query can match (an `$or` gives one per alternative, each with the rest of the query):
 * the fields it pins to values (`$eq`, `$in`, `$exists: false` — index bounds that are points), the
 * fields it filters otherwise (ranges, `$ne`, `$exists: true`, …) and the geo-filtered ones.
 */
export interface QueryBranch {
  equality: Set<string>;
  other: Set<string>;
  geo: Set<string>;
}

/** An `$or` of `$or`s multiplies; past this many alternatives the query is reported, not analysed. */
const MAX_BRANCHES = 256;

const GEO_OPERATORS = new Set(['$near', '$nearSphere', '$geoWithin', '$geoIntersects']);

/** Whether a field's condition gives the index point bounds (one value, or a list of values). */
function pinsValue(condition: unknown): boolean {
  if (condition instanceof RegExp) return false;
  if (!isPlainObject(condition)) return true; // a plain value, an array, a Date
  const operators = Object.keys(condition).filter((key) => key.startsWith('$'));
  if (operators.length === 0) return true; // a whole embedded document
  return '$eq' in condition || '$in' in condition || condition.$exists === false;
}

function isGeo(condition: unknown): boolean {
  return isPlainObject(condition) && Object.keys(condition).some((key) => GEO_OPERATORS.has(key));
}

const emptyBranch = (): QueryBranch => ({ equality: new Set(), other: new Set(), geo: new Set() });

function combine(left: QueryBranch[], right: QueryBranch[]): QueryBranch[] | null {
  if (left.length * right.length > MAX_BRANCHES) return null;
  return left.flatMap((a) =>
    right.map((b) => {
      const equality = new Set([...a.equality, ...b.equality]);
      const other = new Set([...a.other, ...b.other].filter((field) => !equality.has(field)));
      return { equality, other, geo: new Set([...a.geo, ...b.geo]) };
    }),
  );
}

/**
 * The alternatives a query matches by, or null when there are too many to analyse. `$and` merges,
 * `$or` splits; `$nor`, `$expr`, `$where` and other top-level operators filter without any index
 * bounds, so they count as a filtered field no index has.
 */
export function branchesOf(query: Record<string, unknown> | undefined): QueryBranch[] | null {
  let branches: QueryBranch[] | null = [emptyBranch()];
  for (const [key, condition] of Object.entries(query ?? {})) {
    if (!branches) return null;
    if ((key === '$and' || key === '$or') && Array.isArray(condition)) {
      const parts = condition.map((part) => branchesOf(isPlainObject(part) ? part : {}));
      if (parts.some((part) => part === null)) return null;
      const resolved = parts as QueryBranch[][];
      if (key === '$and') for (const part of resolved) branches = branches && combine(branches, part);
      else branches = combine(branches, resolved.flat());
      continue;
    }
    const single = emptyBranch();
    if (key.startsWith('$')) single.other.add(key);
    else if (isGeo(condition)) single.geo.add(key);
    else if (pinsValue(condition)) single.equality.add(key);
    else single.other.add(key);
    branches = combine(branches, [single]);
  }
  return branches;
}

/** The sort a query still needs from the index: fields it pins to one value sort trivially. */
function remainingSort(branch: QueryBranch, sort: Sort): Array<[string, 1 | -1]> {
  return Object.entries(sort).filter(([field]) => !branch.equality.has(field));
}

/**
 * Whether `index` serves one alternative of a query sorted by `sort`:
 * - the query's equality fields are the index's first keys (in any order among themselves);
 * - the sort continues with the next keys, in the index's directions or all reversed;
 * - every other filtered field is a key after the equality prefix, and if nothing is pinned the
 *   first key is filtered (otherwise the whole index is walked, which is a scan too).
 * A query that pins every key of a unique index (`_id` included) reads one document and needs no more.
 */
export function indexServes(index: DeclaredIndex, branch: QueryBranch, sort: Sort = {}): boolean {
  const keys = Object.keys(index.keys);
  if (index.unique && keys.every((key) => branch.equality.has(key))) return true;
  const pinned = branch.equality.size;
  if (pinned > keys.length || !keys.slice(0, pinned).every((key) => branch.equality.has(key))) return false;
  const later = keys.slice(pinned);
  if (![...branch.other].every((field) => later.includes(field))) return false;
  if (pinned === 0 && branch.other.size > 0 && !branch.other.has(keys[0]!)) return false;
  const needed = remainingSort(branch, sort);
  if (needed.length === 0) return true;
  if (needed.some(([field], i) => later[i] !== field)) return false;
  const same = needed.every(([field, direction]) => index.keys[field] === direction);
  const reversed = needed.every(([field, direction]) => index.keys[field] === -direction);
  return same || reversed;
}

function geoServed(indexes: readonly DeclaredIndex[], branch: QueryBranch): boolean {
  return [...branch.geo].every((field) => indexes.some((index) => index.keys[field] === '2dsphere'));
}

export type IndexDecision =
  | { served: true; indexes: string[] }
  | { served: false; suggestion: Record<string, 1 | -1> | null };

/**
 * Whether the declared indexes (plus `_id`) serve a query: every alternative of it by some index.
 * An unfiltered, unsorted read serves itself (it reads documents in storage order and stops at the
 * limit); a query with a geo condition is served by the geo index the database requires for it.
 * When not served, `suggestion` is an index that would serve the first alternative nothing serves.
 */
export function decideIndex(indexes: readonly DeclaredIndex[], query: Record<string, unknown> | undefined, sort: Sort = {}): IndexDecision {
  const all = [ID_INDEX, ...indexes];
  const branches = branchesOf(query);
  if (!branches) return { served: false, suggestion: null };
  const used: string[] = [];
  for (const branch of branches) {
    if (branch.geo.size > 0) {
      if (!geoServed(all, branch)) return { served: false, suggestion: null };
      continue;
    }
    const unfiltered = branch.equality.size === 0 && branch.other.size === 0 && Object.keys(sort).length === 0;
    if (unfiltered) continue;
    const serving = all.find((index) => indexServes(index, branch, sort));
    if (!serving) return { served: false, suggestion: suggestIndex(branch, sort) };
    if (!used.includes(serving.name)) used.push(serving.name);
  }
  return { served: true, indexes: used };
}

/** Equality fields, then the sort, then the other filtered fields: an index that serves the branch if one can. */
export function suggestIndex(branch: QueryBranch, sort: Sort = {}): Record<string, 1 | -1> | null {
  const keys: Record<string, 1 | -1> = {};
  for (const field of branch.equality) keys[field] = 1;
  for (const [field, direction] of remainingSort(branch, sort)) keys[field] = direction;
  for (const field of branch.other) if (!(field in keys) && !field.startsWith('$')) keys[field] = 1;
  return indexServes({ name: 'suggested', keys }, branch, sort) ? keys : null;
}

// ---- describing a query without its values --------------------------------------------------

/** A field's condition as operators only: `$eq` for a plain value, nested operators kept. */
function conditionShape(condition: unknown): string {
  if (condition instanceof RegExp) return '$regex';
  if (!isPlainObject(condition)) return '$eq';
  const operators = Object.keys(condition).filter((key) => key.startsWith('$'));
  if (operators.length === 0) return '$eq';
  return operators
    .sort()
    .map((operator) => {
      const operand = condition[operator];
      if (operator === '$exists') return `$exists:${operand === false ? 'false' : 'true'}`;
      if (operator === '$elemMatch' && isPlainObject(operand) && !Object.keys(operand).some((key) => key.startsWith('$')))
        return `$elemMatch${queryShape(operand)}`;
      if ((operator === '$not' || operator === '$elemMatch') && isPlainObject(operand)) return `${operator}(${conditionShape(operand)})`;
      return operator;
    })
    .join(' ');
}

/** Fields first (alphabetically), then the logical operators, so one shape has one spelling. */
function orderedKeys(query: Record<string, unknown>): string[] {
  const keys = Object.keys(query);
  return [...keys.filter((key) => !key.startsWith('$')).sort(), ...keys.filter((key) => key.startsWith('$')).sort()];
}

/** A query's shape: its field names and operators, no values, e.g. `{communityId: $eq, createdAt: $gte $lt}`. */
export function queryShape(query: Record<string, unknown> | undefined): string {
  const parts = orderedKeys(query ?? {}).map((key) => {
    const condition = query![key];
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(condition))
      return `${key}: [${condition.map((part) => queryShape(isPlainObject(part) ? part : {})).join(', ')}]`;
    if (key.startsWith('$')) return key;
    return `${key}: ${conditionShape(condition)}`;
  });
  return `{${parts.join(', ')}}`;
}

/** `where {…} orderBy {…}` as the local cloud prints and the exception list names it. */
export function describeQuery(query: Record<string, unknown> | undefined, sort: Sort = {}): string {
  const order = Object.entries(sort).map(([field, direction]) => `${field}: ${direction === -1 ? 'desc' : 'asc'}`);
  return order.length > 0 ? `where ${queryShape(query)} orderBy {${order.join(', ')}}` : `where ${queryShape(query)}`;
}

export const describeKeys = (keys: Record<string, 1 | -1>): string =>
  `{${Object.entries(keys).map(([field, direction]) => `${field}: ${direction}`).join(', ')}}`;
