import type { SpecPath, UserTaskAction, UserTaskActionHook, UserTaskActionKind, UserTaskActionTask } from '@gallop/engine';
import { describeSource } from './assignment.ts';

/** What a user task action does, as the inspector offers it. */
export type UserTaskActionType = UserTaskActionKind['type'];

/** The kinds of action in the order the "Add action" picker offers them, with their words. */
export const USER_TASK_ACTION_TYPES: readonly { readonly type: UserTaskActionType; readonly label: string }[] = [
  { type: 'TASK', label: 'Reminder task' },
  { type: 'REASSIGN', label: 'Reassign' },
  { type: 'CANCEL', label: 'Cancel' },
];

/** LittleHorse's hooks and what the hook picker calls them. */
export const USER_TASK_ACTION_HOOKS: readonly { readonly hook: UserTaskActionHook; readonly label: string }[] = [
  { hook: 'ON_ARRIVAL', label: 'On arrival' },
  { hook: 'ON_TASK_ASSIGNED', label: 'On assignment' },
];

/**
 * A new action of `type`, as "Add action" makes it: an hour after the task arrives, and for a TASK no TaskDef yet
 * and for a REASSIGN a blank group, so that the engine asks for what is missing, as it does of a new node.
 */
export function newUserTaskAction(type: UserTaskActionType): UserTaskAction {
  const at = { hook: 'ON_ARRIVAL', delaySeconds: { type: 'LITERAL', value: 3600 } } as const;
  switch (type) {
    case 'TASK':
      return { ...at, action: { type, task: { taskDefName: '', inputs: [] } } };
    case 'REASSIGN':
      return { ...at, action: { type, userGroup: { type: 'LITERAL', value: '' } } };
    case 'CANCEL':
      return { ...at, action: { type } };
  }
}

/** `action` running `task` instead: the action stays a TASK with its hook and delay. */
export function withTask(action: UserTaskAction, task: UserTaskActionTask): UserTaskAction {
  return { ...action, action: { type: 'TASK', task } };
}

/** One line for an action: when it fires and what it does. */
export function describeAction(a: UserTaskAction): string {
  const when = `${a.hook === 'ON_ARRIVAL' ? 'On arrival' : 'On assignment'}, after ${describeSource(a.delaySeconds)} s`;
  if (a.action.type === 'CANCEL') return `${when}: cancel`;
  if (a.action.type === 'TASK') {
    const { taskDefName, dynamicTaskDefName } = a.action.task;
    const what = dynamicTaskDefName ? `the TaskDef named by ${describeSource(dynamicTaskDefName)}` : taskDefName || 'a TaskDef still to choose';
    return `${when}: run ${what}`;
  }
  const to = [a.action.userId && `user ${describeSource(a.action.userId)}`, a.action.userGroup && `group ${describeSource(a.action.userGroup)}`].filter(Boolean);
  return `${when}: reassign to ${to.join(' in ') || 'nobody'}`;
}

/** The problems whose path lies within `prefix` (or is it), in their order. */
export function problemsWithin<P extends { readonly path: SpecPath }>(problems: readonly P[], prefix: SpecPath): P[] {
  return problems.filter((p) => prefix.every((key, i) => p.path[i] === key));
}
