import { own } from '../../spec/own.ts';
import type { JsonValue } from '../../values/value.ts';
import { describeRead, evaluate, expectType, isMaskedSource } from '../assignments.ts';
import type { Failure } from '../failure.ts';
import { statusOfFailure } from '../failure.ts';
import { Session } from '../session.ts';
import type { ThreadRunKind, ThreadRunState, WfRunState } from '../state.ts';
import type { IdSource } from '../../context.ts';
import { InvariantError } from '../../errors.ts';
import { handlerFor } from '../failure-handlers.ts';
import { handlerVariables } from '../variables.ts';
import { haltThread } from '../halting.ts';
import { isTerminal } from '../state.ts';
import type { VersionedWfSpec, WaitForThreadsNode } from '../../spec/types.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';

/** Starts a ThreadRun as a child of `parent` with its variables' first values; advance() then runs it. */
export type StartThread = (s: Session, threadSpecName: string, variables: Readonly<Record<string, JsonValue>>, parent: number, kind?: ThreadRunKind) => void;

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
      const secret = def.masked === true || (source !== undefined && isMaskedSource(s, s.thread(thread.number), source));
      const checked = given.ok ? expectType(given.value ?? def.defaultValue ?? null, def.type, `Variable '${def.name}' of thread '${node.threadSpecName}'`, secret) : given;
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
    if (!Array.isArray(iterable.value)) return fail({ name: 'VAR_SUB_ERROR', message: `START_MULTIPLE_THREADS needs a JSON_ARR; got ${describeRead(s, s.thread(thread.number), node.iterable, iterable.value)}.` });
    const shared: Record<string, JsonValue> = {};
    for (const def of spec.variableDefs ?? []) {
      if (def.name === 'INPUT') continue;
      const source = node.variables?.[def.name];
      const given = source ? evaluate(s, s.thread(thread.number), source) : { ok: true as const, value: def.defaultValue ?? null };
      const secret = def.masked === true || (source !== undefined && isMaskedSource(s, s.thread(thread.number), source));
      const checked = given.ok ? expectType(given.value ?? def.defaultValue ?? null, def.type, `Variable '${def.name}' of thread '${node.threadSpecName}'`, secret) : given;
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

export function arriveAtWaitForThreads(startThread: StartThread): ArriveHandler<'WAIT_FOR_THREADS'> {
  const check = checkWaitForThreads(startThread);
  return (s, thread, node) => {
    check(s, s.thread(thread.number), node);
  };
}

/**
 * WAIT_FOR_THREADS, with LittleHorse's strategies: WAIT_FOR_ALL completes once every listed child has completed
 * or had its failure handled, and fails on the first that failed for good; WAIT_FOR_FIRST follows the first child
 * in list order to get there; WAIT_FOR_ANY completes with the first done and fails only when all failed. A failed
 * child that a per-thread handler catches waits for its handler. An EXCEPTION passes through unchanged, an ERROR
 * becomes CHILD_FAILURE.
 */
export function checkWaitForThreads(startThread: StartThread): CheckHandler<'WAIT_FOR_THREADS'> {
  return (s, thread, node) => {
    const position = thread.currentNodeRun?.position ?? 0;
    const listed = listedThreads(s, thread, node);
    const numbers = listed.numbers;
    const fail = (failure: Failure) => {
      // Even none: a handler of this failure then settles no child the node did not wait for.
      s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: statusOfFailure(failure), failure, waitedForThreads: [...numbers] });
      return true;
    };
    if (listed.failure) return fail(listed.failure);
    if (stillWaitingForChildren(s, thread, node, numbers)) return false;
    const threads = s.state.threadRuns;
    const ancestorsAndSelf = lineOf(s, thread);
    const children: ThreadRunState[] = [];
    for (const number of numbers) {
      const child = threads[number];
      if (!child || ancestorsAndSelf.includes(number)) {
        return fail({ name: 'VAR_SUB_ERROR', message: `ThreadRun ${number} is not a thread this one can wait for.` });
      }
      children.push(child);
    }

    // One walk over the children, in list order: a failed child that a per-thread handler catches gets its handler
    // now (the node looks again next pass); meanwhile, where each stands, for the strategy below.
    const waiting = s.thread(thread.number);
    let firstFailed: Failure | undefined;
    let firstSettled: { failure?: Failure } | undefined;
    let done = 0;
    let failedCount = 0;
    for (const child of children) {
      const standing = standingOf(s, waiting, child);
      if (standing === 'DONE') done++;
      if (standing !== 'RUNNING' && standing !== 'DONE') {
        failedCount++;
        firstFailed ??= standing.failure;
      }
      if (standing !== 'RUNNING') firstSettled ??= standing === 'DONE' ? {} : standing;
      if (!failed(child) || handlerOf(waiting, child.number) !== undefined) continue;
      const handler = handlerFor(node.perThreadFailureHandlers, child.failure ?? INTERNAL);
      const spec = handler && own(s.ctx.wfSpec.threadSpecs, handler.handlerSpecName);
      if (!handler || !spec) continue;
      const variables = handlerVariables(spec.variableDefs ?? [], child.failure?.content ?? null);
      const handlerThreadRunNumber = s.state.threadRuns.length;
      s.emit({ type: 'ChildFailureHandlerStarted', threadRunNumber: thread.number, position, childThreadRunNumber: child.number, handlerThreadRunNumber });
      startThread(s, handler.handlerSpecName, variables, child.number, 'FAILURE_HANDLER');
      return true;
    }

    const complete = (outcome?: Failure) => {
      // The children this node no longer waits for, and handlers still running for them, stop for good, their own
      // children with them; one whose TaskRun runs is HALTING until it ends (LittleHorse).
      const handlers = (waiting.currentNodeRun?.childFailureHandlers ?? []).map((h) => h.handlerThreadRunNumber);
      for (const number of [...children.map((c) => c.number), ...handlers]) {
        if (!isTerminal(s.thread(number).status)) haltThread(s, number, 'HALTED_BY_PARENT');
      }
      if (outcome) return fail(outcome);
      // Failed children that were handled, or that a winning FIRST or ANY looked past: EXIT no longer counts them.
      const handled = children.filter(failed).map((child) => child.number);
      s.emit({
        type: 'NodeRunCompleted',
        threadRunNumber: thread.number,
        position,
        waitedForThreads: [...numbers],
        ...(handled.length > 0 ? { handledFailedChildren: handled } : {}),
      });
      return true;
    };
    switch (node.strategy ?? 'WAIT_FOR_ALL') {
      case 'WAIT_FOR_ALL': {
        if (firstFailed) return fail(firstFailed);
        return done === children.length ? complete() : false;
      }
      case 'WAIT_FOR_FIRST': {
        if (!firstSettled) return false;
        return complete(firstSettled.failure);
      }
      case 'WAIT_FOR_ANY': {
        if (done > 0) return complete();
        if (children.length > 0 && failedCount === children.length) {
          return complete({ name: 'CHILD_FAILURE', message: 'All child threads failed.' });
        }
        return false;
      }
    }
  };
}

