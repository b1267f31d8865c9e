/**
 * The geo operators mingo lacks ($nearSphere, $geoWithin, $geoIntersects, the $geoNear stage),
 * on a sphere of the Earth's mean radius, as MongoDB's 2dsphere index does.
 */
import { isPlainObject } from './ejson';

export const EARTH_RADIUS_METERS = 6378100;

type Position = [number, number];
export interface GeoJson {
  type: string;
  coordinates: unknown;
}

function toRadians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

/** Great-circle distance in metres between two [lng, lat] positions. */
export function haversineMeters(a: Position, b: Position): number {
  const dLat = toRadians(b[1] - a[1]);
  const dLng = toRadians(b[0] - a[0]);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a[1])) * Math.cos(toRadians(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

function isPosition(value: unknown): value is Position {
  return Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

export function isGeoJson(value: unknown): value is GeoJson {
  return isPlainObject(value) && typeof value.type === 'string' && 'coordinates' in value;
}

/** Every vertex of a geometry (a Point has one). */
function positionsOf(geometry: GeoJson): Position[] {
  const out: Position[] = [];
  const walk = (value: unknown): void => {
    if (isPosition(value)) out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
  };
  walk(geometry.coordinates);
  return out;
}

/** Ray casting on [lng, lat]; adequate for community-scale polygons that do not cross the antimeridian. */
function ringContains(ring: Position[], point: Position): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    const crosses = yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi;
    if (crosses) inside = !inside;
  }
  return inside;
}

function polygonsOf(geometry: GeoJson): Position[][][] {
  if (geometry.type === 'Polygon') return [geometry.coordinates as Position[][]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as Position[][][];
  throw new Error(`$geometry must be a Polygon or MultiPolygon, got ${geometry.type}`);
}

function polygonContains(polygons: Position[][][], point: Position): boolean {
  return polygons.some(([outer, ...holes]) =>
    outer !== undefined && ringContains(outer, point) && !holes.some((hole) => ringContains(hole, point)),
  );
}

/** A representative point used for distance ordering: the point itself, or the first vertex. */
export function anchorOf(value: unknown): Position | null {
  if (isPosition(value)) return value; // legacy coordinate pairs
  if (!isGeoJson(value)) return null;
  return positionsOf(value)[0] ?? null;
}

/** $geoWithin: every vertex inside the $geometry polygon(s) or the $centerSphere circle. */
export function geoWithin(value: unknown, spec: unknown): boolean {
  if (!isGeoJson(value) || !isPlainObject(spec)) return false;
  const vertices = positionsOf(value);
  if (vertices.length === 0) return false;
  if (Array.isArray(spec.$centerSphere)) {
    const [center, radius] = spec.$centerSphere as [Position, number];
    return vertices.every((p) => haversineMeters(center, p) <= radius * EARTH_RADIUS_METERS);
  }
  if (isGeoJson(spec.$geometry)) {
    const polygons = polygonsOf(spec.$geometry);
    return vertices.every((p) => polygonContains(polygons, p));
  }
  return false;
}

const LINEAR_TYPES = ['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];

/** The edges of a line or polygon geometry (none for points), as [from, to] pairs. */
function edgesOf(geometry: GeoJson): Array<[Position, Position]> {
  if (!LINEAR_TYPES.includes(geometry.type)) return [];
  const edges: Array<[Position, Position]> = [];
  const walk = (value: unknown): void => {
    if (!Array.isArray(value) || value.length === 0) return;
    if (!isPosition(value[0])) return value.forEach(walk);
    const path = value.filter(isPosition);
    for (let i = 1; i < path.length; i++) edges.push([path[i - 1]!, path[i]!]);
  };
  walk(geometry.coordinates);
  return edges;
}

/** Whether two segments share a point (planar on [lng, lat], like ringContains). */
function segmentsIntersect([p1, p2]: [Position, Position], [q1, q2]: [Position, Position]): boolean {
  const turn = (o: Position, a: Position, b: Position) => Math.sign((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]));
  const within = (a: Position, b: Position, c: Position) =>
    Math.min(a[0], b[0]) <= c[0] && c[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= c[1] && c[1] <= Math.max(a[1], b[1]);
  const [d1, d2, d3, d4] = [turn(q1, q2, p1), turn(q1, q2, p2), turn(p1, p2, q1), turn(p1, p2, q2)];
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (
    (d1 === 0 && within(q1, q2, p1)) ||
    (d2 === 0 && within(q1, q2, p2)) ||
    (d3 === 0 && within(p1, p2, q1)) ||
    (d4 === 0 && within(p1, p2, q2))
  );
}

/** $geoIntersects: a vertex of one geometry inside the other's polygon, crossing edges, or equal points. */
export function geoIntersects(value: unknown, spec: unknown): boolean {
  if (!isGeoJson(value) || !isPlainObject(spec) || !isGeoJson(spec.$geometry)) return false;
  const query = spec.$geometry;
  // A line can cross a polygon (or another line) with no vertex inside it.
  const queryEdges = edgesOf(query);
  if (edgesOf(value).some((edge) => queryEdges.some((other) => segmentsIntersect(edge, other)))) return true;
  const docVertices = positionsOf(value);
  if (query.type === 'Polygon' || query.type === 'MultiPolygon') {
    const polygons = polygonsOf(query);
    if (docVertices.some((p) => polygonContains(polygons, p))) return true;
  }
  if (value.type === 'Polygon' || value.type === 'MultiPolygon') {
    const polygons = polygonsOf(value);
    if (positionsOf(query).some((p) => polygonContains(polygons, p))) return true;
  }
  const queryVertices = positionsOf(query);
  return docVertices.some((a) => queryVertices.some((b) => a[0] === b[0] && a[1] === b[1]));
}

export interface NearSpec {
  field: string;
  center: Position;
  maxDistance: number;
  minDistance: number;
}

/** Reads {$nearSphere|$near: {$geometry, $maxDistance, $minDistance}} for one field. */
export function parseNear(field: string, spec: unknown): NearSpec | null {
  if (!isPlainObject(spec)) return null;
  const near = (spec.$nearSphere ?? spec.$near) as Record<string, unknown> | undefined;
  if (!isPlainObject(near)) return null;
  const geometry = isGeoJson(near.$geometry) ? near.$geometry : null;
  const center = geometry ? anchorOf(geometry) : isPosition(near) ? near : null;
  if (!center) throw new Error('$nearSphere needs a $geometry Point');
  return {
    field,
    center,
    maxDistance: typeof near.$maxDistance === 'number' ? near.$maxDistance : Infinity,
    minDistance: typeof near.$minDistance === 'number' ? near.$minDistance : 0,
  };
}
