import type { Comparator, EdgeCondition, JsonValue, MutationType, ThreadVarDef, VariableAssignment, VariableType } from '@gallop/engine';
import type { AssignableTo, ComparableWith, MutationLiteral, MutationOf, ValueOf } from './values.ts';
import type { WorkflowThread } from './thread.ts';

/**
 * The output of a node, to assign to a variable right after the node. `T` is its type when the builder knows it
 * (a typed task's returnType), `undefined` when it does not.
 */
export class NodeOutput<T extends VariableType | undefined = undefined> {
  /** Type-only: what the node outputs. */
  declare readonly outputType: T;

  constructor(
    /** @internal */ readonly thread: WorkflowThread,
    readonly nodeName: string,
    /** A path inside a JSON output, e.g. `$.id`; the whole output when absent. */
    readonly path?: string,
  ) {}

  /** The value at `path` inside this node's JSON_OBJ or JSON_ARR output, to assign right after the node. */
  jsonPath(path: string): NodeOutput {
    return new NodeOutput(this.thread, this.nodeName, path);
  }
}

/** A variable, or a variable of one of the types in the union `T` (distributes, so WfRunVariable<'INT'> fits VariableOf<'INT' | 'DOUBLE'>). */
export type VariableOf<T extends VariableType> = T extends VariableType ? WfRunVariable<T> : never;

/** A node output that fits a variable of type `T`: one of unknown type, or of a type it takes. */
export type OutputFor<T extends VariableType> = NodeOutput | (AssignableTo<T> extends infer U ? (U extends VariableType ? NodeOutput<U> : never) : never);

type Numeric = 'INT' | 'DOUBLE' | 'TIMESTAMP';
type Textual = 'STR' | 'BYTES' | 'WF_RUN_ID';

/** Anything that can give a `T` variable its value: a literal, a variable of a type it takes, a node output. */
export type SourceFor<T extends VariableType> = ValueOf<T> | VariableOf<AssignableTo<T>> | VariablePath | OutputFor<T>;

/** A value to read (a literal, a variable, a path in one); what node inputs and conditions take. */
export type Operand = JsonValue | WfRunVariable | VariablePath;

/** A JSON path inside a JSON_OBJ or JSON_ARR variable: read it as a value, or mutate only that part of the variable. */
export class VariablePath {
  constructor(
    readonly variable: WfRunVariable<'JSON_OBJ' | 'JSON_ARR'> | WfRunVariable<'JSON_OBJ'> | WfRunVariable<'JSON_ARR'>,
    readonly jsonPath: string,
  ) {}

  /** Sets the value at this path when the thread leaves its current node. */
  assign(value: NodeOutput<VariableType | undefined> | WfRunVariable | VariablePath | JsonValue): void {
    this.variable.thread.compiler.building().mutate(this, 'ASSIGN', value as never);
  }
}

/** A child ThreadRun started by spawnThread; pass it to waitForThreads. */
export class SpawnedThread {
  constructor(
    /** Holds the child's thread run number. */
    readonly variable: WfRunVariable<'INT'>,
  ) {}
}

/** The child ThreadRuns started by spawnThreadForEach, one per element; pass them to waitForThreads. */
export class SpawnedThreads {
  constructor(
    /** Holds the children's thread run numbers. */
    readonly variable: WfRunVariable<'JSON_ARR'>,
  ) {}
}

/** A child WfRun started by runWf; pass it to waitForChildWf. */
export class SpawnedChildWf {
  constructor(
    /** Holds the child's WfRun id. */
    readonly variable: WfRunVariable<'WF_RUN_ID'>,
  ) {}
}

/**
 * A variable declared by a thread. Its methods record a mutation on the next edge of the thread being built
 * (`assign`, `add`, ...) or make a condition for doIf and doWhile (`isLessThan`, ...), typed by the variable's type.
 */
export class WfRunVariable<T extends VariableType = VariableType> {
  readonly #def: { name: string; type: T; required?: boolean; defaultValue?: JsonValue; searchable?: boolean; masked?: boolean };

