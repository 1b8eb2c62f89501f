import type { TaskWorker } from './task-worker.ts';

interface SignalTarget {
  once(signal: string, listener: () => void): unknown;
  off(signal: string, listener: () => void): unknown;
}

/**
 * Stops `workers` gracefully when the process gets SIGTERM or SIGINT (Node; elsewhere it does nothing): each stops
 * claiming, finishes and reports what it holds (attempts still running after `timeoutMs` are left to their leases),
 * then `then` runs, say to close the client or exit. A second signal while they stop ends the process at once, as
 * Node does by default. Returns a function that removes the handlers.
 */
export function stopOnSignals(
  workers: readonly TaskWorker[],
  options: { signals?: readonly string[]; timeoutMs?: number; then?: () => void | Promise<void> } = {},
): () => void {
  const target = (globalThis as { process?: SignalTarget }).process;
  if (!target) return () => {};
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const onSignal = () => {
    // The other signal's handler goes too, so that any second signal ends the process.
    remove();
    const stopOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    void Promise.allSettled(workers.map((w) => w.stop(stopOptions))).then(() => options.then?.());
  };
  const remove = () => {
    for (const signal of signals) target.off(signal, onSignal);
  };
  for (const signal of signals) target.once(signal, onSignal);
  return remove;
}
