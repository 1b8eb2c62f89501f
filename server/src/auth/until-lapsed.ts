import type { ExecutionResult, GraphQLError } from 'graphql';

/**
 * A subscription's results until `check`, asked every `everyMs`, finds that what allowed it has lapsed (its
 * credential expired or was revoked, its grant taken away): then one result carrying that refusal (`onLapse` is
 * told), and the end. A check that fails for another reason (the database away for a moment) cuts nothing: the
 * next one decides.
 */
export function untilLapsed(
  source: AsyncIterable<ExecutionResult>,
  check: () => Promise<GraphQLError | undefined>,
  everyMs: number,
  onLapse: (refusal: GraphQLError) => void = () => {},
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
  // Once finished no check runs again; a source that failed is not asked to return.
  const stop = () => {
    finished = true;
    clearInterval(timer);
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      let next: IteratorResult<ExecutionResult> | { refusal: GraphQLError };
      try {
        next = await Promise.race([results.next(), lapsed]);
      } catch (error) {
        // graphql-ws drops a subscription whose source threw without calling return().
        stop();
        throw error;
      }
      if ('refusal' in next) {
        stop();
        onLapse(next.refusal);
        // The refusal goes out now; the source lets go in its own time.
        results.return?.().catch(() => {});
        return { done: false, value: { errors: [next.refusal] } };
      }
      if (next.done) stop();
      return next;
    },
    async return() {
      stop();
      await results.return?.();
      return { done: true, value: undefined };
    },
  };
}
