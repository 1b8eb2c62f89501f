import type { Finding, Problem } from '@gallop/engine';

/**
 * A validation problem (an error: the server refuses the WfSpec) or an analysis finding (a warning: it registers,
 * but some path goes wrong), with the part of the draft it is about, so the editor can mark it and select it.
 */
export interface PlacedProblem {
  readonly path: Problem['path'];
  readonly code: Problem['code'] | Finding['code'];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly thread?: string | undefined;
  readonly node?: string | undefined;
  /** The index of the edge among its node's outgoing edges. */
  readonly edge?: number | undefined;
  /** The index of the variable among its thread's variableDefs. */
  readonly variable?: number | undefined;
}

/** Reads where each problem is from its path: `threadSpecs.<thread>.nodes.<node>.outgoingEdges[<i>]...`. */
export function placeProblems(problems: readonly Problem[], findings: readonly Finding[] = []): PlacedProblem[] {
  const all = [...problems.map((p) => ({ ...p, severity: 'error' as const })), ...findings.map((f) => ({ ...f, severity: 'warning' as const }))];
  return all.map((problem): PlacedProblem => {
    const [root, thread, kind, key, sub, index] = problem.path;
    if (root !== 'threadSpecs' || typeof thread !== 'string') return problem;
    if (kind === 'nodes' && typeof key === 'string') {
      return { ...problem, thread, node: key, ...(sub === 'outgoingEdges' && typeof index === 'number' ? { edge: index } : {}) };
    }
    if (kind === 'variableDefs' && typeof key === 'number') return { ...problem, thread, variable: key };
    return { ...problem, thread };
  });
}
