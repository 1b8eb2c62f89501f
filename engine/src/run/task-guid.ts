/*
 * The two kinds of TaskRun guid, made and read in this one place. LittleHorse names a TaskRun after the NodeRun that
 * made it; a TaskRun a user task action made (a reminder) is named after its USER_TASK NodeRun, the action and the
 * assignment it fired for, since one UserTaskRun can make many. Each is unique within its WfRun, and reading a guid
 * gives back exactly what made it: a guid that does not read back to itself (`0-01`, say) names no TaskRun.
 */

/** What a TaskRun guid says about the TaskRun it names. */
export type TaskGuidParts =
  /** A TASK node's: `{threadRunNumber}-{position}` of its NodeRun. */
  | { readonly kind: 'TASK_NODE'; readonly threadRunNumber: number; readonly position: number }
  /** A user task action's: its USER_TASK NodeRun, which action, and the assignment (epoch) it fired for. */
  | {
      readonly kind: 'USER_TASK_TRIGGER';
      readonly threadRunNumber: number;
      readonly position: number;
      /** The UserTaskRun's guid, which is its NodeRun's `{threadRunNumber}-{position}`. */
      readonly userTaskGuid: string;
      readonly actionIndex: number;
      readonly epoch: number;
    };

const NODE_GUID = /^(\d+)-(\d+)$/;
const TRIGGERED_GUID = /^(\d+)-(\d+)-action-(\d+)-(\d+)$/;

/** The guid of the TaskRun a TASK NodeRun makes, and of the UserTaskRun a USER_TASK NodeRun makes: `{thread}-{position}`. */
export function taskGuid(threadRunNumber: number, position: number): string {
  return `${threadRunNumber}-${position}`;
}

/**
 * The guid of the TaskRun that action `actionIndex` of the USER_TASK NodeRun at `{threadRunNumber}-{position}` runs
 * for the assignment `epoch`: its timer's id with `-` for `/`, so one timer makes at most one TaskRun. (LittleHorse
 * names it `ut-{thread}-{position}-{number of UserTaskRun events}`.)
 */
export function triggeredTaskGuid(threadRunNumber: number, position: number, actionIndex: number, epoch: number): string {
  return `${taskGuid(threadRunNumber, position)}-action-${actionIndex}-${epoch}`;
}

/** What `guid` names, or undefined when no TaskRun of either kind can have it. Pure. */
export function parseTaskGuid(guid: string): TaskGuidParts | undefined {
  const node = nodeRunOfGuid(guid);
  return node ? { kind: 'TASK_NODE', ...node } : triggeredOf(guid);
}

function triggeredOf(guid: string): Extract<TaskGuidParts, { kind: 'USER_TASK_TRIGGER' }> | undefined {
  const match = TRIGGERED_GUID.exec(guid);
  if (!match) return undefined;
  const [threadRunNumber, position, actionIndex, epoch] = match.slice(1).map(Number) as [number, number, number, number];
  // Leading zeros, or digits past what a number holds, would read as another TaskRun's guid.
  if (triggeredTaskGuid(threadRunNumber, position, actionIndex, epoch) !== guid) return undefined;
  return { kind: 'USER_TASK_TRIGGER', threadRunNumber, position, userTaskGuid: taskGuid(threadRunNumber, position), actionIndex, epoch };
}

/** The NodeRun a guid `taskGuid` made names (a TASK node's TaskRun, or a UserTaskRun), or undefined for any other text. */
export function nodeRunOfGuid(guid: string): { threadRunNumber: number; position: number } | undefined {
  const match = NODE_GUID.exec(guid);
  if (!match) return undefined;
  const threadRunNumber = Number(match[1]);
  const position = Number(match[2]);
  return taskGuid(threadRunNumber, position) === guid ? { threadRunNumber, position } : undefined;
}

/** Whether `guid` names a TaskRun a user task action made. */
export function isTriggeredTaskGuid(guid: string): boolean {
  return triggeredOf(guid) !== undefined;
}

/**
 * The UserTaskRun whose action made the TaskRun `guid` names, and which action; undefined for a TaskRun a TASK node
 * made. Pure: for the server and UI, which show a TaskRun's source.
 */
export function userTaskOfTriggeredTaskGuid(guid: string): { threadRunNumber: number; position: number; userTaskGuid: string; actionIndex: number } | undefined {
  const parts = triggeredOf(guid);
  if (!parts) return undefined;
  const { threadRunNumber, position, userTaskGuid, actionIndex } = parts;
  return { threadRunNumber, position, userTaskGuid, actionIndex };
}
