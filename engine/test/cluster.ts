import { expect } from 'vitest';
import { own } from '../src/spec/own.ts';
import { replay, step } from '../src/index.ts';
import type { Catalog, Command, DecideContext, Effect, JsonValue, TaskAttemptResult, VersionedWfSpec, WfRunEvent, WfRunState } from '../src/index.ts';

/** One WfRun of a TestCluster: its pinned WfSpec, its state and every event so far. */
export interface ClusterRun {
  readonly wfSpec: VersionedWfSpec;
  state: WfRunState | undefined;
  readonly events: WfRunEvent[];
}

/**
 * Drives several WfRuns through the engine in a test and plays the server's part between them: it carries out
 * RunChildWf, NotifyParentWfRun and RescueParentWfRun effects by sending each the command it stands for, in the order
 * they were made. Every step checks that replaying a WfRun's events rebuilds the state the decider returned, as
 * TestRun does. With `hold` set, effects wait in `pending` until `deliver()`, so a test can reorder the world.
 */
export class TestCluster {
  readonly runs = new Map<string, ClusterRun>();
  /** Rejection codes, by the WfRun that refused. */
  readonly rejections: { wfRunId: string; code: string }[] = [];
  /** Effects not yet carried out, oldest first. */
  readonly pending: Effect[] = [];
  /** Every effect asked for so far, in order. */
  readonly effects: Effect[] = [];
  now = 0;
  hold = false;

  /** `wfSpecs` by name; one version each. */
  constructor(
    readonly wfSpecs: Readonly<Record<string, VersionedWfSpec>>,
    readonly catalog: Catalog,
  ) {}

  /** Starts a top-level WfRun and carries out what follows from it. */
  start(wfSpecName: string, wfRunId: string, variables: Readonly<Record<string, JsonValue>> = {}): WfRunEvent[] | string {
    const wfSpec = own(this.wfSpecs, wfSpecName);
    if (!wfSpec) throw new Error(`The test cluster has no WfSpec ${wfSpecName}`);
    return this.#send(wfRunId, { type: 'RunWf', wfRunId, variables }, wfSpec);
  }

  /** Sends a command to an existing WfRun: its events, or its rejection code (also kept in `rejections`). */
  send(wfRunId: string, command: Command): WfRunEvent[] | string {
    const run = this.runs.get(wfRunId);
    if (!run) throw new Error(`The test cluster has no WfRun ${wfRunId}`);
    return this.#send(wfRunId, command, run.wfSpec);
  }

  report(wfRunId: string, taskGuid: string, result: TaskAttemptResult, attempt = 0): WfRunEvent[] | string {
    return this.send(wfRunId, { type: 'ReportTaskAttempt', taskGuid, attempt, result });
  }

  state(wfRunId: string): WfRunState {
    const state = this.runs.get(wfRunId)?.state;
    if (!state) throw new Error(`WfRun ${wfRunId} has not started`);
    return state;
  }

  /** Carries out pending effects (and those they lead to) until none is left. */
  deliver(): void {
    for (let effect = this.pending.shift(); effect; effect = this.pending.shift()) this.#carryOut(effect);
  }

  #send(wfRunId: string, command: Command, wfSpec: VersionedWfSpec): WfRunEvent[] | string {
    const run = this.runs.get(wfRunId) ?? { wfSpec, state: undefined, events: [] };
    const ctx: DecideContext = { now: this.now, ids: { next: () => 'id' }, wfSpec: run.wfSpec, catalog: this.catalog };
    const result = step(run.state, command, ctx);
    if (!result.ok) {
      this.rejections.push({ wfRunId, code: result.rejection.code });
      return result.rejection.code;
    }
    run.state = result.state;
    run.events.push(...result.events);
    this.runs.set(wfRunId, run);
    expect(replay(run.events)).toEqual(run.state);
    this.effects.push(...result.effects);
    this.pending.push(...result.effects);
    if (!this.hold) this.deliver();
    return [...result.events];
  }

  /** What the server will do for each effect that crosses WfRuns; tasks and timers are left to the test. */
  #carryOut(effect: Effect): void {
    switch (effect.type) {
      case 'RunChildWf': {
        const { event, parentWfRunId } = effect;
        const wfSpec = own(this.wfSpecs, event.wfSpecName);
        if (!wfSpec || (event.majorVersion !== undefined && event.majorVersion !== wfSpec.majorVersion)) {
          this.send(parentWfRunId, { type: 'ChildWfRunEnded', childWfRunId: event.childWfRunId, status: 'ERROR', failure: { name: 'CHILD_FAILURE', message: `WfSpec ${event.wfSpecName} does not exist.` } });
          return;
        }
        const command = { type: 'RunWf', wfRunId: event.childWfRunId, parentWfRunId, variables: event.variables, fromRunChildWf: true } as const;
        const started = this.#send(event.childWfRunId, command, wfSpec);
        if (typeof started === 'string' && started !== 'WF_RUN_ALREADY_EXISTS') {
          this.send(parentWfRunId, { type: 'ChildWfRunEnded', childWfRunId: event.childWfRunId, status: 'ERROR', failure: { name: 'CHILD_FAILURE', message: `The child could not start: ${started}.` } });
        }
        return;
      }
      case 'NotifyParentWfRun': {
        const { parentWfRunId, type: _, ...ended } = effect;
        this.send(parentWfRunId, { type: 'ChildWfRunEnded', ...ended });
        return;
      }
      case 'RescueParentWfRun':
        this.send(effect.parentWfRunId, { type: 'ChildWfRunRescued', childWfRunId: effect.childWfRunId });
        return;
      case 'ScheduleTask':
      case 'SetTimer':
        return;
    }
  }
}
