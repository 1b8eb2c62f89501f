import type { Node } from '@gallop/engine';

const KIND: Readonly<Record<Node['type'], string>> = {
  ENTRYPOINT: 'Start',
  EXIT: 'Exit',
  NOP: 'Nop',
  TASK: 'Task',
  USER_TASK: 'User task',
  SLEEP: 'Sleep',
  EXTERNAL_EVENT: 'Wait for event',
  START_THREAD: 'Start thread',
  START_MULTIPLE_THREADS: 'Start threads',
  WAIT_FOR_THREADS: 'Wait for threads',
  WAIT_FOR_CONDITION: 'Wait for condition',
  THROW_EVENT: 'Throw event',
  RUN_CHILD_WF: 'Run child WfRun',
  WAIT_FOR_CHILD_WF: 'Wait for child WfRun',
};

/** What a node is called on the palette and in menus. */
export function kindOf(type: Node['type']): string {
  return KIND[type];
}

/** What a node shows as its title: what it runs or waits for, else its kind. */
export function titleOf(node: Node): string {
  switch (node.type) {
    case 'TASK':
      return node.taskDefName ?? (node.dynamicTaskDefName ? 'dynamic' : '');
    case 'USER_TASK':
      return node.userTaskDefName;
    case 'EXTERNAL_EVENT':
      return node.externalEventDefName ? `Wait for ${node.externalEventDefName}` : KIND[node.type];
    case 'THROW_EVENT':
      return node.workflowEventDefName ? `Throw ${node.workflowEventDefName}` : KIND[node.type];
    case 'RUN_CHILD_WF':
      return node.wfSpecName ? `Run ${node.wfSpecName}` : KIND[node.type];
    case 'START_THREAD':
    case 'START_MULTIPLE_THREADS':
      return node.threadSpecName ? `${KIND[node.type]}: ${node.threadSpecName}` : KIND[node.type];
    case 'EXIT':
      // An EXIT that fails its thread says so: it is not an ending like the others.
      return node.failureDef?.failureName ? `Fail: ${node.failureDef.failureName}` : KIND[node.type];
    default:
      return KIND[node.type];
  }
}
