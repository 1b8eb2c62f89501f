import type { Rejection } from '../../errors.ts';
import { own } from '../../spec/own.ts';
import { deepEqual } from '../../values/compare.ts';
import type { JsonValue } from '../../values/value.ts';
import { describeRead, evaluate, isMaskedSource } from '../assignments.ts';
import type { ChildWfRunEnded } from '../commands.ts';
import type { Failure } from '../failure.ts';
import { isErrorName, statusOfFailure } from '../failure.ts';
import type { Session } from '../session.ts';
import type { ChildWfRunState, WfRunState } from '../state.ts';
import type { ArriveHandler, CheckHandler } from './types.ts';

/**
 * The id of the child WfRun a RUN_CHILD_WF NodeRun starts: `{parentWfRunId}_{threadRunNumber}-{position}`.
 * LittleHorse prints a child's id as `{parent}_{child}`; deriving the child part from the NodeRun needs no random
 * id, and an effect carried out twice names the same WfRun, which the second RunWf then finds already there.
 */
export function childWfRunId(parentWfRunId: string, threadRunNumber: number, position: number): string {
  return `${parentWfRunId}_${threadRunNumber}-${position}`;
}

/** The child WfRun of that id this WfRun started, if it did. */
export function childOf(state: WfRunState, id: string): ChildWfRunState | undefined {
  return own(state.childWfRuns, id);
}

/**
 * RUN_CHILD_WF evaluates the inputs, asks for the child (ChildWfRunRequested, which the server carries out) and
 * completes at once with the child's id (LittleHorse: it does not wait). An input that cannot be evaluated fails the
 * node with VAR_SUB_ERROR; a WfSpec missing from a catalog that lists them, with CHILD_FAILURE (as LittleHorse fails
 * an unknown WfSpec). The inputs are checked at PutWfSpec only: the child starts with them as they are, NULL or of
 * another type included (LittleHorse's RunChildWfNodeRunModel.arrive), so a bad one fails the child where it is used.
 */
export const arriveAtRunChildWf: ArriveHandler<'RUN_CHILD_WF'> = (s, thread, node) => {
  const current = s.thread(thread.number);
  const position = current.currentNodeRun?.position ?? 0;
  const fail = (failure: Failure) =>
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: statusOfFailure(failure), failure });
  const known = s.ctx.catalog.wfSpecs;
  if (known) {
    const summary = own(known, node.wfSpecName);
    if (!summary || (node.majorVersion !== undefined && node.majorVersion > summary.majorVersion)) {
      const version = node.majorVersion === undefined ? '' : ` version ${node.majorVersion}`;
      return fail({ name: 'CHILD_FAILURE', message: `No WfSpec '${node.wfSpecName}'${version} is registered to run as a child WfRun.` });
    }
  }
  const entries: [string, JsonValue][] = [];
  const masked: string[] = [];
  for (const [name, source] of Object.entries(node.inputs ?? {})) {
    const value = evaluate(s, current, source);
    if (!value.ok) return fail(value.failure);
    entries.push([name, value.value]);
    if (isMaskedSource(s, current, source)) masked.push(name);
  }
  const id = childWfRunId(s.state.id, thread.number, position);
  s.emit({
    type: 'ChildWfRunRequested',
    childWfRunId: id,
    wfSpecName: node.wfSpecName,
    ...(node.majorVersion === undefined ? {} : { majorVersion: node.majorVersion }),
    // fromEntries makes every name an own key, `__proto__` included.
    variables: Object.fromEntries(entries),
    ...(masked.length > 0 ? { maskedVariables: masked } : {}),
    threadRunNumber: thread.number,
    position,
  });
  s.emit({ type: 'NodeRunCompleted', threadRunNumber: thread.number, position, output: id });
};

/**
 * WAIT_FOR_CHILD_WF resolves the child's id once, on arrival, and waits for the child's end. Anything but the id of
 * a child this WfRun started fails the node with VAR_SUB_ERROR.
 */