/**
 * What the walk below would find without taking it, from the counts the waiting thread keeps of its children: when it
 * waits for exactly its children, in order, and none has failed, WAIT_FOR_ALL goes on waiting until all have completed
 * and WAIT_FOR_ANY until one has. Anything else (a failure to handle, a list of other threads) takes the walk.
 */
function stillWaitingForChildren(s: Session, thread: ThreadRunState, node: WaitForThreadsNode, numbers: readonly number[]): boolean {
  const children = thread.childThreadRunNumbers ?? [];
  // Without busyThreadRuns (a state stored before it), the children and their counts are not kept.
  if (!s.state.busyThreadRuns || thread.failedChildren || node.strategy === 'WAIT_FOR_FIRST' || numbers.length !== children.length) return false;
  for (let i = 0; i < numbers.length; i++) if (numbers[i] !== children[i]) return false;
  const completed = thread.completedChildren ?? 0;
  return node.strategy === 'WAIT_FOR_ANY' ? completed === 0 : completed < numbers.length;
}

/**
 * Where a waited-for child stands (LittleHorse's WaitingThreadStatus, with handled children counted as done): DONE,
 * RUNNING, or failed for good with the failure the node takes on.
 */
function standingOf(s: Session, waiting: ThreadRunState, child: ThreadRunState): 'DONE' | 'RUNNING' | { readonly failure: Failure } {
  if (child.status === 'COMPLETED') return 'DONE';
  if (!failed(child)) return 'RUNNING';
  const handlerNumber = handlerOf(waiting, child.number);
  const handler = handlerNumber === undefined ? undefined : s.state.threadRuns[handlerNumber];
  if (!handler) return { failure: childFailure(child.number, child.failure) };
  if (handler.status === 'COMPLETED') return 'DONE';
  if (failed(handler)) return { failure: childFailure(child.number, handler.failure) };
  return 'RUNNING';
}

const INTERNAL: Failure = { name: 'INTERNAL_ERROR', message: 'The child failed without a failure.' };

function failed(thread: ThreadRunState): boolean {
  return thread.status === 'ERROR' || thread.status === 'EXCEPTION';
}

/** The per-thread failure handler the waiting thread's WAIT_FOR_THREADS started for `child`. */
function handlerOf(waiting: ThreadRunState, child: number): number | undefined {
  return waiting.currentNodeRun?.childFailureHandlers?.find((h) => h.childThreadRunNumber === child)?.handlerThreadRunNumber;
}

