import type { Comparator, Condition as EngineCondition, EdgeCondition, JsonValue, MutationType, ThreadVarDef, VariableAssignment, VariableType } from '@gallop/engine';
import type { AssignableTo, ComparableWith, MutationLiteral, MutationOf, ValueOf } from './values.ts';
import type { WorkflowThread } from './thread.ts';

/**
 * The output of a node. Right after the node, a variable's assign (or another mutation) takes it from the node the
 * thread leaves; anywhere later in the same thread it is a value like any other (LittleHorse's node_output): a task's
 * input, a condition's side, a format string's argument, an expression's operand, another mutation. It is then the
 * output of the most recent run of that node in the ThreadRun; a WfRun that reads it before the node has completed
 * there fails the reading node with VAR_SUB_ERROR. `T` is its type when the builder knows it (a typed task's
 * returnType), `undefined` when it does not.
 */
export class NodeOutput<T extends VariableType | undefined = undefined> {
  /** Type-only: what the node outputs. */
  declare readonly outputType: T;

  constructor(
    /** @internal */ readonly thread: WorkflowThread,
    readonly nodeName: string,
    /** A path inside a JSON output, e.g. `$.id`; the whole output when absent. */
    readonly path?: string,
    /** The type the output is cast to, when it is. */
    readonly targetType?: VariableType,
  ) {}

  /** The value at `path` inside this node's JSON_OBJ or JSON_ARR output, e.g. `$.id`; NULL where nothing is there. */
  jsonPath(path: string): NodeOutput {
    return new NodeOutput(this.thread, this.nodeName, path);
  }

  /**
   * This output cast to `type` (LittleHorse's castTo), to assign right after the node: a STR output to an INT
   * variable, say. Only LittleHorse's casts are allowed; a value that does not convert fails the node with
   * VAR_SUB_ERROR.
   */
  castTo<U extends VariableType>(type: U): NodeOutput<U> {
    return new NodeOutput(this.thread, this.nodeName, this.path, type);
  }

  castToInt(): NodeOutput<'INT'> {
    return this.castTo('INT');
  }
  castToDouble(): NodeOutput<'DOUBLE'> {
    return this.castTo('DOUBLE');
  }
  castToStr(): NodeOutput<'STR'> {
    return this.castTo('STR');
  }
  castToBool(): NodeOutput<'BOOL'> {
    return this.castTo('BOOL');
  }

  /** This output as an expression, to compute with: `wf.expr(total)` says the same. */
  toExpression(): Expression<T> {
    return new Expression<T>(toAssignment(this));
  }

  /** Whether this output equals `value` (a BOOL, for doIf, doWhile and waitForCondition). */
  isEqualTo(value: Operand): Expression<'BOOL'> {
    return this.toExpression().isEqualTo(value);
  }
  isNotEqualTo(value: Operand): Expression<'BOOL'> {
    return this.toExpression().isNotEqualTo(value);
  }
  isLessThan(value: Operand): Expression<'BOOL'> {
    return this.toExpression().isLessThan(value);
  }
  isLessThanEq(value: Operand): Expression<'BOOL'> {
    return this.toExpression().isLessThanEq(value);
  }
  isGreaterThan(value: Operand): Expression<'BOOL'> {
    return this.toExpression().isGreaterThan(value);
  }
  isGreaterThanEq(value: Operand): Expression<'BOOL'> {
    return this.toExpression().isGreaterThanEq(value);
  }
}

/** The cast shorthands of whatever casts to an Expression: `castToInt()` is `castTo('INT')`, and so on. */
abstract class CastsToExpression {
  abstract castTo<U extends VariableType>(type: U): Expression<U>;
  castToInt(): Expression<'INT'> {
    return this.castTo('INT');
  }
  castToDouble(): Expression<'DOUBLE'> {
    return this.castTo('DOUBLE');
  }
  castToStr(): Expression<'STR'> {
    return this.castTo('STR');
  }
  castToBool(): Expression<'BOOL'> {
    return this.castTo('BOOL');
  }
  castToBytes(): Expression<'BYTES'> {
    return this.castTo('BYTES');
  }
  castToWfRunId(): Expression<'WF_RUN_ID'> {
    return this.castTo('WF_RUN_ID');
  }
}

