import { own } from '../../spec/own.ts';
import type { JsonValue } from '../../values/value.ts';
import { describeValue } from '../../values/value.ts';
import { evaluate, expectType } from '../assignments.ts';
import type { Failure } from '../failure.ts';
import { statusOfFailure } from '../failure.ts';
import type { Session } from '../session.ts';
import type { ThreadRunState } from '../state.ts';
import { isTerminal } from '../state.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';

/** Starts a ThreadRun as a child of `parent` with its variables' first values; advance() then runs it. */
export type StartThread = (s: Session, threadSpecName: string, variables: Readonly<Record<string, JsonValue>>, parent: number) => void;

/**
 * START_THREAD: evaluates the child's inputs in the parent's scope, starts the child, and completes with the
 * child's number as its output (LittleHorse). An input that cannot be evaluated fails the node with VAR_SUB_ERROR.
 */
export function arriveAtStartThread(startThread: StartThread): ArriveHandler<'START_THREAD'> {
  return (s, thread, node) => {
    const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
    const spec = own(s.ctx.wfSpec.threadSpecs, node.threadSpecName);
    const fail = (failure: Failure) =>
      s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: statusOfFailure(failure), failure });
    if (!spec) return fail({ name: 'VAR_SUB_ERROR', message: `ThreadSpec '${node.threadSpecName}' does not exist.` });
    const values: Record<string, JsonValue> = {};
    for (const def of spec.variableDefs ?? []) {
      const source = node.variables?.[def.name];
      const given = source ? evaluate(s, s.thread(thread.number), source) : { ok: true as const, value: def.defaultValue ?? null };
      const checked = given.ok ? expectType(given.value ?? def.defaultValue ?? null, def.type, `Variable '${def.name}' of thread '${node.threadSpecName}'`) : given;
      if (!checked.ok) return fail(checked.failure);
      values[def.name] = checked.value;
    }
    const child = s.state.threadRuns.length;
    startThread(s, node.threadSpecName, values, thread.number);
    s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, output: child });
  };
}

/**
 * START_MULTIPLE_THREADS: one child per element of the iterable, the element in the child's INPUT variable when it
 * declares one; outputs the children's numbers. A value that is not a JSON_ARR fails the node with VAR_SUB_ERROR.
 */
export function arriveAtStartMultipleThreads(startThread: StartThread): ArriveHandler<'START_MULTIPLE_THREADS'> {
  return (s, thread, node) => {
    const position = s.thread(thread.number).currentNodeRun?.position ?? 0;
    const fail = (failure: Failure) =>
      s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: statusOfFailure(failure), failure });
    const spec = own(s.ctx.wfSpec.threadSpecs, node.threadSpecName);
    if (!spec) return fail({ name: 'VAR_SUB_ERROR', message: `ThreadSpec '${node.threadSpecName}' does not exist.` });
    const iterable = evaluate(s, s.thread(thread.number), node.iterable);
    if (!iterable.ok) return fail(iterable.failure);
    if (!Array.isArray(iterable.value)) return fail({ name: 'VAR_SUB_ERROR', message: `START_MULTIPLE_THREADS needs a JSON_ARR; got ${describeValue(iterable.value)}.` });
    const shared: Record<string, JsonValue> = {};
    for (const def of spec.variableDefs ?? []) {
      if (def.name === 'INPUT') continue;
      const source = node.variables?.[def.name];
      const given = source ? evaluate(s, s.thread(thread.number), source) : { ok: true as const, value: def.defaultValue ?? null };
      const checked = given.ok ? expectType(given.value ?? def.defaultValue ?? null, def.type, `Variable '${def.name}' of thread '${node.threadSpecName}'`) : given;
      if (!checked.ok) return fail(checked.failure);
      shared[def.name] = checked.value;
    }
    const takesInput = (spec.variableDefs ?? []).some((d) => d.name === 'INPUT');
    const children: number[] = [];
    for (const item of iterable.value as readonly JsonValue[]) {
      children.push(s.state.threadRuns.length);
      startThread(s, node.threadSpecName, takesInput ? { ...shared, INPUT: item } : shared, thread.number);
    }
    s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, output: children });
  };
}

export const arriveAtWaitForThreads: ArriveHandler<'WAIT_FOR_THREADS'> = (s, thread, node) => {
  checkWaitForThreads(s, s.thread(thread.number), node);
};

/**
 * WAIT_FOR_THREADS (LittleHorse's WAIT_FOR_ALL): completes once every listed child has completed. The first failed
 * child in list order fails the node: an EXCEPTION passes through unchanged, an ERROR becomes CHILD_FAILURE.
 */
