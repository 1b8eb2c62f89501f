import { LH_STATUSES } from '@gallop/engine';
import type { LHStatus } from '@gallop/engine';
import { statusLabel } from '../status.ts';

/** How long ago a bound of the arrival time lies: the choices of the page's "since" and "until" pickers. */
export interface ArrivalAge {
  /** As kept in the URL: `15m`. */
  readonly value: string;
  /** The picker's and the sentence's words: `15 min`. */
  readonly label: string;
  readonly ms: number;
}

export const ARRIVAL_AGES: readonly ArrivalAge[] = [
  { value: '15m', label: '15 min', ms: 15 * 60_000 },
  { value: '1h', label: '1 h', ms: 3_600_000 },
  { value: '24h', label: '24 h', ms: 86_400_000 },
  { value: '7d', label: '7 d', ms: 7 * 86_400_000 },
];

/** "What failed lately": the status a search without one looks for. */
export const DEFAULT_STATUS: LHStatus = 'ERROR';

/** A search of NodeRuns as the page's URL keeps it (LittleHorse SearchNodeRun). */
export interface NodeRunSearch {
  readonly status: LHStatus;
  /** Arrived at most this long ago (an `ArrivalAge` value); '' for any time. */
  readonly since: string;
  /** Arrived at least this long ago; '' for up to now. */
  readonly until: string;
  /** Only EXTERNAL_EVENT NodeRuns of this ExternalEventDef; '' for any node. */
  readonly externalEventDefName: string;
}

const ageOf = (value: string | null): ArrivalAge | undefined => ARRIVAL_AGES.find((a) => a.value === value);

/** The search a URL's query asks for. What it does not know (a hand-typed status or age) falls back to the default. */
export function searchOf(query: URLSearchParams): NodeRunSearch {
  const status = query.get('status');
  let since = ageOf(query.get('since'));
  let until = ageOf(query.get('until'));
  // Bounds picked the wrong way round ("since 15 min, until 1 h ago") mean the range between them; equal ones, no
  // range at all, so only "since" is kept.
  if (since && until && since.ms <= until.ms) [since, until] = since.ms === until.ms ? [since, undefined] : [until, since];
  return {
    status: (LH_STATUSES as readonly string[]).includes(status ?? '') ? (status as LHStatus) : DEFAULT_STATUS,
    since: since?.value ?? '',
    until: until?.value ?? '',
    externalEventDefName: query.get('externalEventDefName')?.trim() ?? '',
  };
}

/** The variables of the `nodeRuns` query read at `now`: the ages become instants, what is not searched by is left out. */
export function variablesOf(search: NodeRunSearch, now: number): Record<string, string> {
  const since = ageOf(search.since);
  const until = ageOf(search.until);
  return {
    status: search.status,
    ...(since && { arrivedAfter: new Date(now - since.ms).toISOString() }),
    ...(until && { arrivedBefore: new Date(now - until.ms).toISOString() }),
    ...(search.externalEventDefName && { externalEventDefName: search.externalEventDefName }),
  };
}

/** The arrival bounds in words: `in the last 1 h`, `more than 15 min ago`, `between 7 d and 1 h ago`; '' for any time. */
function arrivalWords(search: NodeRunSearch): string {
  const since = ageOf(search.since);
  const until = ageOf(search.until);
  if (since && until) return `between ${since.label} and ${until.label} ago`;
  if (since) return `in the last ${since.label}`;
  if (until) return `more than ${until.label} ago`;
  return '';
}

/**
 * The search in words, for the page's heading line and its empty state:
 * `NodeRuns in status Running waiting for approved that arrived in the last 1 h`.
 */
export function describeSearch(search: NodeRunSearch): string {
  const def = search.externalEventDefName;
  // A RUNNING EXTERNAL_EVENT NodeRun is one still waiting; in any other status it waited.
  const of = !def ? '' : search.status === 'RUNNING' ? ` waiting for ${def}` : ` of ExternalEventDef ${def}`;
  const arrived = arrivalWords(search);
  return `NodeRuns in status ${statusLabel(search.status)}${of}${arrived ? ` that arrived ${arrived}` : ''}`;
}
