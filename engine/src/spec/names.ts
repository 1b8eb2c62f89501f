/** LittleHorse: metadata names and WfRun ids are letters, digits and inner dashes. */
export const NAME_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

export const MAX_NAME_LENGTH = 128;

/**
 * Variable names are identifiers, so that SDK code and JSON paths can name them; a leading double underscore is
 * kept out so that no name (__proto__ above all) can reach an object's prototype.
 */
export const VARIABLE_NAME_PATTERN = /^(?!__)[A-Za-z_][A-Za-z0-9_-]*$/;

/** A variable, TaskDef input or user task field name: an identifier, no longer than other names. */
export function isValidVariableName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_NAME_LENGTH && VARIABLE_NAME_PATTERN.test(name);
}

/** What a variable name is, for messages that refuse one. */
export const VARIABLE_NAME_RULE = `start with a letter or _ and hold at most ${MAX_NAME_LENGTH} letters, digits, _ and -`;

/** Failure names: LittleHorse's reserved ones use underscores (TASK_FAILURE), business ones often dashes. */
export const FAILURE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function isValidFailureName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 128 && FAILURE_NAME_PATTERN.test(name);
}

export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}

/** What a name is, for messages that refuse one. */
export const NAME_RULE = `at most ${MAX_NAME_LENGTH} letters, digits and inner dashes`;

/**
 * A WfRun id: a name, or a child WfRun's `{parentId}_{thread}-{position}` (LittleHorse prints a child as
 * `parent_child`), to any depth.
 */
export const WF_RUN_ID_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(_\d+-\d+)*$/;

export function isValidWfRunId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= 512 && WF_RUN_ID_PATTERN.test(id);
}
