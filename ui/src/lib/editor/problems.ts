import type { Problem } from '@gallop/engine';

/** A validation problem with the part of the draft it is about, so the editor can mark it and select it. */
export interface PlacedProblem extends Problem {
  readonly thread?: string | undefined;
  readonly node?: string | undefined;
  /** The index of the edge among its node's outgoing edges. */
  readonly edge?: number | undefined;
  /** The index of the variable among its thread's variableDefs. */
  readonly variable?: number | undefined;
}

/** Reads where each problem is from its path: `threadSpecs.<thread>.nodes.<node>.outgoingEdges[<i>]...`. */
export function placeProblems(problems: readonly Problem[]): PlacedProblem[] {
  return problems.map((problem) => {
    const [root, thread, kind, key, sub, index] = problem.path;
    if (root !== 'threadSpecs' || typeof thread !== 'string') return problem;
    if (kind === 'nodes' && typeof key === 'string') {
      return { ...problem, thread, node: key, ...(sub === 'outgoingEdges' && typeof index === 'number' ? { edge: index } : {}) };
    }
    if (kind === 'variableDefs' && typeof key === 'number') return { ...problem, thread, variable: key };
    return { ...problem, thread };
  });
}
