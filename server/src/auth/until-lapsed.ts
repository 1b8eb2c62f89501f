import type { ExecutionResult, GraphQLError } from 'graphql';

/**
 * A subscription's results until `check`, asked every `everyMs`, finds that what allowed it has lapsed (its
 * credential expired or was revoked, its grant taken away): then one result carrying that refusal, and the end. A
 * check that fails for another reason (the database away for a moment) cuts nothing: the next one decides.
 */
export function untilLapsed(
  source: AsyncIterable<ExecutionResult>,
  check: () => Promise<GraphQLError | undefined>,
  everyMs: number,
): AsyncIterableIterator<ExecutionResult> {
  const results = source[Symbol.asyncIterator]();
  let finished = false;
  let lapse!: (refusal: GraphQLError) => void;
  const lapsed = new Promise<{ refusal: GraphQLError }>((resolve) => (lapse = (refusal) => resolve({ refusal })));
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check()
      .then((refusal) => refusal && lapse(refusal), () => {})
      .finally(() => (checking = false));
  }, everyMs);
  // A subscription left open must not keep a stopping process alive.
  timer.unref?.();
  const finish = async () => {
    finished = true;
    clearInterval(timer);
    await results.return?.();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      const next = await Promise.race([results.next(), lapsed]);
      if ('refusal' in next) {
        // The refusal goes out now; the source lets go in its own time.
        finish().catch(() => {});
        return { done: false, value: { errors: [next.refusal] } };
      }
      if (next.done) await finish();
      return next;
    },
    async return() {
      await finish();
      return { done: true, value: undefined };
    },
  };
}