/**
 * A value computed when the WfRun runs, without changing any variable (LittleHorse's LHExpression): a cast
 * (`age.castToInt()`), a format string (`wf.format('Hello {0}', name)`) or an operation on a value
 * (`wf.expr(count).add(1)`, with the operations of mutations and their rules). Give it wherever a value goes: a task
 * input, a variable's assign, a condition, a thread's input. `T` is its type when the builder knows it.
 */
export class Expression<T extends VariableType | undefined = undefined> extends CastsToExpression {
  /** Type-only: what it computes. */
  declare readonly valueType: T;

  constructor(
    /** Where the engine reads it. */
    readonly assignment: VariableAssignment,
  ) {
    super();
  }

  /** This plus a number, this STR followed by a value's text, or this JSON_ARR with one more element. */
  add(value: Operand): Expression {
    return this.#operate('ADD', value);
  }
  subtract(value: Operand): Expression {
    return this.#operate('SUBTRACT', value);
  }
  multiply(value: Operand): Expression {
    return this.#operate('MULTIPLY', value);
  }
  /** An INT divided by an INT truncates toward zero; with a DOUBLE on either side, the result is a DOUBLE. */
  divide(value: Operand): Expression {
    return this.#operate('DIVIDE', value);
  }
  /** This JSON_ARR followed by the elements of another, or this STR or BYTES followed by more. */
  extend(value: Operand): Expression {
    return this.#operate('EXTEND', value);
  }
  /** This JSON_ARR without the elements equal to `value`. */
  removeIfPresent(value: Operand): Expression {
    return this.#operate('REMOVE_IF_PRESENT', value);
  }
  removeIndex(index: number | WfRunVariable<'INT'> | Expression<'INT'> | Expression): Expression {
    return this.#operate('REMOVE_INDEX', index);
  }
  removeKey(key: string | WfRunVariable<'STR'> | Expression<'STR'> | Expression): Expression {
    return this.#operate('REMOVE_KEY', key);
  }

  /**
   * This value cast to `type` (LittleHorse's castTo): a STR parsed as an INT, DOUBLE or BOOL, a DOUBLE truncated to
   * an INT, any primitive as a STR. A cast replaces one this expression already had.
   */
  castTo<U extends VariableType>(type: U): Expression<U> {
    return new Expression({ ...this.assignment, targetType: type });
  }

  /** The length of this STR or the number of elements of this JSON_ARR, an INT (LittleHorse's size()). */
  size(): Expression<'INT'> {
    return new Expression({ type: 'SIZE_OF', operand: this.assignment });
  }

  /** This number raised to the power `value`: an INT to an INT power stays an INT (it must fit), else a DOUBLE. */
  pow(value: Operand): Expression {
    return this.#operate('POW', value);
  }

  /** Whether this value equals `value` (a BOOL, for doIf, doWhile and waitForCondition, or to combine with `and`). */
  isEqualTo(value: Operand): Expression<'BOOL'> {
    return this.#compare('EQUALS', value);
  }
  isNotEqualTo(value: Operand): Expression<'BOOL'> {
    return this.#compare('NOT_EQUALS', value);
  }
  isLessThan(value: Operand): Expression<'BOOL'> {
    return this.#compare('LESS_THAN', value);
  }
  isLessThanEq(value: Operand): Expression<'BOOL'> {
    return this.#compare('LESS_THAN_EQ', value);
  }
  isGreaterThan(value: Operand): Expression<'BOOL'> {
    return this.#compare('GREATER_THAN', value);
  }
  isGreaterThanEq(value: Operand): Expression<'BOOL'> {
    return this.#compare('GREATER_THAN_EQ', value);
  }
  /** Whether this value is an element of a JSON_ARR, a key of a JSON_OBJ or a substring of a STR. */
  isIn(container: Operand): Expression<'BOOL'> {
    return this.#compare('IN', container);
  }
  isNotIn(container: Operand): Expression<'BOOL'> {
    return this.#compare('NOT_IN', container);
  }

  /** Whether this BOOL and `other` both hold; both sides are read, always. */
  and(other: Condition | Operand): Expression<'BOOL'> {
    return new Expression({ type: 'EXPRESSION', lhs: this.assignment, operation: 'AND', rhs: conditionAssignment(other) });
  }
  /** Whether this BOOL or `other` holds; both sides are read, always. */
  or(other: Condition | Operand): Expression<'BOOL'> {
    return new Expression({ type: 'EXPRESSION', lhs: this.assignment, operation: 'OR', rhs: conditionAssignment(other) });
  }

