/**
 * Query, update and aggregation semantics: mingo with every stock operator, plus the geo operators
 * WeChat's database has and mingo lacks.
 */
import { Context, update as mingoUpdate } from 'mingo';
// The base classes: mingo's default exports merge its stock operators over ours, so our $sort and
// $mod below could not replace its own.
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { type Iterator, Lazy } from 'mingo/lazy';
import type { AnyObject } from 'mingo/types';
import { compare, resolve } from 'mingo/util';
import { type Doc, isPlainObject } from './ejson';
import { anchorOf, geoIntersects, geoWithin, haversineMeters, type NearSpec, parseNear } from './geo';

type QueryOps = Parameters<Context['addQueryOps']>[0];
type QueryOperator = QueryOps[keyof QueryOps];

// mingo types its operator table as an intersection of every stock signature; ours is the simple one.
const geoQueryOp = (test: (value: unknown, spec: unknown) => boolean): QueryOperator =>
  ((selector: string, spec: unknown) => (obj: AnyObject) => test(resolve(obj, selector), spec)) as unknown as QueryOperator;

/** $mod as MongoDB has it: numbers only (mingo also matches null, booleans and numeric strings), truncated to integers. */
function $mod(selector: string, spec: unknown): (obj: AnyObject) => boolean {
  const pair = Array.isArray(spec) && spec.length === 2 ? spec.map((n) => (typeof n === 'number' ? Math.trunc(n) : NaN)) : [];
  const [divisor = NaN, remainder = NaN] = pair;
  if (!Number.isFinite(divisor) || divisor === 0 || !Number.isFinite(remainder))
    throw new Error('malformed mod, expected [divisor, remainder] with a non-zero divisor');
  return (obj: AnyObject) => {
    const value = resolve(obj, selector, { unwrapArray: true });
    return (Array.isArray(value) ? value : [value]).some((x) => typeof x === 'number' && Math.trunc(x) % divisor === remainder);
  };
}

/**
 * The value a document sorts by on one key, as MongoDB defines it: an array sorts by its smallest
 * element ascending and by its largest descending (mingo uses the smallest both ways); an empty
 * array sorts before everything; a missing field sorts as null (mingo puts it before null).
 */
function sortValue(doc: AnyObject, key: string, descending: boolean): unknown {
  const value = resolve(doc, key);
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length === 0) return value;
  const sorted = [...(value as unknown[])].sort(compare);
  return descending ? sorted[sorted.length - 1] : sorted[0];
}

/** $sort with MongoDB's array rule (see sortValue); stable, so ties keep their input order. */
function $sort(collection: Iterator, sortKeys: Record<string, 1 | -1>): Iterator {
  if (!isPlainObject(sortKeys) || Object.keys(sortKeys).length === 0) throw new Error('$sort specification is invalid');
  const keys = Object.entries(sortKeys).map(([key, direction]) => ({ key, direction: direction === -1 ? -1 : 1 }));
  return collection.transform((docs: AnyObject[]) => {
    const keyed = docs.map((doc) => ({ doc, values: keys.map(({ key, direction }) => sortValue(doc, key, direction === -1)) }));
    keyed.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const order = compare(a.values[i], b.values[i]);
        if (order !== 0) return order * keys[i]!.direction;
      }
      return 0;
    });
    return Lazy(keyed.map((item) => item.doc));
  });
}

const context = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  // Replacements go in here: addQueryOps and friends never override an operator already present.
  pipeline: { ...pipelineOperators, $sort: $sort as unknown as typeof pipelineOperators.$sort },
  projection: projectionOperators,
  query: { ...queryOperators, $mod: $mod as unknown as typeof queryOperators.$mod },
  window: windowOperators,
} as Parameters<typeof Context.init>[0]).addQueryOps({
  $geoWithin: geoQueryOp(geoWithin),
  $geoIntersects: geoQueryOp(geoIntersects),
} as QueryOps);

export const mingoOptions = { context, useStrictMode: true } as const;

/**
 * mingo copies every operator table of the context it is given on each update (some 300 entries):
 * an update needs none of them (it adds the few it uses itself), so it gets an empty one.
 */
const updateOptions = { context: Context.init(), useStrictMode: true } as const;

