import type { Catalog, JsonValue, LHStatus, Mocks, PendingAction, Scenario, ScenarioStep, WfRunEvent, WfRunState, WfSpec } from '@gallop/engine';

/** What the page asks the simulator worker. Each request carries an id; the answer names it. */
export type SimRequest =
  | { readonly type: 'start'; readonly spec: WfSpec; readonly catalog: Catalog; readonly variables: Readonly<Record<string, JsonValue>> }
  | { readonly type: 'act'; readonly step: ScenarioStep }
  | { readonly type: 'undo' }
  /** `mocks` undefined: go on with what is left of the last run's mock lists. */
  | { readonly type: 'run'; readonly mocks: Mocks | undefined; readonly breakpoints: readonly { readonly threadSpecName: string; readonly nodeName: string }[] }
  | { readonly type: 'stateAt'; readonly eventIndex: number }
  | { readonly type: 'record'; readonly name: string }
  | { readonly type: 'replay'; readonly spec: WfSpec; readonly catalog: Catalog; readonly scenario: Scenario; readonly load: boolean };

/** The simulation as the page shows it: plain data, since a Simulation cannot cross postMessage. */
export interface SimView {
  readonly status: LHStatus;
  readonly now: number;
  readonly startTime: number;
  readonly pending: readonly PendingAction[];
  readonly events: readonly WfRunEvent[];
  /** One per accepted command: what it was and where its events start. */
  readonly steps: readonly { readonly label: string; readonly time: number; readonly firstEventIndex: number; readonly eventCount: number }[];
  /** How many of the user's actions can be undone. */
  readonly actions: number;
}

export type SimAnswer =
  | { readonly ok: true; readonly view?: SimView; readonly state?: WfRunState; readonly scenario?: Scenario; readonly note?: string; readonly replay?: ReplaySummary }
  | { readonly ok: false; readonly message: string };

export interface ReplaySummary {
  readonly passed: boolean;
  readonly mismatches: readonly string[];
  readonly stepErrors: readonly string[];
  readonly status?: LHStatus | undefined;
  /** The nodes the entrypoint thread went through, in order. */
  readonly visited: readonly string[];
}