  #operate(operation: MutationType, value: Operand): Expression {
    return new Expression({ type: 'EXPRESSION', lhs: this.assignment, operation, rhs: toAssignment(value) });
  }

  #compare(comparator: Comparator, value: Operand): Expression<'BOOL'> {
    return new Expression({ type: 'EXPRESSION', lhs: this.assignment, comparator, rhs: toAssignment(value) });
  }
}

/**
 * What doIf, doWhile and waitForCondition take: a comparison made by a variable's methods (`amount.isLessThan(5)`),
 * a BOOL expression (`wf.and(...)`, `age.castToInt().isGreaterThan(17)`) or a BOOL variable.
 */
export type Condition = EdgeCondition | Expression<'BOOL'> | WfRunVariable<'BOOL'>;

/** A condition (or any value) as the engine reads a BOOL value: a comparison becomes a comparing EXPRESSION. */
export function conditionAssignment(condition: Condition | Operand): VariableAssignment {
  if (isEdgeCondition(condition)) return { type: 'EXPRESSION', lhs: condition.left, comparator: condition.comparator, rhs: condition.right };
  return toAssignment(condition);
}

/** A condition as an edge carries it: a comparison as it is, anything else as a BOOL value. */
export function toEngineCondition(condition: Condition): EngineCondition {
  return isEdgeCondition(condition) ? condition : toAssignment(condition);
}

function isEdgeCondition(value: unknown): value is EdgeCondition {
  return typeof value === 'object' && value !== null && !(value instanceof Expression) && !(value instanceof WfRunVariable) && 'comparator' in value && 'left' in value;
}

/** An expression that fits a `T`: one of unknown type, or of a type a `T` takes. */
export type ExpressionFor<T extends VariableType> = Expression | (AssignableTo<T> extends infer U ? (U extends VariableType ? Expression<U> : never) : never);

/** A variable, or a variable of one of the types in the union `T` (distributes, so WfRunVariable<'INT'> fits VariableOf<'INT' | 'DOUBLE'>). */
export type VariableOf<T extends VariableType> = T extends VariableType ? WfRunVariable<T> : never;

/** A node output that fits a variable of type `T`: one of unknown type, or of a type it takes. */
export type OutputFor<T extends VariableType> = NodeOutput | (AssignableTo<T> extends infer U ? (U extends VariableType ? NodeOutput<U> : never) : never);

type Numeric = 'INT' | 'DOUBLE' | 'TIMESTAMP';
type Textual = 'STR' | 'BYTES' | 'WF_RUN_ID';

/** Anything that can give a `T` variable its value: a literal, a variable of a type it takes, a node output. */
export type SourceFor<T extends VariableType> = ValueOf<T> | VariableOf<AssignableTo<T>> | VariablePath | OutputFor<T> | ExpressionFor<T>;

/** A value to read (a literal, a variable, a path in one, an expression, an earlier node's output); what node inputs and conditions take. */
export type Operand = JsonValue | WfRunVariable | VariablePath | Expression<VariableType | undefined> | NodeOutput<VariableType | undefined>;

/** A JSON path inside a JSON_OBJ or JSON_ARR variable: read it as a value, or mutate only that part of the variable. */
export class VariablePath {
  constructor(
    readonly variable: WfRunVariable<'JSON_OBJ' | 'JSON_ARR'> | WfRunVariable<'JSON_OBJ'> | WfRunVariable<'JSON_ARR'>,
    readonly jsonPath: string,
  ) {}

  /** The value at this path cast to `type`: `order.jsonPath('$.qty').castTo('INT')`. */
  castTo<U extends VariableType>(type: U): Expression<U> {
    return new Expression({ type: 'VARIABLE', variableName: this.variable.name, jsonPath: this.jsonPath, targetType: type });
  }