const GEO_OPERATORS = ['$nearSphere', '$near', '$geoWithin', '$geoIntersects'];

/** Fields a query applies geo operators to; each needs a 2dsphere index. */
export function geoFieldsOf(query: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(query)) query.forEach((part) => geoFieldsOf(part, out));
  else if (isPlainObject(query)) {
    for (const [key, value] of Object.entries(query)) {
      if (key.startsWith('$')) geoFieldsOf(value, out);
      else if (isPlainObject(value) && Object.keys(value).some((op) => GEO_OPERATORS.includes(op))) out.add(key);
    }
  }
  return out;
}

/** Takes $nearSphere out of a query (top level or a top-level $and), since it sorts as well as filters. */
function extractNear(query: Record<string, unknown>): { rest: Record<string, unknown>; near: NearSpec | null } {
  let near: NearSpec | null = null;
  const strip = (part: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(part)) {
      const parsed = key.startsWith('$') ? null : parseNear(key, value);
      if (parsed) near = parsed;
      else if (key === '$and' && Array.isArray(value))
        out[key] = value.map((inner) => (isPlainObject(inner) ? strip(inner) : inner));
      else out[key] = value;
    }
    return out;
  };
  const rest = strip(query);
  return { rest, near };
}

function distanceTo(doc: Doc, near: NearSpec): number | null {
  const anchor = anchorOf(resolve(doc as AnyObject, near.field));
  return anchor ? haversineMeters(near.center, anchor) : null;
}

export interface FindOptions {
  query?: Record<string, unknown>;
  order?: Record<string, 1 | -1>;
  offset?: number;
  limit?: number;
  projection?: Record<string, unknown>;
}

/** Matches documents in storage order, then sorts, pages and projects them. */
export function findDocuments(docs: readonly Doc[], options: FindOptions): Doc[] {
  const { rest, near } = extractNear(options.query ?? {});
  let matched = new Query(rest, mingoOptions).find<Doc>(docs as AnyObject[]).all();
  if (near) {
    const ranked = matched
      .map((doc) => ({ doc, distance: distanceTo(doc, near) }))
      .filter(
        (item): item is { doc: Doc; distance: number } =>
          item.distance !== null && item.distance <= near.maxDistance && item.distance >= near.minDistance,
      )
      .sort((a, b) => a.distance - b.distance);
    matched = ranked.map((item) => item.doc);
  }
  const pipeline: AnyObject[] = [];
  if (options.order && Object.keys(options.order).length > 0) pipeline.push({ $sort: options.order });
  if (options.offset) pipeline.push({ $skip: options.offset });
  // A limit the matches do not reach changes nothing (a read of one document by its _id, mostly).
  if (options.limit !== undefined && (pipeline.length > 0 || matched.length > options.limit)) pipeline.push({ $limit: options.limit });
  if (pipeline.length > 0) matched = new Aggregator(pipeline, mingoOptions).run(matched as AnyObject[]) as Doc[];
  if (!options.projection || Object.keys(options.projection).length === 0) return matched;
  // mingo's $project removes excluded fields of nested documents in place: project copies, never
  // the stored documents (an exclusion of `events.note` would otherwise erase it from storage).
  const copies = matched.map((doc) => structuredClone(doc));
  return new Aggregator([{ $project: options.projection }], mingoOptions).run(copies as AnyObject[]) as Doc[];
}

export function countDocuments(docs: readonly Doc[], query: Record<string, unknown> | undefined): number {
  return findDocuments(docs, { query }).length;
}

/** Whether one document matches a query (geo $near counts as a filter here). */
export function matches(doc: Doc, query: Record<string, unknown> | undefined): boolean {
  return findDocuments([doc], { query }).length === 1;
}

/** The BSON type name MongoDB uses in its error messages. */
function bsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (typeof value === 'number') return !Number.isInteger(value) ? 'double' : Math.abs(value) < 2 ** 31 ? 'int' : 'long';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // 'string' | 'object'
}