/**
 * Whether `parent` has dealt with `child`'s failure: a WAIT_FOR_THREADS it left counted it handled, or the one it
 * waits at now ran a per-thread handler for it that completed.
 */
export function handledChildFailure(s: Session, parent: ThreadRunState, child: number): boolean {
  if (parent.handledFailedChildren?.includes(child)) return true;
  const handler = handlerOf(parent, child);
  return handler !== undefined && s.state.threadRuns[handler]?.status === 'COMPLETED';
}

/** EXIT waits for every child of its thread to end or halt; a child that failed fails the EXIT with CHILD_FAILURE. */
export function childrenSettled(s: Session, thread: ThreadRunState): { settled: false } | { settled: true; failure?: Failure } {
  const children = s.children(thread.number);
  // A child halted for good (its parent failed) or by hand (StopWfRun; LittleHorse's EXIT takes any HALTED child) has
  // settled; one halted while its failure or interrupt handler runs has not. Its own descendants must have stopped
  // too: a grandchild HALTING around a running TaskRun would outlive the WfRun.
  const settledHalt = (child: ThreadRunState) =>
    (child.haltReasons?.includes('PARENT_FAILED') || child.haltReasons?.includes('HALTED_BY_PARENT') || child.haltReasons?.includes('MANUAL')) &&
    descendantsStopped(s, child.number);
  if (children.some((child) => !isTerminal(child.status) && !(child.status === 'HALTED' && settledHalt(child)))) {
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

/** Whether every descendant of thread `number` has ended or halted (none RUNNING, none HALTING around a TaskRun). */
function descendantsStopped(s: Session, number: number): boolean {
  return s.children(number).every((t) => t.status !== 'RUNNING' && t.status !== 'HALTING' && descendantsStopped(s, t.number));
}

/** LittleHorse: an EXCEPTION passes up unchanged, an ERROR becomes CHILD_FAILURE. */
function childFailure(number: number, failure: Failure = INTERNAL): Failure {
  if (statusOfFailure(failure) === 'EXCEPTION') return failure;
  return { name: 'CHILD_FAILURE', message: `Child thread ${number} failed with ${failure.name}: ${failure.message}` };
}

/**
 * The numbers a WAIT_FOR_THREADS node's `threads` evaluate to for `thread`, in order; with the failure that fails the
 * node when one does not evaluate to thread numbers (`numbers` then holds those listed before it).
 */
function listedThreads(s: Session, thread: ThreadRunState, node: WaitForThreadsNode): { numbers: number[]; failure?: Failure } {
  const numbers: number[] = [];
  for (const source of node.threads) {
    const listed = evaluate(s, thread, source);
    if (!listed.ok) return { numbers, failure: listed.failure };
    const found = threadNumbers(listed.value);
    if (!found) return { numbers, failure: { name: 'VAR_SUB_ERROR', message: `WAIT_FOR_THREADS needs INTs or JSON_ARRs of INTs; got ${describeRead(s, thread, source, listed.value)}.` } };
    for (const number of found) numbers.push(number);
  }
  return { numbers };
}

const NO_IDS: IdSource = {
  next() {
    throw new InvariantError('Reading which ThreadRuns a node waits for hands out no ids');
  },
};

/**
 * The ThreadRuns a WAIT_FOR_THREADS node of ThreadRun `threadRunNumber` waits for: its `threads` evaluated against
 * `state`, as the engine evaluates them each time it looks (LittleHorse records them on arrival, in
 * WaitForThreadsRun.threads); undefined when they do not evaluate to thread numbers, which fails the node. Pure.
 */
export function threadsWaitedFor(state: WfRunState, wfSpec: VersionedWfSpec, threadRunNumber: number, node: WaitForThreadsNode): number[] | undefined {
  const thread = state.threadRuns[threadRunNumber];
  if (!thread) return undefined;
  const listed = listedThreads(new Session(state, { now: state.startTime, ids: NO_IDS, wfSpec, catalog: { taskDefs: {} } }), thread, node);
  return listed.failure ? undefined : listed.numbers;
}

function threadNumbers(value: JsonValue): number[] | undefined {
  const list = Array.isArray(value) ? (value as readonly JsonValue[]) : [value];
  return list.every((n) => typeof n === 'number' && Number.isSafeInteger(n)) ? (list as number[]) : undefined;
}

/** The numbers of `thread` and of its ancestors, which it cannot wait for. */
function lineOf(s: Session, thread: ThreadRunState): number[] {
  const line: number[] = [];
  for (let t: ThreadRunState | undefined = thread; t; t = t.parentThreadRunNumber === undefined ? undefined : s.state.threadRuns[t.parentThreadRunNumber]) {
    line.push(t.number);
  }
  return line;
}
