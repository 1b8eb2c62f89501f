import type { MutationSource, VariableAssignment, VariableMutation } from '../spec/types.ts';
import { describeValue, isValueOfType } from '../values/value.ts';
import type { JsonValue, VariableType } from '../values/value.ts';
import type { Failure } from './failure.ts';
import type { Session } from './session.ts';
import type { ThreadRunState } from './state.ts';

export type Evaluated = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly failure: Failure };

/** Resolves where a value comes from, as seen from `thread`. `nodeOutput` serves NODE_OUTPUT sources. */
export function evaluate(s: Session, thread: ThreadRunState, source: MutationSource | VariableAssignment, nodeOutput?: JsonValue): Evaluated {
  switch (source.type) {
    case 'LITERAL':
      return { ok: true, value: source.value };
    case 'VARIABLE': {
      const read = s.readVariable(thread, source.variableName);
      if (!read.found) return varSubError(`Variable '${source.variableName}' is not in scope of ThreadRun ${thread.number}.`);
      return { ok: true, value: read.value };
    }
    case 'NODE_OUTPUT':
      return { ok: true, value: nodeOutput ?? null };
  }
}

/** Checks a value against the type it is about to take; VAR_SUB_ERROR when it does not fit. */
export function expectType(value: JsonValue, type: VariableType, what: string): Evaluated {
  if (isValueOfType(value, type)) return { ok: true, value };
  return varSubError(`${what} expects a ${type} but got ${describeValue(value)}.`);
}

/** Runs an edge's mutations in order; the first that cannot apply stops the rest and names the failure. */
export function applyMutations(
  s: Session,
  thread: ThreadRunState,
  mutations: readonly VariableMutation[],
  nodeOutput: JsonValue | undefined,
): Failure | undefined {
  for (const mutation of mutations) {
    const current = s.thread(thread.number);
    const owner = s.variableOwner(current, mutation.lhsName);
    if (!owner) return varSubError(`Variable '${mutation.lhsName}' is not in scope of ThreadRun ${thread.number}.`).failure;
    const rhs = evaluate(s, current, mutation.rhs, nodeOutput);
    if (!rhs.ok) return rhs.failure;
    const type = declaredType(s, owner, mutation.lhsName);
    const checked = type ? expectType(rhs.value, type, `Variable '${mutation.lhsName}'`) : rhs;
    if (!checked.ok) return checked.failure;
    s.emit({ type: 'VariableAssigned', threadRunNumber: owner.number, name: mutation.lhsName, value: checked.value });
  }
  return undefined;
}

function declaredType(s: Session, owner: ThreadRunState, name: string): VariableType | undefined {
  return s.threadSpec(owner).variableDefs?.find((d) => d.name === name)?.type;
}

function varSubError(message: string): { ok: false; failure: Failure } {
  return { ok: false, failure: { name: 'VAR_SUB_ERROR', message } };
}
