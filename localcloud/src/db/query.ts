/**
 * Query, update and aggregation semantics: mingo with every stock operator, plus the geo operators
 * WeChat's database has and mingo lacks.
 */
import { Aggregator, Context, Query, update as mingoUpdate } from 'mingo';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { AnyObject } from 'mingo/types';
import { resolve } from 'mingo/util';
import { type Doc, isPlainObject } from './ejson';
import { anchorOf, geoIntersects, geoWithin, haversineMeters, type NearSpec, parseNear } from './geo';

type QueryOps = Parameters<Context['addQueryOps']>[0];
type QueryOperator = QueryOps[keyof QueryOps];

// mingo types its operator table as an intersection of every stock signature; ours is the simple one.
const geoQueryOp = (test: (value: unknown, spec: unknown) => boolean): QueryOperator =>
  ((selector: string, spec: unknown) => (obj: AnyObject) => test(resolve(obj, selector), spec)) as unknown as QueryOperator;

const context = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
} as Parameters<typeof Context.init>[0]).addQueryOps({
  $geoWithin: geoQueryOp(geoWithin),
  $geoIntersects: geoQueryOp(geoIntersects),
} as QueryOps);

export const mingoOptions = { context, useStrictMode: true } as const;

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
  if (options.limit !== undefined) pipeline.push({ $limit: options.limit });
  if (options.projection && Object.keys(options.projection).length > 0) pipeline.push({ $project: options.projection });
  if (pipeline.length === 0) return matched;
  return new Aggregator(pipeline, mingoOptions).run(matched as AnyObject[]) as Doc[];
}

export function countDocuments(docs: readonly Doc[], query: Record<string, unknown> | undefined): number {
  return findDocuments(docs, { query }).length;
}

/** Whether one document matches a query (geo $near counts as a filter here). */
export function matches(doc: Doc, query: Record<string, unknown> | undefined): boolean {
  return findDocuments([doc], { query }).length === 1;
}

/**
 * Applies an update document to a copy of `doc`. Returns the new document, or null when nothing
 * changed (the real service then does not count the document as updated).
 */
export function applyUpdate(doc: Doc, modifier: Record<string, unknown>): Doc | null {
  const copy = structuredClone(doc);
  const changed = mingoUpdate(copy as AnyObject, modifier as Parameters<typeof mingoUpdate>[1], undefined, undefined, {
    cloneMode: 'deep',
    queryOptions: mingoOptions,
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
