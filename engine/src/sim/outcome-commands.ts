import type { Command, TaskAttemptResult } from '../run/commands.ts';
import { isErrorName } from '../run/failure.ts';
import type { ChildOutcome, TaskOutcome, UserTaskOutcome } from './scenario-step.ts';

/** The engine's form of a task outcome; undefined when the outcome gives none or several. */
export function taskAttemptResult(outcome: TaskOutcome): TaskAttemptResult | undefined {
  const given = (['output', 'error', 'exception', 'timeout'] as const).filter((k) => k in outcome && outcome[k] !== undefined);
  if (given.length !== 1) return undefined;
  if (outcome.output !== undefined) return { status: 'SUCCESS', output: outcome.output };
  if (outcome.error !== undefined) return { status: 'ERROR', message: outcome.error };
  if (outcome.exception !== undefined) {
    const { name, message, content } = outcome.exception;
    return { status: 'EXCEPTION', name, message: message ?? '', ...(content === undefined ? {} : { content }) };
  }
  return outcome.timeout ? { status: 'TIMEOUT' } : undefined;
}

/** The command that does to UserTaskRun `userTaskGuid` what `outcome` says; undefined when it says none or several things. */
export function userTaskCommand(userTaskGuid: string, outcome: UserTaskOutcome): Command | undefined {
  const given = (['results', 'cancel', 'assign'] as const).filter((k) => k in outcome && outcome[k] !== undefined);
  if (given.length !== 1) return undefined;
  if (outcome.results !== undefined) return { type: 'CompleteUserTaskRun', userTaskGuid, userId: outcome.userId ?? '', results: outcome.results };
  if (outcome.assign !== undefined) return { type: 'AssignUserTaskRun', userTaskGuid, ...outcome.assign };
  return outcome.cancel ? { type: 'CancelUserTaskRun', userTaskGuid } : undefined;
}

/**
 * The news that child WfRun `childWfRunId` ended as `outcome` says. LittleHorse: a failure with one of the reserved
 * names is an ERROR, any other an EXCEPTION.
 */
export function childEndCommand(childWfRunId: string, outcome: ChildOutcome): Command {
  const thrown = outcome.failure;
  if (!thrown) return { type: 'ChildWfRunEnded', childWfRunId, status: 'COMPLETED', ...(outcome.output === undefined ? {} : { output: outcome.output }) };
  return {
    type: 'ChildWfRunEnded',
    childWfRunId,
    status: isErrorName(thrown.name) ? 'ERROR' : 'EXCEPTION',
    failure: { name: thrown.name, message: thrown.message ?? '', ...(thrown.content === undefined ? {} : { content: thrown.content }) },
  };
}
