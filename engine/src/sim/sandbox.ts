import { advance } from '../run/advance.ts';
import { isTerminal } from '../run/state.ts';
import { own } from '../spec/own.ts';
import type { Problem } from '../spec/problem.ts';
import type { Catalog, VersionedWfSpec } from '../spec/types.ts';
import { validateWfSpec } from '../spec/validate.ts';
import type { JsonValue } from '../values/value.ts';
import { aType, describeValue, isValueOfType } from '../values/value.ts';
import type { Draft } from './draft.ts';
import type { SimulationRejection } from './simulation.ts';

/** A step the simulator takes itself, outside the engine's commands; it appears in `history` like a command. */
export type SandboxCommand =
  /**
   * A ThreadRun's variable is set to `value`, as if something outside the WfSpec had assigned it. Only the simulator
   * has it (LittleHorse has no such command): it lets a sandbox try what a different value would do.
   */
  | { readonly type: 'SetVariable'; readonly threadRunNumber: number; readonly name: string; readonly value: JsonValue }
  /** Events taken as they stand from the log a simulation was forked from, where no command could be rebuilt for them. */
  | { readonly type: 'CopyEvents' };

/**
 * Sets variable `name` of ThreadRun `threadRunNumber` in the draft: a VariableAssigned event, then the engine's
 * advance, so a WAIT_FOR_CONDITION the new value settles moves at once, and a SLEEP until a timestamp it moves gets
 * its new timer (due now if the time has passed, fired by the next advance of the clock). The variable must be the
 * thread's own (declared by its ThreadSpec), and the value of its type.
 */
export function setVariable(draft: Draft, threadRunNumber: number, name: string, value: JsonValue): SimulationRejection | undefined {
  const state = draft.state;
  const thread = state?.threadRuns[threadRunNumber];
  if (!state || !thread) return { code: 'UNKNOWN_THREAD_RUN', message: `The WfRun has no ThreadRun ${threadRunNumber}.` };
  const def = own(draft.wfSpec.threadSpecs, thread.threadSpecName)?.variableDefs?.find((d) => d.name === name);
  const path = ['threadRuns', threadRunNumber, 'variables', name];
  if (!def || !Object.hasOwn(thread.variables, name)) {
    // Variables of ancestors are in scope for a thread but belong to the ancestor: say which one to name instead.
    const holder = state.threadRuns.find((t) => Object.hasOwn(t.variables, name));
    const hint = holder ? ` ThreadRun ${holder.number} (${holder.threadSpecName}) holds it.` : '';
    const message = `ThreadRun ${threadRunNumber} (${thread.threadSpecName}) declares no variable '${name}'.${hint}`;
    return { code: 'INVALID_VARIABLES', message, problems: [{ path, code: 'UNKNOWN_VARIABLE', message }] };
  }
  if (value === undefined || !isValueOfType(value, def.type)) {
    const message = `Variable '${name}' of ThreadRun ${threadRunNumber} is ${aType(def.type)}; got ${describeValue(value)}.`;
    return { code: 'INVALID_VARIABLES', message, problems: [{ path, code: 'TYPE_MISMATCH', message }] };
  }
  draft.sendSandbox({ type: 'SetVariable', threadRunNumber, name, value }, (s) => {
    s.emit({ type: 'VariableAssigned', threadRunNumber, name, value });
    // As after any command: an ended WfRun takes the change but nothing moves.
    if (!isTerminal(s.state.status)) advance(s);
  });
  return undefined;
}

/**
 * Moves the draft's WfRun to `wfSpec` with the engine's MigrateWfRun, deciding on the revision it runs on now; from
 * then on the draft runs `wfSpec` against `catalog`.
 */
export function migrate(draft: Draft, wfSpec: VersionedWfSpec, catalog: Catalog): SimulationRejection | undefined {
  const problems = validateWfSpec(wfSpec, catalog);
  if (problems.length > 0) return invalidWfSpec(problems);
  // The new revision may run TaskDefs only the new catalog has, from the first advance on.
  draft.catalog = catalog;
  const rejection = draft.send({ type: 'MigrateWfRun', wfSpec });
  if (rejection) return rejection;
  draft.wfSpec = wfSpec;
  return undefined;
}

/** The refusal of a WfSpec that does not validate: the first problem in words, all of them as data. */
export function invalidWfSpec(problems: readonly Problem[]): SimulationRejection {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return { code: 'INVALID_WF_SPEC', message: `The WfSpec cannot run: ${problems[0]?.message}${more}`, problems };
}
