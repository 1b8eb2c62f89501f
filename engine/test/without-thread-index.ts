import type { WfRunState } from '../src/index.ts';

/** `state` as an engine before `busyThreadRuns` and the ThreadRuns' children and counts wrote it (a snapshot stored back then). */
export function withoutThreadIndex(state: WfRunState): WfRunState {
  const { busyThreadRuns: _, ...rest } = state;
  return { ...rest, threadRuns: state.threadRuns.map(({ childThreadRunNumbers: _c, completedChildren: _d, failedChildren: _f, ...thread }) => thread) };
}
