/**
 * Whether a document (as read) meets a Where, in code: a transaction can only read by _id, so the
 * conditions a conditional write would have put on the database are checked on what it read.
 * Mirrors the database's semantics for the conditions the use cases put on single documents.
 */
import type { Condition, Where } from './ports';

/** The value at a dot path (`address.building`), or undefined where the path leaves the document. */
export function valueAt(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const comparable = (value: unknown): unknown => (value instanceof Date ? value.getTime() : value);
const same = (a: unknown, b: unknown): boolean => comparable(a) === comparable(b);
/** A field equals a value when it is that value, or an array holding it (as in the database). */
const equals = (field: unknown, value: unknown): boolean => same(field, value) || (Array.isArray(field) && field.some((item) => same(item, value)));

function meets(field: unknown, condition: Condition): boolean {
  if (condition === null) return field === null || field === undefined;
  if (typeof condition !== 'object' || condition instanceof Date) return equals(field, condition);
  if ('in' in condition) return condition.in.some((value) => equals(field, value));
  if ('nin' in condition) return !condition.nin.some((value) => equals(field, value));
  if ('neq' in condition) return !equals(field, condition.neq);
  if ('exists' in condition) return (field !== undefined) === condition.exists;
  // As in the database ($not $elemMatch): a missing field or a scalar outside the list.
  if ('subsetOf' in condition) return field === undefined || (Array.isArray(field) ? field : [field]).every((item) => condition.subsetOf.some((value) => same(item, value)));
  const x = comparable(field) as number | string;
  if ('gt' in condition) return field !== undefined && x > (comparable(condition.gt) as number | string);
  if ('gte' in condition) return field !== undefined && x >= (comparable(condition.gte) as number | string);
  if ('lt' in condition) return field !== undefined && x < (comparable(condition.lt) as number | string);
  return field !== undefined && x <= (comparable(condition.lte) as number | string);
}

export function matchesWhere(doc: unknown, where: Where): boolean {
  return Object.entries(where).every(([path, condition]) => meets(valueAt(doc, path), condition));
}
