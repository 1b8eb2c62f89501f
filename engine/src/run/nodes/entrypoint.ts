import type { ArriveHandler } from './types.ts';

/** ENTRYPOINT completes as soon as the thread starts. */
export const arriveAtEntrypoint: ArriveHandler<'ENTRYPOINT'> = (s, thread) => {
  const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position });
};