  /** Sets the value at this path when the thread leaves its current node. */
  assign(value: NodeOutput<VariableType | undefined> | WfRunVariable | VariablePath | Expression<VariableType | undefined> | JsonValue): void {
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
export class WfRunVariable<T extends VariableType = VariableType> extends CastsToExpression {
  readonly #def: { name: string; type: T; required?: boolean; defaultValue?: JsonValue; searchable?: boolean; masked?: boolean };

  constructor(
    /** @internal */ readonly thread: WorkflowThread,
    name: string,
    type: T,
  ) {
    super();
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

  /** Index it so WfRuns can be searched by its value. Not with masked(): a masked value is never searched by. */
  searchable(): this {
    this.#def.searchable = true;
    this.#refuseMaskedAndSearchable();
    return this;
  }

  /** Its values are secrets: workers get them, the API shows `*****`. Not with searchable(). */
  masked(): this {
    this.#def.masked = true;
    this.#refuseMaskedAndSearchable();
    return this;
  }

  // The engine refuses the pair (a search by a masked value would tell the value): said here, at the call, rather
  // than by the server when the WfSpec is put, since compile() without a catalog validates nothing.
  #refuseMaskedAndSearchable(): void {
    if (!this.#def.masked || !this.#def.searchable) return;
    throw new Error(`${this.thread.workflowName}: variable '${this.name}' is masked, so it cannot be searchable: WfRuns are never searched by a masked value.`);
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
   * This variable's value cast to `type`, for wherever a value goes (LittleHorse's castTo; the variable is not
   * changed): `wf.execute('charge', amount.castToInt())`. STR to INT, DOUBLE or BOOL parses; DOUBLE to INT
   * truncates; any primitive to STR prints it. A value that does not convert fails the node with VAR_SUB_ERROR.
   */
  castTo<U extends VariableType>(type: U): Expression<U> {
    return new Expression({ type: 'VARIABLE', variableName: this.name, targetType: type });
  }

  /**
   * Sets the variable when the thread being built leaves its current node: to a node's output, another variable,
   * an expression or a literal. Works from any thread that can see the variable (a child or handler thread of its own).
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

  isEqualTo(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath | Expression<ComparableWith<T> | undefined>): EdgeCondition {
    return this.#compare('EQUALS', value);
  }
  isNotEqualTo(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath | Expression<ComparableWith<T> | undefined>): EdgeCondition {
    return this.#compare('NOT_EQUALS', value);
  }
  isLessThan(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath | Expression<ComparableWith<T> | undefined>): EdgeCondition {
    return this.#compare('LESS_THAN', value);
  }
  isLessThanEq(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath | Expression<ComparableWith<T> | undefined>): EdgeCondition {
    return this.#compare('LESS_THAN_EQ', value);
  }
  isGreaterThan(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath | Expression<ComparableWith<T> | undefined>): EdgeCondition {
    return this.#compare('GREATER_THAN', value);
  }
  isGreaterThanEq(value: ValueOf<ComparableWith<T>> | VariableOf<ComparableWith<T>> | VariablePath | Expression<ComparableWith<T> | undefined>): EdgeCondition {
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

/**
 * Where the engine reads a literal, a variable, a path in one or a node's output (by the node's name). A node's output
 * can be read only in the thread that has the node (LittleHorse: the node must be in the same ThreadSpec).
 */
export function toAssignment(value: Operand): VariableAssignment {
  if (value instanceof Expression) return value.assignment;
  if (value instanceof NodeOutput) {
    const reader = value.thread.compiler.building();
    if (reader !== value.thread) {
      throw new Error(
        `${value.thread.workflowName}: the output of '${value.nodeName}' (thread '${value.thread.threadName}') is read in thread '${reader.threadName}'; a node's output can be read only in its own thread. Assign it to a variable and read that.`,
      );
    }
    return {
      type: 'NODE_OUTPUT_REFERENCE',
      nodeName: value.nodeName,
      ...(value.path === undefined ? {} : { jsonPath: value.path }),
      ...(value.targetType === undefined ? {} : { targetType: value.targetType }),
    };
  }
  if (value instanceof WfRunVariable) return { type: 'VARIABLE', variableName: value.name };
  if (value instanceof VariablePath) return { type: 'VARIABLE', variableName: value.variable.name, jsonPath: value.jsonPath };
  return { type: 'LITERAL', value };
}

/** The types of the values a mutation `M` of a `T` variable takes from a variable or a node output. */
type MutationSourceType<T extends VariableType, M extends MutationType> = M extends 'SUBTRACT' | 'MULTIPLY' | 'DIVIDE' | 'POW'
  ? Numeric
  : M extends 'AND' | 'OR'
    ? 'BOOL' | 'STR'
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
  : MutationLiteral<T, M> | VariableOf<MutationSourceType<T, M>> | VariablePath | NodeOutput<MutationSourceType<T, M> | undefined> | Expression<MutationSourceType<T, M> | undefined>;
