/**
 * The console's invocation list: the kept invocations (newest first) narrowed by function, action
 * and source, plus what there is to choose from. A source filter looks at where the chain started
 * (the first part of SOURCE: wx_client a person, wx_trigger a timer), so hiding timer runs also
 * hides the functions a timer run called.
 */
import type { InvocationRecord } from '../functions/runtime';

export interface InvocationFilter {
  function?: string;
  action?: string;
  /** Only invocations whose chain started here (wx_client, wx_trigger, scf). */
  source?: string;
  /** Leave out invocations whose chain started here (e.g. wx_trigger: hide timer runs). */
  excludeSource?: string;
}

export interface InvocationPage {
  invocations: InvocationRecord[];
  /** How many kept invocations match (the page shows at most `limit`). */
  matched: number;
  /** Every function, action and source among the kept invocations, for the filter's choices. */
  facets: { functions: string[]; actions: string[]; sources: string[] };
}

export function originOf(source: string): string {
  return source.split(',')[0] ?? source;
}

/** The filter a request's query string asks for; empty values mean no filter. */
export function filterFromQuery(query: URLSearchParams): InvocationFilter {
  const value = (key: string) => query.get(key) || undefined;
  return { function: value('function'), action: value('action'), source: value('source'), excludeSource: value('excludeSource') };
}

export function filterInvocations(newestFirst: readonly InvocationRecord[], filter: InvocationFilter, limit: number): InvocationPage {
  const matching = newestFirst.filter(
    (record) =>
      (!filter.function || record.name === filter.function) &&
      (!filter.action || record.action === filter.action) &&
      (!filter.source || originOf(record.source) === filter.source) &&
      (!filter.excludeSource || originOf(record.source) !== filter.excludeSource),
  );
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  return {
    invocations: matching.slice(0, limit),
    matched: matching.length,
    facets: {
      functions: sorted(newestFirst.map((record) => record.name)),
      actions: sorted(newestFirst.flatMap((record) => (record.action ? [record.action] : []))),
      sources: sorted(newestFirst.map((record) => originOf(record.source))),
    },
  };
}