  constructor(
    /** @internal */ readonly thread: WorkflowThread,
    name: string,
    type: T,
  ) {
    this.#def = { name, type };
  }

  get name(): string {
    return this.#def.name;
  }

  get type(): T {
    return this.#def.type;
  }

  /** RunWf must give it a value. */
  required(): this {
    this.#def.required = true;
    return this;
  }

  /** Index it so WfRuns can be searched by its value. */
  searchable(): this {
    this.#def.searchable = true;
    return this;
  }

  /** Its values are secrets: workers get them, the API shows `*****`. */
  masked(): this {
    this.#def.masked = true;
    return this;
  }

  withDefault(value: ValueOf<T>): this {
    this.#def.defaultValue = value;
    return this;
  }

  /** A JSON path inside this JSON_OBJ or JSON_ARR variable, e.g. `$.customer.email`. */
  jsonPath(this: WfRunVariable<'JSON_OBJ'> | WfRunVariable<'JSON_ARR'>, path: string): VariablePath {
    return new VariablePath(this, path);
  }

  /**
   * Sets the variable when the thread being built leaves its current node: to a node's output, another variable or
   * a literal. Works from any thread that can see the variable (a child or handler thread of its own).
   */
  assign(value: SourceFor<T>): void {
    this.#mutate('ASSIGN', value);
  }

  /** Adds a number to an INT or DOUBLE, appends a value's text to a STR, or appends one element to a JSON_ARR. */
  add(this: WfRunVariable<'INT'> | WfRunVariable<'DOUBLE'>, value: number | VariableOf<Numeric> | VariablePath | NodeOutput<Numeric | undefined>): void;
  add(this: WfRunVariable<'STR'> | WfRunVariable<'JSON_ARR'>, value: Operand | NodeOutput<VariableType | undefined>): void;
  add(value: unknown): void {
    this.#mutate('ADD', value);
  }

  /** Appends the elements of a JSON_ARR to a JSON_ARR, or text to a STR or BYTES. */
  extend(this: WfRunVariable<'JSON_ARR'>, value: readonly JsonValue[] | WfRunVariable<'JSON_ARR'> | VariablePath | NodeOutput<'JSON_ARR' | undefined>): void;
  extend(this: WfRunVariable<'STR'> | WfRunVariable<'BYTES'>, value: string | VariableOf<Textual> | VariablePath | NodeOutput<Textual | undefined>): void;
  extend(value: unknown): void {
    this.#mutate('EXTEND', value);
  }

  subtract(this: WfRunVariable<'INT'> | WfRunVariable<'DOUBLE'>, value: number | VariableOf<Numeric> | VariablePath | NodeOutput<Numeric | undefined>): void {
    this.#mutate('SUBTRACT', value);
  }

  multiply(this: WfRunVariable<'INT'> | WfRunVariable<'DOUBLE'>, value: number | VariableOf<Numeric> | VariablePath | NodeOutput<Numeric | undefined>): void {
    this.#mutate('MULTIPLY', value);
  }

  divide(this: WfRunVariable<'INT'> | WfRunVariable<'DOUBLE'>, value: number | VariableOf<Numeric> | VariablePath | NodeOutput<Numeric | undefined>): void {
    this.#mutate('DIVIDE', value);
  }

  /** Removes the first element equal to `value` from a JSON_ARR, if there is one. */
  removeIfPresent(this: WfRunVariable<'JSON_ARR'>, value: Operand): void {
    this.#mutate('REMOVE_IF_PRESENT', value);
  }

  removeIndex(this: WfRunVariable<'JSON_ARR'>, index: number | WfRunVariable<'INT'>): void {
    this.#mutate('REMOVE_INDEX', index);
  }

  removeKey(this: WfRunVariable<'JSON_OBJ'>, key: string | WfRunVariable<'STR'>): void {
    this.#mutate('REMOVE_KEY', key);
  }