export const arriveAtWaitForChildWf: ArriveHandler<'WAIT_FOR_CHILD_WF'> = (s, thread, node) => {
  const current = s.thread(thread.number);
  const position = current.currentNodeRun?.position ?? 0;
  const fail = (message: string) =>
    s.emit({ type: 'NodeRunFailed', threadRunNumber: thread.number, position, status: 'ERROR', failure: { name: 'VAR_SUB_ERROR', message } });
  const id = evaluate(s, current, node.childWfRunId);
  if (!id.ok) return fail(id.failure.message);
  if (typeof id.value !== 'string') return fail(`WAIT_FOR_CHILD_WF needs a child WfRun id; got ${describeRead(s, current, node.childWfRunId, id.value)}.`);
  if (!childOf(s.state, id.value)) {
    const named = isMaskedSource(s, current, node.childWfRunId) ? 'The WfRun a masked value names' : `WfRun '${id.value}'`;
    return fail(`${named} is not a child WfRun of WfRun ${s.state.id}.`);
  }
  s.emit({ type: 'ChildWfRunAwaited', threadRunNumber: thread.number, position, childWfRunId: id.value });
  checkWaitForChildWf(s, s.thread(thread.number), node);
};

/**
 * Takes the child's end once it is known (LittleHorse): COMPLETED completes the node with the child's output; an
 * ERROR fails it with CHILD_FAILURE; an EXCEPTION is thrown again under its own name and content, so handlers catch
 * it as if it were this WfRun's. An output or content that is a secret in the child stays one here.
 */
export const checkWaitForChildWf: CheckHandler<'WAIT_FOR_CHILD_WF'> = (s, thread) => {
  const nodeRun = thread.currentNodeRun;
  const id = nodeRun?.childWfRunId;
  const child = id === undefined ? undefined : childOf(s.state, id);
  if (!nodeRun || !child || child.status === 'RUNNING') return false;
  const at = { threadRunNumber: thread.number, position: nodeRun.position };
  if (child.status === 'COMPLETED') {
    const output = child.output === undefined ? {} : child.maskedOutput ? { output: child.output, maskedOutput: true as const } : { output: child.output };
    s.emit({ type: 'NodeRunCompleted', ...at, ...output });
    return true;
  }
  const failure = child.failure ?? { name: 'CHILD_FAILURE', message: 'it gave no reason' };
  if (child.status === 'EXCEPTION' && !isErrorName(failure.name)) {
    const thrown: Failure = {
      name: failure.name,
      message: `Child WfRun ${id} failed: ${failure.message}`,
      ...(failure.content === undefined ? {} : { content: failure.content }),
      ...(failure.maskedContent ? { maskedContent: true } : {}),
    };
    s.emit({ type: 'NodeRunFailed', ...at, status: 'EXCEPTION', failure: thrown });
    return true;
  }
  s.emit({ type: 'NodeRunFailed', ...at, status: 'ERROR', failure: { name: 'CHILD_FAILURE', message: `Child WfRun ${id} failed with ${failure.name}: ${failure.message}` } });
  return true;
};

/**
 * Records how a child WfRun ended, whether or not a thread waits for it yet. Refuses a child this WfRun never
 * started, and a report it already has (delivery is at least once) or one after the child COMPLETED (final). An end
 * that differs from an earlier ERROR is news: the child was rescued and ended again. Whether the output is a secret
 * is kept with it, but a report that differs only in that is no news.
 */
export function reportChildWfRunEnd(s: Session, command: ChildWfRunEnded): Rejection | undefined {
  const child = childOf(s.state, command.childWfRunId);
  if (!child) return { code: 'UNKNOWN_CHILD_WF_RUN', message: `WfRun ${s.state.id} never started a child WfRun ${command.childWfRunId}.` };
  const completed = command.status === 'COMPLETED';
  const output = completed ? command.output : undefined;
  const failure = completed ? undefined : command.failure;
  if (child.status === 'COMPLETED' || (child.status === command.status && deepEqual(child.output ?? null, output ?? null) && sameFailure(child.failure, failure))) {
    return { code: 'DUPLICATE_CHILD_WF_RUN_REPORT', message: `Child WfRun ${command.childWfRunId} has already ended ${child.status}; the report changes nothing.` };
  }
  s.emit({
    type: 'ChildWfRunReported',
    childWfRunId: command.childWfRunId,
    status: command.status,
    ...(output === undefined ? {} : { output }),
    ...(output !== undefined && command.maskedOutput ? { maskedOutput: true } : {}),
    ...(failure === undefined ? {} : { failure }),
  });
  return undefined;
}

function sameFailure(a: Failure | undefined, b: Failure | undefined): boolean {
  if (!a || !b) return a === b;
  return a.name === b.name && a.message === b.message && deepEqual(a.content ?? null, b.content ?? null);
}
