import type { Catalog, JsonValue, LHStatus, Mocks, PendingAction, Scenario, ScenarioStep, VersionedWfSpec, WfRunEvent, WfRunState, WfSpec } from '@gallop/engine';

/** What the page asks the simulator worker. Each request carries an id; the answer names it. */
export type SimRequest =
  | { readonly type: 'start'; readonly spec: WfSpec; readonly catalog: Catalog; readonly variables: Readonly<Record<string, JsonValue>> }
  /**
   * Carries on a real WfRun from its events up to `at` (all of them when undefined), on `spec`, the revision it runs
   * now. The cut moves back to where the engine's last whole decision before it ended.
   */
  | { readonly type: 'fork'; readonly spec: VersionedWfSpec; readonly catalog: Catalog; readonly wfRunId: string; readonly events: readonly WfRunEvent[]; readonly at: number | undefined }
  /** A sandbox edit: a variable takes a value no command gave it. */
  | { readonly type: 'setVariable'; readonly threadRunNumber: number; readonly name: string; readonly value: JsonValue }
  /** The WfRun moves to another revision, as MigrateWfRun would move it. */
  | { readonly type: 'migrate'; readonly spec: VersionedWfSpec }
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
  /** Set on a fork: the real WfRun and how many of its events it started from. */
  readonly forkedFrom?: { readonly wfRunId: string; readonly eventCount: number } | undefined;
  /** The revision the simulation runs. */
  readonly version: { readonly majorVersion: number; readonly revision: number };
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

/** A real WfRun for the simulator to carry on from: its events up to `at` (all when undefined), on its revision. */
export interface ForkSource {
  readonly wfRunId: string;
  readonly spec: VersionedWfSpec;
  readonly events: readonly WfRunEvent[];
  readonly at: number | undefined;
}
