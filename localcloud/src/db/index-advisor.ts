/**
 * The local cloud's index advice: every query the engine runs is held against the collection's
 * declared indexes (index-advice.ts); one no index serves is recorded once per shape for the
 * console, logged, or — in strict mode, which the test suite runs linli's functions in — refused,
 * unless database/index-exceptions.json accepts it with a reason.
 */
import { CloudError } from './errors';
import { type DeclaredIndex, decideIndex, describeKeys, describeQuery, type Sort } from './index-advice';

export type IndexAdviceMode = 'record' | 'log' | 'strict';
export type QueryOperation = 'get' | 'count' | 'update' | 'remove' | 'aggregate';

/** A query accepted without an index: every query on `collection`, or only the one `query` names. */
export interface IndexException {
  collection: string;
  /** The shape as the local cloud prints it (`where {…} orderBy {…}`); absent: the whole collection. */
  query?: string;
  reason: string;
}

export interface UnservedQuery {
  collection: string;
  /** Field names and operators, no values. */
  query: string;
  operations: QueryOperation[];
  /** An index that would serve it, if one can. */
  suggestion: string | null;
  /** The reason of the exception that accepts it, or null. */
  accepted: string | null;
  /** Functions that sent it (empty when sent from outside a function, e.g. a test's own SDK). */
  functions: string[];
  count: number;
  firstAt: string;
  lastAt: string;
}

/** Distinct shapes kept; a runaway producer of shapes must not grow the local cloud without bound. */
const MAX_RECORDED = 200;

const EXCEPTIONS_FILE = 'database/index-exceptions.json';
const SCHEMA_FILE = 'database/schema.json';

export interface QueryCheck {
  collection: string;
  indexes: readonly DeclaredIndex[];
  operation: QueryOperation;
  query: Record<string, unknown> | undefined;
  order?: Sort;
  caller?: string;
}

export class IndexAdvisor {
  private readonly recorded = new Map<string, UnservedQuery>();

  constructor(
    private readonly options: {
      mode: IndexAdviceMode;
      exceptions: readonly IndexException[];
      now: () => number;
      log?: (line: string) => void;
    },
  ) {}

  get mode(): IndexAdviceMode {
    return this.options.mode;
  }

  check({ collection, indexes, operation, query, order = {}, caller }: QueryCheck): void {
    const decision = decideIndex(indexes, query, order);
    if (decision.served) return;
    const suggestion = decision.suggestion ? describeKeys(decision.suggestion) : null;
    this.report(collection, describeQuery(query, order), operation, suggestion, caller);
  }

  /**
   * An aggregation is served when it starts by narrowing: a leading $match (and $sort) an index
   * serves, a leading $sort alone, or a leading $limit. Anything else reads the whole collection.
   */
  checkPipeline({ collection, indexes, pipeline, caller }: { collection: string; indexes: readonly DeclaredIndex[]; pipeline: Array<Record<string, unknown>>; caller?: string }): void {
    const [first, second] = pipeline;
    if (!first || '$limit' in first) return;
    const match = first && '$match' in first ? (first.$match as Record<string, unknown>) : undefined;
    const sortStage = match ? second : first;
    const order = sortStage && '$sort' in sortStage ? (sortStage.$sort as Sort) : undefined;
    if (match || order) {
      this.check({ collection, indexes, operation: 'aggregate', query: match ?? {}, order, caller });
      return;
    }
    const stages = pipeline.map((stage) => Object.keys(stage)[0]).join(', ');
    this.report(collection, `aggregate [${stages}]`, 'aggregate', null, caller);
  }

  private report(collection: string, query: string, operation: QueryOperation, suggestion: string | null, caller: string | undefined): void {
    const key = `${collection}\u0000${query}`;
    const at = new Date(this.options.now()).toISOString();
    const known = this.recorded.get(key);
    const accepted = known ? known.accepted : this.acceptedReason(collection, query);
    if (known) {
      known.count += 1;
      known.lastAt = at;
      if (!known.operations.includes(operation)) known.operations.push(operation);
      if (caller && !known.functions.includes(caller)) known.functions.push(caller);
    } else if (this.recorded.size < MAX_RECORDED) {
      this.recorded.set(key, { collection, query, operations: [operation], suggestion, accepted, functions: caller ? [caller] : [], count: 1, firstAt: at, lastAt: at });
    }
    if (accepted !== null) return;
    const line = unservedMessage(collection, query, suggestion, caller);
    // Strict mode refuses what the app sends: a test's own reads and writes that set a scene up
    // are not queries the app makes.
    if (this.options.mode === 'strict' && caller) {
      this.print(line);
      throw new CloudError('DATABASE_REQUEST_FAILED', line);
    }
    if (this.options.mode === 'log' && !known) this.print(line);
  }

  private acceptedReason(collection: string, query: string): string | null {
    const exception = this.options.exceptions.find((item) => item.collection === collection && (item.query === undefined || item.query === query));
    return exception ? exception.reason : null;
  }

  private print(line: string): void {
    (this.options.log ?? ((text: string) => console.warn(text)))(line);
  }

  /** Newest first. */
  list(): UnservedQuery[] {
    return [...this.recorded.values()].sort((a, b) => b.lastAt.localeCompare(a.lastAt)).map((item) => ({ ...item }));
  }

  clear(): void {
    this.recorded.clear();
  }
}

export function unservedMessage(collection: string, query: string, suggestion: string | null, caller: string | undefined): string {
  const from = caller ? ` (from function ${caller})` : '';
  const fix = suggestion ? `add an index such as ${suggestion} to ${SCHEMA_FILE}` : `add an index that serves it to ${SCHEMA_FILE}`;
  return `[localcloud] index advice: no declared index of ${collection} serves ${query}${from}; on WeChat's cloud it scans the collection. Fix: ${fix}, or list it in ${EXCEPTIONS_FILE} with a reason.`;
}
