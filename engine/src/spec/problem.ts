/** A path into a spec: keys and array indexes from its root. */
export type SpecPath = readonly (string | number)[];

export type ProblemCode =
  | 'INVALID_NAME'
  | 'MISSING_FIELD'
  | 'CONFLICTING_FIELDS'
  | 'UNKNOWN_NODE_TYPE'
  | 'MISSING_THREAD'
  | 'ENTRYPOINT_COUNT'
  | 'MISSING_NODE'
  | 'EDGE_INTO_ENTRYPOINT'
  | 'SELF_LOOP'
  | 'LOOP_NEVER_WAITS'
  | 'NO_OUTGOING_EDGE'
  | 'EXIT_HAS_EDGES'
  | 'UNREACHABLE_NODE'
  | 'UNKNOWN_TASK_DEF'
  | 'INPUT_COUNT'
  | 'UNKNOWN_VARIABLE'
  | 'DUPLICATE_VARIABLE'
  | 'TYPE_MISMATCH'
  | 'INVALID_TYPE'
  | 'NO_NODE_OUTPUT'
  | 'NODE_NOT_RUN_BEFORE'
  | 'UNKNOWN_OPERATION'
  | 'MISSING_REQUIRED_VARIABLE'
  | 'OUT_OF_RANGE'
  | 'UNKNOWN_COMPARATOR'
  | 'UNREACHABLE_EDGE'
  | 'INVALID_JSON_PATH'
  | 'INVALID_FORMAT_STRING'
  | 'DIVISION_BY_ZERO'
  | 'RESERVED_FAILURE_NAME'
  | 'THREAD_NEVER_STARTED'
  | 'UNKNOWN_EXTERNAL_EVENT_DEF'
  | 'UNKNOWN_WORKFLOW_EVENT_DEF'
  | 'UNKNOWN_WF_SPEC'
  | 'UNKNOWN_USER_TASK_DEF'
  | 'CORRELATION_NOT_ENABLED'
  | 'MASKED_VALUE_SHOWN';

/** One thing wrong with a spec or an input, with where it is and a sentence a person understands. */
export interface Problem {
  readonly path: SpecPath;
  readonly code: ProblemCode;
  readonly message: string;
}

/** Renders a path as `threadSpecs.entrypoint.nodes["1-greet-TASK"].inputs[0]`. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
