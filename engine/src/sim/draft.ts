import type { DecideContext } from '../context.ts';
import type { Rejection } from '../errors.ts';
import type { Command } from '../run/commands.ts';
import type { WfRunEvent } from '../run/events.ts';
import { prepareWfSpec } from '../run/prepared.ts';
import type { PreparedWfSpec } from '../run/prepared.ts';
import { Session } from '../run/session.ts';
import type { WfRunState } from '../run/state.ts';
import { effectsOf, step as engineStep } from '../run/step.ts';
import type { Effect } from '../run/step.ts';
import type { Catalog, VersionedWfSpec } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import type { Ledger } from './ledger.ts';
import { recordEvents } from './ledger.ts';
import type { ScenarioStep } from './scenario-step.ts';
import type { SandboxCommand } from './sandbox.ts';
import type { SimulationStep } from './simulation.ts';

/** Where a forked simulation came from. */
export interface ForkOrigin {
  /** The WfRun whose event log it took. */
  readonly wfRunId: string;
  /** How many of the log's events it took; the simulation's own events come after them. */
  readonly eventCount: number;
}

/** Everything a Simulation holds. Plain data: every action makes a new one. */
export interface SimulationData {
  readonly wfSpec: VersionedWfSpec;
  readonly catalog: Catalog;
  readonly wfRunId: string;
  readonly inputs: Readonly<Record<string, JsonValue>>;
  readonly startTime: number;
  readonly now: number;
  readonly state: WfRunState;
  readonly history: readonly SimulationStep[];
  readonly events: readonly WfRunEvent[];
  readonly actions: readonly ScenarioStep[];
  readonly ledger: Ledger;
  /** How many ids the simulation has handed out: event guids and the engine's IdSource share one counter. */
  readonly idsDrawn: number;
  /** Set when the simulation began from a real WfRun's events (forkSimulation) instead of a RunWf. */
  readonly fork?: ForkOrigin | undefined;
}

/**
 * A simulation in the making, for one action: commands go through the engine one by one at the draft's clock, and
 * nothing reaches a Simulation until `finish`. A refused action just drops its draft.
 */
export class Draft {
  now: number;
  ledger: Ledger;
  state: WfRunState | undefined;
  idsDrawn: number;
  /** The WfSpec revision the WfRun runs on; a migration changes it. */
  wfSpec: VersionedWfSpec;
  #prepared: PreparedWfSpec | undefined;
  catalog: Catalog;
  readonly events: WfRunEvent[];
  readonly history: SimulationStep[];
  /** The steps this draft added. */
  readonly steps: SimulationStep[] = [];

  constructor(
    private readonly base: Omit<SimulationData, 'state'> & { readonly state?: WfRunState | undefined },
    /** Index in `actions` of the action being drafted; undefined for the start and for sandbox edits. */
    private readonly actionIndex: number | undefined,
  ) {
    this.now = base.now;
    this.ledger = base.ledger;
    this.state = base.state;
    this.idsDrawn = base.idsDrawn;
    this.wfSpec = base.wfSpec;
    this.catalog = base.catalog;
    this.events = [...base.events];
    this.history = [...base.history];
  }

  /** `{prefix}-{n}` from the simulation's counter. */
  nextId(prefix: string): string {
    return `${prefix}-${++this.idsDrawn}`;
  }

  /** Decides `command` at the draft's clock and keeps what it produced; returns the rejection otherwise. */
  send(command: Command): Rejection | undefined {
    let drawn = this.idsDrawn;
    const result = engineStep(this.state, command, this.#context(() => `id-${++drawn}`));
    if (!result.ok) return result.rejection;
    this.idsDrawn = drawn;
    this.#keep(command, result.events, result.state, result.effects);
    return undefined;
  }

  /**
   * Keeps a step the simulator decides itself, outside the engine's commands (a sandbox edit): `decide` emits its
   * events through a session at the draft's clock, so they fold exactly as replay folds them.
   */
  sendSandbox(command: SandboxCommand, decide: (s: Session) => void): void {
    let drawn = this.idsDrawn;
    const s = new Session(this.state, this.#context(() => `id-${++drawn}`));
    decide(s);
    this.idsDrawn = drawn;
    this.#keep(command, s.events, s.state, effectsOf(s.events, s.state));
  }

  /** The simulation's data with what the draft did, and `action` appended to the actions; undefined before the WfRun started. */
  finish(action: ScenarioStep | undefined): SimulationData | undefined {
    if (!this.state) return undefined;
    return {
      ...this.base,
      wfSpec: this.wfSpec,
      catalog: this.catalog,
      now: this.now,
      state: this.state,
      history: this.history,
      events: this.events,
      actions: action === undefined ? this.base.actions : [...this.base.actions, action],
      ledger: this.ledger,
      idsDrawn: this.idsDrawn,
    };
  }

  #context(next: () => string): DecideContext {
    // Worked out once per version for the draft's decisions (a migration changes the version).
    if (this.#prepared?.wfSpec !== this.wfSpec) this.#prepared = prepareWfSpec(this.wfSpec);
    return { now: this.now, ids: { next }, wfSpec: this.wfSpec, catalog: this.catalog, prepared: this.#prepared };
  }

  #keep(command: Command | SandboxCommand, events: readonly WfRunEvent[], state: WfRunState, effects: readonly Effect[]): void {
    const step: SimulationStep = {
      command,
      time: this.now,
      events,
      firstEventIndex: this.events.length,
      effects,
      state,
      ...(this.actionIndex === undefined ? {} : { actionIndex: this.actionIndex }),
    };
    this.state = state;
    this.ledger = recordEvents(this.ledger, events, this.events.length);
    this.events.push(...events);
    this.history.push(step);
    this.steps.push(step);
  }
}
