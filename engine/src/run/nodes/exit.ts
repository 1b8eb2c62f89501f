import type { ArriveHandler } from './types.ts';

/** EXIT completes at once; the advance loop then completes its thread. */
export const arriveAtExit: ArriveHandler<'EXIT'> = (s, thread) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position });
};
