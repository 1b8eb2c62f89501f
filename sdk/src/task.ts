import type { TaskDef, VariableType } from '@gallop/engine';
import type { ValueOf } from './builder/values.ts';
import type { TaskContext } from './worker/task-context.ts';

/** One input of a typed task, as the TaskDef declares it. */
export interface TaskInputDef {
  readonly name: string;
  readonly type: VariableType;
  readonly masked?: boolean;
}

/** The values a task function gets, by input name. */
export type TaskInputs<I extends readonly TaskInputDef[]> = { readonly [D in I[number] as D['name']]: ValueOf<D['type']> };

/** What a task function returns: a value of the return type, or nothing when the TaskDef declares none. */
export type TaskResult<R extends VariableType | undefined> = R extends VariableType ? ValueOf<R> : void;

/** A task function with the TaskDef it implements, declared side by side so that each is checked against the other. */
export interface TypedTask<I extends readonly TaskInputDef[] = readonly TaskInputDef[], R extends VariableType | undefined = VariableType | undefined> {
  readonly name: string;
  /** The TaskDef to register: what putTaskDef takes. */
  readonly def: TaskDef;
  readonly fn: (input: TaskInputs<I>, ctx: TaskContext) => TaskResult<R> | Promise<TaskResult<R>>;
  /** @internal Type-only: the inputs and return type, for WorkflowThread.execute. */
  readonly __types?: { readonly inputs: I; readonly returns: R };
}

/**
 * Declares a TaskDef and the function that implements it together: the function's input is typed from `inputVars`,
 * its return from `returnType`, and a WfSpec's `execute(task, ...)` is checked against both. A TaskWorker given the
 * result registers the TaskDef at start when it is missing.
 *
 * ```ts
 * export const greet = defineTask(
 *   { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' },
 *   ({ name }) => `Hello, ${name}!`,
 * );
 * ```
 */
export function defineTask<const I extends readonly TaskInputDef[], const R extends VariableType | undefined = undefined>(
  def: { readonly name: string; readonly inputVars: I; readonly returnType?: R; readonly maskedOutput?: boolean; readonly description?: string },
  fn: (input: TaskInputs<I>, ctx: TaskContext) => TaskResult<R> | Promise<TaskResult<R>>,
): TypedTask<I, R> {
  const taskDef: TaskDef = {
    name: def.name,
    inputVars: def.inputVars.map((v) => ({ name: v.name, type: v.type, ...(v.masked ? { masked: true } : {}) })),
    ...(def.returnType ? { returnType: def.returnType } : {}),
    ...(def.maskedOutput ? { maskedOutput: true } : {}),
    ...(def.description ? { description: def.description } : {}),
  };
  return { name: def.name, def: taskDef, fn };
}

/** Any typed task, whatever its inputs and output: what a TaskWorker takes. */
export interface AnyTypedTask {
  readonly name: string;
  readonly def: TaskDef;
  readonly fn: (input: never, ctx: TaskContext) => unknown;
}
