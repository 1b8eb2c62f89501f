import type { JsonValue } from '../values/value.ts';
import type { ThreadRunState, WfRunState } from './state.ts';

/**
 * The variables a ThreadRun reads by name: its own over its ancestors', as the engine resolves a name (nearest
 * thread first). Empty for a ThreadRun the state does not hold. Pure; for views that evaluate conditions as the
 * engine would (the UI's edge verdicts).
 */
export function variablesInScope(state: WfRunState | undefined, threadRunNumber: number): Record<string, JsonValue> {
  const chain: Readonly<Record<string, JsonValue>>[] = [];
  const seen = new Set<number>();
  for (let number: number | undefined = threadRunNumber; number !== undefined && !seen.has(number); ) {
    seen.add(number);
    const thread: ThreadRunState | undefined = state?.threadRuns[number];
    if (!thread) break;
    chain.unshift(thread.variables);
    number = thread.parentThreadRunNumber;
  }
  return Object.assign({}, ...chain) as Record<string, JsonValue>;
}
