import { performance } from 'node:perf_hooks';
import { cpuNow, cpuSince } from '../cpu.ts';
import type { CpuSample } from '../cpu.ts';

/** What one drain of pre-filled no-op jobs measured. */
export interface DrainResult {
  /** Jobs enqueued per second by the peer's bulk call. */
  readonly enqueuedPerSecond: number;
  /** Jobs per second from the first handler start to the moment the database shows no job left to finish. */
  readonly jobsPerSecond: number;
  /** CPU used over the same time. */
  readonly cpu: CpuSample;
}

/** Follows the handlers of one drain: when the first started, and when all `jobs` have run. */
export interface DrainTracker {
  /** Called by a handler as it starts, with the number of jobs it was given. */
  handling(count?: number): void;
  /** Resolves once handlers have been given `jobs` jobs in all. */
  readonly allHandled: Promise<void>;
  /** Seconds since the first handler started. */
  seconds(): number;
  /** CPU used since the first handler started. */
  cpu(): CpuSample;
}

/** A tracker for a drain of `jobs` jobs. */
export function drainTracker(jobs: number): DrainTracker {
  let first: number | undefined;
  let cpuAtFirst: CpuSample | undefined;
  let handled = 0;
  let resolve: () => void = () => {};
  const allHandled = new Promise<void>((r) => (resolve = r));
  return {
    handling(count = 1) {
      cpuAtFirst ??= cpuNow();
      first ??= performance.now();
      handled += count;
      if (handled >= jobs) resolve();
    },
    allHandled,
    seconds: () => (first === undefined ? NaN : (performance.now() - first) / 1000),
    cpu: () => (cpuAtFirst ? cpuSince(cpuAtFirst) : { node: NaN, postgres: undefined }),
  };
}

/**
 * Resolves once `remaining()` answers 0, asking again a millisecond after each answer. Called once every handler
 * has run, it waits only for the last completions to commit, so its own reads add a few transactions at most.
 */
export async function untilEmpty(remaining: () => Promise<number>): Promise<void> {
  while ((await remaining()) > 0) await new Promise((resolve) => setTimeout(resolve, 1));
}