export const checkWaitForThreads: CheckHandler<'WAIT_FOR_THREADS'> = (s, thread, node) => {
  const position = thread.currentNodeRun?.position ?? 0;
  const fail = (failure: Failure) => {
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: statusOfFailure(failure), failure });
    return true;
  };
  const numbers: number[] = [];
  for (const source of node.threads) {
    const listed = evaluate(s, thread, source);
    if (!listed.ok) return fail(listed.failure);
    const found = threadNumbers(listed.value);
    if (!found) return fail({ name: 'VAR_SUB_ERROR', message: `WAIT_FOR_THREADS needs INTs or JSON_ARRs of INTs; got ${describeValue(listed.value)}.` });
    numbers.push(...found);
  }
  const children: ThreadRunState[] = [];
  for (const number of numbers) {
    const child = s.state.threadRuns[number];
    if (!child || isAncestorOrSelf(s, number, thread)) {
      return fail({ name: 'VAR_SUB_ERROR', message: `ThreadRun ${number} is not a thread this one can wait for.` });
    }
    children.push(child);
  }
  const failed = (child: ThreadRunState) => child.status === 'ERROR' || child.status === 'EXCEPTION';
  const complete = (outcome?: Failure) => {
    // The children this node no longer waits for stop for good (LittleHorse: halted by parent).
    for (const child of children) {
      if (!isTerminal(child.status) && !child.haltReasons?.includes('HALTED_BY_PARENT')) {
        s.emit({ type: 'ThreadRunHalted', threadRunNumber: child.number, reason: 'HALTED_BY_PARENT' });
      }
    }
    if (outcome) return fail(outcome);
    // Failed children this node chose to look past are handled: the EXIT after it no longer fails for them.
    const ignored = children.filter(failed).map((child) => child.number);
    s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, ...(ignored.length > 0 ? { handledFailedChildren: ignored } : {}) });
    return true;
  };
  switch (node.strategy ?? 'WAIT_FOR_ALL') {
    case 'WAIT_FOR_ALL': {
      const firstFailed = children.find(failed);
      if (firstFailed) return fail(childFailure(firstFailed));
      if (!children.every((child) => child.status === 'COMPLETED')) return false;
      return complete();
    }
    case 'WAIT_FOR_FIRST': {
      const first = children.find((child) => child.status === 'COMPLETED' || failed(child));
      if (!first) return false;
      return complete(first.status === 'COMPLETED' ? undefined : childFailure(first));
    }
    case 'WAIT_FOR_ANY': {
      if (children.some((child) => child.status === 'COMPLETED')) return complete();
      if (children.length > 0 && children.every(failed)) {
        return complete({ name: 'CHILD_FAILURE', message: 'All child threads failed.' });
      }
      return false;
    }
  }
};

/** EXIT waits for every child of its thread to end or halt; a child that failed fails the EXIT with CHILD_FAILURE. */
export function childrenSettled(s: Session, thread: ThreadRunState): { settled: false } | { settled: true; failure?: Failure } {
  const children = s.state.threadRuns.filter((t) => t.parentThreadRunNumber === thread.number);
  // A child halted for good (its parent failed) has settled; one halted while its failure handler runs has not.
  const forGood = (child: ThreadRunState) => child.haltReasons?.includes('PARENT_FAILED') || child.haltReasons?.includes('HALTED_BY_PARENT');
  if (children.some((child) => !isTerminal(child.status) && !(child.status === 'HALTED' && forGood(child)))) {
    return { settled: false };
  }
  const failed = children.find(
    (child) => (child.status === 'ERROR' || child.status === 'EXCEPTION') && !thread.handledFailedChildren?.includes(child.number),
  );
  if (!failed) return { settled: true };
  return {
    settled: true,
    failure: { name: 'CHILD_FAILURE', message: `Child thread ${failed.number} failed with ${failed.failure?.name}: ${failed.failure?.message}` },
  };
}

function childFailure(child: ThreadRunState): Failure {
  const failure = child.failure ?? { name: 'INTERNAL_ERROR', message: 'The child failed without a failure.' };
  if (statusOfFailure(failure) === 'EXCEPTION') return failure;
  return { name: 'CHILD_FAILURE', message: `Child thread ${child.number} failed with ${failure.name}: ${failure.message}` };
}

function threadNumbers(value: JsonValue): number[] | undefined {
  const list = Array.isArray(value) ? (value as readonly JsonValue[]) : [value];
  return list.every((n) => typeof n === 'number' && Number.isSafeInteger(n)) ? (list as number[]) : undefined;
}

function isAncestorOrSelf(s: Session, number: number, thread: ThreadRunState): boolean {
  for (let t: ThreadRunState | undefined = thread; t; t = t.parentThreadRunNumber === undefined ? undefined : s.state.threadRuns[t.parentThreadRunNumber]) {
    if (t.number === number) return true;
  }
  return false;
}