  isEqualTo(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath): EdgeCondition {
    return this.#compare('EQUALS', value);
  }
  isNotEqualTo(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath): EdgeCondition {
    return this.#compare('NOT_EQUALS', value);
  }
  isLessThan(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath): EdgeCondition {
    return this.#compare('LESS_THAN', value);
  }
  isLessThanEq(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath): EdgeCondition {
    return this.#compare('LESS_THAN_EQ', value);
  }
  isGreaterThan(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath): EdgeCondition {
    return this.#compare('GREATER_THAN', value);
  }
  isGreaterThanEq(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath): EdgeCondition {
    return this.#compare('GREATER_THAN_EQ', value);
  }
  /** This value is an element of a JSON_ARR, a key of a JSON_OBJ or a substring of a STR. */
  isIn(container: ValueOf<'JSON_ARR' | 'JSON_OBJ' | 'STR'> | VariableOf<'JSON_ARR' | 'JSON_OBJ' | 'STR'> | VariablePath): EdgeCondition {
    return this.#compare('IN', container);
  }
  isNotIn(container: ValueOf<'JSON_ARR' | 'JSON_OBJ' | 'STR'> | VariableOf<'JSON_ARR' | 'JSON_OBJ' | 'STR'> | VariablePath): EdgeCondition {
    return this.#compare('NOT_IN', container);
  }
  /** This JSON_ARR, JSON_OBJ or STR holds `value` (as an element, a key or a substring). */
  doesContain(this: WfRunVariable<'JSON_ARR'> | WfRunVariable<'JSON_OBJ'> | WfRunVariable<'STR'>, value: Operand): EdgeCondition {
    return { comparator: 'IN', left: toAssignment(value), right: toAssignment(this) };
  }
  doesNotContain(this: WfRunVariable<'JSON_ARR'> | WfRunVariable<'JSON_OBJ'> | WfRunVariable<'STR'>, value: Operand): EdgeCondition {
    return { comparator: 'NOT_IN', left: toAssignment(value), right: toAssignment(this) };
  }

  #mutate(operation: MutationType, value: unknown): void {
    this.thread.compiler.building().mutate(this as WfRunVariable, operation as never, value as never);
  }

  #compare(comparator: Comparator, right: Operand): EdgeCondition {
    return { comparator, left: toAssignment(this), right: toAssignment(right) };
  }

  /** @internal */
  toDef(): ThreadVarDef {
    return { ...this.#def };
  }
}

/** Where the engine reads a literal, a variable or a path in one. */
export function toAssignment(value: Operand): VariableAssignment {
  if (value instanceof WfRunVariable) return { type: 'VARIABLE', variableName: value.name };
  if (value instanceof VariablePath) return { type: 'VARIABLE', variableName: value.variable.name, jsonPath: value.jsonPath };
  return { type: 'LITERAL', value };
}

/** The types of the values a mutation `M` of a `T` variable takes from a variable or a node output. */
type MutationSourceType<T extends VariableType, M extends MutationType> = M extends 'SUBTRACT' | 'MULTIPLY' | 'DIVIDE'
  ? Numeric
  : M extends 'REMOVE_INDEX'
    ? 'INT'
    : M extends 'REMOVE_KEY'
      ? Textual
      : M extends 'EXTEND'
        ? T extends 'JSON_ARR'
          ? 'JSON_ARR'
          : Textual
        : M extends 'ADD'
          ? T extends 'INT' | 'DOUBLE'
            ? Numeric
            : VariableType
          : VariableType;

/** The right-hand side a typed mutation `M` of a `T` variable takes: the methods' own types, operation by operation. */
export type MutationValue<T extends VariableType, M extends MutationOf<T>> = M extends 'ASSIGN'
  ? SourceFor<T>
  : MutationLiteral<T, M> | VariableOf<MutationSourceType<T, M>> | VariablePath | NodeOutput<MutationSourceType<T, M> | undefined>;
