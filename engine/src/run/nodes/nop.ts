import type { ArriveHandler } from './types.ts';

/** NOP completes at once; its edges decide where the thread goes. */
export const arriveAtNop: ArriveHandler<'NOP'> = (s, thread) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position });
};
