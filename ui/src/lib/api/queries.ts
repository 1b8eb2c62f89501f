import type { WfRunEvent, WfSpec } from '@gallop/engine';
import type { WfRunSummary as SdkWfRunSummary, WfSpecInfo } from '@gallop/sdk';

/** The GraphQL documents the UI sends, with the shapes of what they select. */

/** A Relay connection page, as the server's connections return it. */
export interface Page<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/** What the WfSpecs list selects of the SDK's WfSpec shape. */
export type WfSpecSummary = Pick<WfSpecInfo, 'name' | 'majorVersion' | 'revision' | 'createdAt'>;

export const WF_SPECS = `query WfSpecs($first: Int, $after: String) {
  page: wfSpecs(first: $first, after: $after) {
    edges { cursor node { name majorVersion revision createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** What the WfRuns list selects of the SDK's WfRun summary. */
export type WfRunSummary = Pick<SdkWfRunSummary, 'id' | 'wfSpecName' | 'majorVersion' | 'revision' | 'status' | 'startTime' | 'endTime'>;

export const WF_RUNS = `query WfRuns($first: Int, $after: String, $wfSpecName: String, $status: LHStatus) {
  page: wfRuns(first: $first, after: $after, wfSpecName: $wfSpecName, status: $status) {
    edges { cursor node { id wfSpecName majorVersion revision status startTime endTime } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A WfRun event as the server stores it: the engine's event with its place in the log. */
export interface StoredEvent {
  readonly seq: number;
  readonly event: WfRunEvent;
}

export interface WfRunDetail {
  readonly id: string;
  readonly wfSpecName: string;
  readonly majorVersion: number;
  readonly revision: number;
  readonly lastSeq: number;
  readonly wfSpec: { readonly spec: WfSpec };
  readonly events: readonly StoredEvent[];
}

// The page rebuilds status, variables and NodeRuns by folding the log with the engine's own `evolve`, so the
// projections (status, nodeRuns, variables) are not selected: one source of truth, before and after going live.
export const WF_RUN = `query WfRun($id: ID!) {
  wfRun(id: $id) {
    id wfSpecName majorVersion revision lastSeq
    wfSpec { spec }
    events { seq event }
  }
}`;

export const WF_RUN_EVENTS = `subscription WfRunEvents($id: ID!, $afterSeq: Int) {
  wfRunEvents(id: $id, afterSeq: $afterSeq) { seq event }
}`;

/** When workers claimed a TaskRun's finished attempts: the one thing about them the event log does not hold. */
export interface TaskRunTimes {
  readonly attempts: readonly { readonly attempt: number; readonly startTime: string | null }[];
}

export const TASK_RUN_TIMES = `query TaskRunTimes($id: ID!) {
  taskRun(id: $id) { attempts { attempt startTime } }
}`;
