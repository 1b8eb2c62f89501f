import type { ThreadVarDef, VariableType, WfSpec } from '@gallop/engine';

/** A variable a form may read or change, with the thread that declares it. */
export interface VisibleVariable {
  readonly name: string;
  readonly type: VariableType;
  /** The ThreadSpec that declares it. */
  readonly thread: string;
}

/**
 * Every variable the WfSpec declares, `thread`'s own first and then the other threads' in their order, each name
 * once: names are unique across a WfSpec (LittleHorse), so any of them may be named from any thread.
 */
export function visibleVariables(spec: WfSpec, thread: string): VisibleVariable[] {
  const threads = [thread, ...Object.keys(spec.threadSpecs).filter((t) => t !== thread)];
  const seen = new Set<string>();
  const found: VisibleVariable[] = [];
  for (const t of threads) {
    const defs: readonly ThreadVarDef[] = Object.hasOwn(spec.threadSpecs, t) ? (spec.threadSpecs[t]?.variableDefs ?? []) : [];
    for (const def of defs) {
      if (seen.has(def.name)) continue;
      seen.add(def.name);
      found.push({ name: def.name, type: def.type, thread: t });
    }
  }
  return found;
}

/** The type of the variable named `name`, or undefined when none is declared. */
export function typeOfVariable(variables: readonly VisibleVariable[], name: string): VariableType | undefined {
  return variables.find((v) => v.name === name)?.type;
}

/** The variables a ThreadSpec declares, for the inputs of a START_THREAD node that starts it. */
export function threadVariables(spec: WfSpec, thread: string): readonly ThreadVarDef[] {
  return Object.hasOwn(spec.threadSpecs, thread) ? (spec.threadSpecs[thread]?.variableDefs ?? []) : [];
}
