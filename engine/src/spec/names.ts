/** LittleHorse: metadata names and WfRun ids are letters, digits and inner dashes. */
export const NAME_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

/** Variable names are identifiers, so that SDK code and JSON paths can name them. */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 128 && NAME_PATTERN.test(name);
}