/** Operators that create their path when it is missing. */
const CREATING_OPERATORS = new Set(['$set', '$setOnInsert', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate']);
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

/**
 * Rejects what MongoDB rejects and mingo silently skips: an update that would create a field
 * inside a scalar (or a named field inside an array), arithmetic on a non-number, and array
 * operators on a non-array. Without this, such updates "succeed" locally with updated 0.
 */
function checkUpdateTypes(doc: Doc, modifier: Record<string, unknown>): void {
  for (const [operator, fields] of Object.entries(modifier)) {
    if (!isPlainObject(fields)) continue;
    for (const [path, operand] of Object.entries(fields)) {
      const segments = path.split('.');
      if (segments.some((segment) => segment.startsWith('$'))) continue; // positional: left to mingo
      let current: unknown = doc;
      let parentKey = '_id';
      let found = true;
      for (const [i, segment] of segments.entries()) {
        if (current === undefined) break;
        const blocked = Array.isArray(current) ? !/^\d+$/.test(segment) : !isPlainObject(current);
        if (blocked) {
          if (!CREATING_OPERATORS.has(operator)) {
            found = false;
            break;
          }
          throw new Error(`Cannot create field '${segment}' in element {${parentKey}: ${JSON.stringify(current)}}`);
        }
        current = (current as Record<string, unknown>)[segment];
        parentKey = segments[i] ?? parentKey;
      }
      if (!found || current === undefined) continue;
      if ((operator === '$inc' || operator === '$mul') && typeof operand !== 'number')
        throw new Error(`Cannot ${operator === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(operand)}}`);
      if ((operator === '$inc' || operator === '$mul') && typeof current !== 'number')
        throw new Error(`Cannot apply ${operator} to a value of non-numeric type. The field '${path}' has non-numeric type ${bsonTypeName(current)}`);
      if (ARRAY_OPERATORS.has(operator) && !Array.isArray(current))
        throw new Error(`Cannot apply ${operator} to a non-array field. Field named '${path}' has non-array type ${bsonTypeName(current)}`);
    }
  }
}

/**
 * Applies an update document to a copy of `doc`. Returns the new document, or null when nothing
 * changed (the real service then does not count the document as updated). Throws, as MongoDB
 * does, when an operator does not fit the stored value.
 */
export function applyUpdate(doc: Doc, modifier: Record<string, unknown>): Doc | null {
  checkUpdateTypes(doc, modifier);
  const copy = structuredClone(doc);
  const changed = mingoUpdate(copy as AnyObject, modifier as Parameters<typeof mingoUpdate>[1], undefined, undefined, {
    cloneMode: 'deep',
    queryOptions: updateOptions,
  });
  return changed.length > 0 ? copy : null;
}

export interface GeoNearStage {
  near: unknown;
  distanceField: string;
  maxDistance?: number;
  minDistance?: number;
  query?: Record<string, unknown>;
  key?: string;
  distanceMultiplier?: number;
  includeLocs?: string;
}

/** The $geoNear stage: filter, compute the distance into distanceField, sort nearest first. */
export function geoNearStage(docs: readonly Doc[], stage: GeoNearStage, geoField: string): Doc[] {
  const center = anchorOf(stage.near);
  if (!center) throw new Error('$geoNear requires near to be a GeoJSON Point');
  const near: NearSpec = {
    field: geoField,
    center,
    maxDistance: stage.maxDistance ?? Infinity,
    minDistance: stage.minDistance ?? 0,
  };
  const filtered = stage.query ? findDocuments(docs, { query: stage.query }) : [...docs];
  return filtered
    .map((doc) => ({ doc, distance: distanceTo(doc, near) }))
    .filter(
      (item): item is { doc: Doc; distance: number } =>
        item.distance !== null && item.distance <= near.maxDistance && item.distance >= near.minDistance,
    )
    .sort((a, b) => a.distance - b.distance)
    .map(({ doc, distance }) => {
      const out: Doc = { ...doc, [stage.distanceField]: distance * (stage.distanceMultiplier ?? 1) };
      if (stage.includeLocs) out[stage.includeLocs] = resolve(doc as AnyObject, geoField);
      return out;
    });
}

export function runPipeline(
  docs: readonly Doc[],
  pipeline: AnyObject[],
  collectionResolver: (name: string) => AnyObject[],
): Doc[] {
  return new Aggregator(pipeline, { ...mingoOptions, collectionResolver }).run(docs as AnyObject[]) as Doc[];
}
