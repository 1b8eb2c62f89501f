import type { DecideContext } from '../context.ts';
import type { Rejection } from '../errors.ts';
import type { Command } from '../run/commands.ts';
import type { WfRunEvent } from '../run/events.ts';
import type { WfRunState } from '../run/state.ts';
import { step as engineStep } from '../run/step.ts';
import type { Catalog, VersionedWfSpec } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import type { Ledger } from './ledger.ts';
import { recordEvents } from './ledger.ts';
import type { ScenarioStep } from './scenario-step.ts';
import type { SimulationStep } from './simulation.ts';

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
  readonly events: WfRunEvent[];
  readonly history: SimulationStep[];
  /** The steps this draft added. */
  readonly steps: SimulationStep[] = [];

  constructor(
    private readonly base: Omit<SimulationData, 'state'> & { readonly state?: WfRunState | undefined },
    /** Index in `actions` of the action being drafted; undefined for the start. */
    private readonly actionIndex: number | undefined,
  ) {
    this.now = base.now;
    this.ledger = base.ledger;
    this.state = base.state;
    this.idsDrawn = base.idsDrawn;
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
    const ctx: DecideContext = { now: this.now, ids: { next: () => `id-${++drawn}` }, wfSpec: this.base.wfSpec, catalog: this.base.catalog };
    const result = engineStep(this.state, command, ctx);
    if (!result.ok) return result.rejection;
    const firstEventIndex = this.events.length;
    const step: SimulationStep = {
      command,
      time: this.now,
      events: result.events,
      firstEventIndex,
      effects: result.effects,
      state: result.state,
      ...(this.actionIndex === undefined ? {} : { actionIndex: this.actionIndex }),
    };
    this.idsDrawn = drawn;
    this.state = result.state;
    this.events.push(...result.events);
    this.ledger = recordEvents(this.ledger, result.events, firstEventIndex);
    this.history.push(step);
    this.steps.push(step);
    return undefined;
  }

  /** The simulation's data with what the draft did, and `action` appended to the actions; undefined before the WfRun started. */
  finish(action: ScenarioStep | undefined): SimulationData | undefined {
    if (!this.state) return undefined;
    return {
      ...this.base,
      now: this.now,
      state: this.state,
      history: this.history,
      events: this.events,
      actions: action === undefined ? this.base.actions : [...this.base.actions, action],
      ledger: this.ledger,
      idsDrawn: this.idsDrawn,
    };
  }
}
