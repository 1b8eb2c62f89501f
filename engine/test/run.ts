import { expect } from 'vitest';
import { replay, step } from '../src/index.ts';
import type { Catalog, Command, DecideContext, TaskAttemptResult, VersionedWfSpec, WfRunEvent, WfRunState } from '../src/index.ts';

/**
 * Drives one WfRun through the engine in a test: each accepted command folds its events, and every step checks
 * that replaying all events so far rebuilds the state the decider returned.
 */
export class TestRun {
  state: WfRunState | undefined;
  readonly events: WfRunEvent[] = [];
  readonly rejections: string[] = [];

  constructor(
    readonly wfSpec: VersionedWfSpec,
    readonly catalog: Catalog,
  ) {}

  /** The command's events, or its rejection code (also kept in `rejections`). */
  send(command: Command, now = 0): WfRunEvent[] | string {
    const ctx: DecideContext = { now, ids: { next: () => 'id' }, wfSpec: this.wfSpec, catalog: this.catalog };
    const result = step(this.state, command, ctx);
    if (!result.ok) {
      this.rejections.push(result.rejection.code);
      return result.rejection.code;
    }
    this.state = result.state;
    this.events.push(...result.events);
    expect(replay(this.events)).toEqual(this.state);
    return [...result.events];
  }

  report(taskGuid: string, result: TaskAttemptResult, { attempt = 0, now = 0 }: { attempt?: number; now?: number } = {}): WfRunEvent[] | string {
    return this.send({ type: 'ReportTaskAttempt', taskGuid, attempt, result }, now);
  }
}

/** The types of a command's events, or its rejection code. */
export const types = (events: WfRunEvent[] | string) => (typeof events === 'string' ? events : events.map((e) => e.type));
