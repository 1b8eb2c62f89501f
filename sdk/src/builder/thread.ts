import type {
  Comparator,
  Condition as EngineCondition,
  Edge,
  EdgeCondition,
  FailureHandlerDef,
  InterruptDef,
  JsonValue,
  MutationSource,
  Node,
  SpecPath,
  TaskNode,
  ThreadSpec,
  UserTaskAction,
  UserTaskActionTask,
  UserTaskNode,
  VariableAssignment,
  VariableMutation,
  VariableType,
} from '@gallop/engine';
import type { TaskInputDef, TypedTask } from '../task.ts';
import { captureCallSite, describeCall } from './call-site.ts';
import type { CallSite } from './call-site.ts';
import { ReminderTask, TaskNodeOutput, UserTaskOutput, WaitForThreadsOutput } from './outputs.ts';
import type { AssignableTo, MutationOf, ValueOf } from './values.ts';
import { conditionAssignment, Expression, NodeOutput, SpawnedChildWf, SpawnedThread, SpawnedThreads, toAssignment, toEngineCondition, VariablePath, WfRunVariable } from './variable.ts';
import type { Condition, ExpressionFor, MutationValue, Operand, OutputFor, VariableOf } from './variable.ts';
import type { WorkflowCompiler } from './workflow.ts';

/** The inputs `execute` takes for a typed task: one per input var, in order, each a literal, variable, expression or earlier node's output of its type. */
export type TaskArgs<I extends readonly TaskInputDef[]> = {
  [K in keyof I]: I[K] extends { readonly type: infer T extends VariableType } ? ValueOf<T> | VariableOf<AssignableTo<T>> | VariablePath | ExpressionFor<T> | OutputFor<T> : never;
};

/** A branch started by doIf: add doElseIf and doElse right after it. */
export class IfStatement {
  constructor(
    private readonly thread: WorkflowThread,
    /** @internal */ readonly split: string,
    /** @internal */ readonly join: string,
  ) {}

  /** Runs `body` when no earlier condition held and `condition` does. */
  doElseIf(condition: Condition, body: (thread: WorkflowThread) => void): this {
    this.thread.addBranch(this, toEngineCondition(condition), body, captureCallSite('doElseIf'));
    return this;
  }

  /** Runs `body` when no condition of the chain held. */
  doElse(body: (thread: WorkflowThread) => void): void {
    this.thread.addBranch(this, undefined, body, captureCallSite('doElse'));
  }
}

/** The builder method that makes each mutation, for messages. */
const METHOD_OF: Readonly<Record<VariableMutation['operation'], string>> = {
  ASSIGN: 'assign',
  ADD: 'add',
  EXTEND: 'extend',
  SUBTRACT: 'subtract',
  MULTIPLY: 'multiply',
  DIVIDE: 'divide',
  REMOVE_IF_PRESENT: 'removeIfPresent',
  REMOVE_INDEX: 'removeIndex',
  REMOVE_KEY: 'removeKey',
  AND: 'mutate AND',
  OR: 'mutate OR',
  POW: 'mutate POW',
};

/** Where the next node attaches: an earlier node, with the condition and mutations of the edge still to draw. */
interface Tail {
  readonly node: string;
  readonly condition?: EngineCondition | undefined;
  readonly conditionSite?: CallSite | undefined;
  mutations: { readonly mutation: VariableMutation; readonly site: CallSite }[];
}

/**
 * Builds one thread of a WfSpec in program order, the way LittleHorse's WorkflowThread does: each call adds a
 * node after the previous one, named `{n}-{name}-{TYPE}`, and mutations ride on the next outgoing edge. Branches
 * and loops are NOP nodes with conditional edges, as LittleHorse's SDKs make them.
 */
export class WorkflowThread {
  readonly #nodes: [string, Node][] = [];
  readonly #edges = new Map<string, Edge[]>();
  readonly #variables: WfRunVariable[] = [];
  readonly #interrupts: InterruptDef[] = [];
  #tails: Tail[] = [];
  /** Numbers nodes; never reused, so a join dropped by a doIf chain leaves no name to clash with. */
  #position = 0;

  constructor(
    /** @internal */ readonly compiler: WorkflowCompiler,
    readonly threadName: string,
  ) {
    this.#add('entrypoint', { type: 'ENTRYPOINT' });
  }

  get workflowName(): string {
    return this.compiler.name;
  }

  declareStr(name: string): WfRunVariable<'STR'> {
    return this.#declare(name, 'STR');
  }
  declareInt(name: string): WfRunVariable<'INT'> {
    return this.#declare(name, 'INT');
  }
  declareDouble(name: string): WfRunVariable<'DOUBLE'> {
    return this.#declare(name, 'DOUBLE');
  }
  declareBool(name: string): WfRunVariable<'BOOL'> {
    return this.#declare(name, 'BOOL');
  }
  declareJsonObj(name: string): WfRunVariable<'JSON_OBJ'> {
    return this.#declare(name, 'JSON_OBJ');
  }
  declareJsonArr(name: string): WfRunVariable<'JSON_ARR'> {
    return this.#declare(name, 'JSON_ARR');
  }
  /** Base64 text in JSON. */
  declareBytes(name: string): WfRunVariable<'BYTES'> {
    return this.#declare(name, 'BYTES');
  }
  declareWfRunId(name: string): WfRunVariable<'WF_RUN_ID'> {
    return this.#declare(name, 'WF_RUN_ID');
  }
  /** Epoch milliseconds in JSON. */
  declareTimestamp(name: string): WfRunVariable<'TIMESTAMP'> {
    return this.#declare(name, 'TIMESTAMP');
  }
  /** Any type, chosen at run time. */
  declare<T extends VariableType>(name: string, type: T): WfRunVariable<T> {
    return this.#declare(name, type);
  }

  /**
   * Runs a TaskDef with the given inputs, in the order of its inputVars; returns its output. Given a typed task
   * (defineTask), the inputs and the output are checked against its declaration. Given a STR variable instead of a
   * name, it runs the TaskDef the variable names when the node runs (a dynamic task).
   */
  execute<const I extends readonly TaskInputDef[], R extends VariableType | undefined>(task: TypedTask<I, R>, ...inputs: TaskArgs<I>): TaskNodeOutput<R>;
  execute(taskDef: string | WfRunVariable<'STR'>, ...inputs: Operand[]): TaskNodeOutput;
  execute(taskDef: string | WfRunVariable<'STR'> | TypedTask, ...inputs: Operand[]): TaskNodeOutput<VariableType | undefined> {
    const label = typeof taskDef === 'string' ? taskDef : taskDef.name;
    const name = this.#add(
      label,
      {
        type: 'TASK',
        ...(taskDef instanceof WfRunVariable ? { dynamicTaskDefName: toAssignment(taskDef) } : { taskDefName: label }),
        inputs: inputs.map(toAssignment),
      },
      `execute('${label}')`,
    );
    return new TaskNodeOutput(this, name);
  }

  /** @internal */
  configureTask(nodeName: string, settings: Pick<TaskNode, 'retries' | 'exponentialBackoff' | 'timeoutSeconds'>): void {
    const entry = this.#nodes.find(([name]) => name === nodeName);
    if (!entry || entry[1].type !== 'TASK') throw new Error(`${this.workflowName}: '${nodeName}' is not a TASK node of this thread.`);
    entry[1] = { ...entry[1], ...settings };
  }

  /**
   * Changes a variable (or a JSON path in one) when the thread leaves its current node (LittleHorse's mutate). The
   * operation must suit the variable's type and the value the operation.
   */
  mutate<T extends VariableType, M extends MutationOf<T>>(variable: WfRunVariable<T>, operation: M, value: MutationValue<T, M>): void;
  mutate(variable: VariablePath, operation: MutationOf<'JSON_OBJ' | 'JSON_ARR'> | 'SUBTRACT' | 'MULTIPLY' | 'DIVIDE', value: NodeOutput<VariableType | undefined> | Operand): void;
  mutate(variable: WfRunVariable | VariablePath, operation: VariableMutation['operation'], value: unknown): void {
    const target = variable instanceof VariablePath ? { lhsName: variable.variable.name, lhsJsonPath: variable.jsonPath } : { lhsName: variable.name };
    const mutation: VariableMutation = { ...target, operation, rhs: this.#source(value as NodeOutput | Operand) };
    const site = captureCallSite(`${METHOD_OF[operation]} of '${target.lhsName}'`);
    if (this.#tails.length === 0) {
      throw new Error(`${this.workflowName}: nothing can follow complete() or fail() on the same path (${describeCall(site)}).`);
    }
    for (const tail of this.#tails) tail.mutations.push({ mutation, site });
  }

  /**
   * A STR made when the WfRun runs from `template` and `args` (LittleHorse's format, Java's MessageFormat): `{0}`,
   * `{1}`, ... are replaced by the arguments' values, numbers printed as `1,234.5`. A quote starts quoted text:
   * write `''` for an apostrophe (`'Don''t wait, {0}'`).
   */
  format(template: string | WfRunVariable<'STR'>, ...args: Operand[]): Expression<'STR'> {
    return new Expression({ type: 'FORMAT_STRING', format: toAssignment(template), args: args.map(toAssignment) });
  }

  /**
   * `value` as an expression, to compute with: `wf.expr(count).add(1)` is count + 1, `wf.expr(price).multiply(qty)`
   * price times qty. The variables it reads do not change (their own `add`, `multiply`, ... mutate them).
   */
  expr<T extends VariableType>(value: WfRunVariable<T>): Expression<T>;
  expr(value: Operand): Expression;
  expr(value: Operand): Expression<VariableType | undefined> {
    return value instanceof Expression ? value : new Expression(toAssignment(value));
  }

  /** Whether every condition holds (LittleHorse's and): `wf.and(amount.isGreaterThan(100), vip)`. */
  and(first: Condition, ...others: Condition[]): Expression<'BOOL'> {
    return others.reduce<Expression<'BOOL'>>((all, next) => all.and(next), new Expression(conditionAssignment(first)));
  }

  /** Whether any condition holds (LittleHorse's or); every one is read, always. */
  or(first: Condition, ...others: Condition[]): Expression<'BOOL'> {
    return others.reduce<Expression<'BOOL'>>((any, next) => any.or(next), new Expression(conditionAssignment(first)));
  }

  /** `left comparator right`, for doIf and doWhile; the variables' methods (`isLessThan`, ...) say the same. */
  condition<T extends VariableType>(
    left: WfRunVariable<T>,
    comparator: Exclude<Comparator, 'IN' | 'NOT_IN'>,
    right: Parameters<WfRunVariable<T>['isEqualTo']>[0],
  ): EdgeCondition;
  condition(left: Operand, comparator: 'IN' | 'NOT_IN', right: Parameters<WfRunVariable['isIn']>[0]): EdgeCondition;
  condition(left: JsonValue | VariablePath | Expression<VariableType | undefined>, comparator: Comparator, right: Operand): EdgeCondition;
  condition(left: Operand, comparator: Comparator, right: Operand): EdgeCondition {
    return { comparator, left: toAssignment(left), right: toAssignment(right) };
  }

  /**
   * Runs `body` only when `condition` holds; chain `.doElseIf(...)` and `.doElse(...)` for the other cases. The
   * branches join after the chain.
   */
  doIf(condition: Condition, body: (thread: this) => void): IfStatement {
    const site = captureCallSite('doIf');
    const split = this.#add('nop', { type: 'NOP' }, 'doIf');
    this.#tails = [{ node: split, condition: toEngineCondition(condition), conditionSite: site, mutations: [] }];
    body(this);
    const ifTails = this.#tails;
    const join = this.compiler.nodeName(this.#position, 'nop', 'NOP');
    // The join is drawn now with the empty else-branch; doElseIf and doElse move that edge.
    this.#tails = [...ifTails, { node: split, mutations: [] }];
    this.#add('nop', { type: 'NOP' }, 'doIf');
    return new IfStatement(this, split, join);
  }

  /** Runs `ifBody` when `condition` holds and `elseBody` when it does not; both join after. */
  doIfElse(condition: Condition, ifBody: (thread: this) => void, elseBody: (thread: this) => void): void {
    this.doIf(condition, ifBody).doElse(elseBody as (thread: WorkflowThread) => void);
  }

  /** @internal Adds a branch to a doIf chain: its split's unconditional edge to the join gives way to it. */
  addBranch(chain: IfStatement, condition: EngineCondition | undefined, body: (thread: WorkflowThread) => void, site: CallSite): void {
    const [tail, ...rest] = this.#tails;
    if (rest.length > 0 || tail?.node !== chain.join || tail.mutations.length > 0) {
      throw new Error(`${this.workflowName}: ${site.call} must come right after its doIf (at ${describeCall(site)}).`);
    }
    const splitEdges = this.#edges.get(chain.split) ?? [];
    const elseEdge = splitEdges.findIndex((e) => e.sinkNodeName === chain.join && !e.condition);
    if (elseEdge < 0) throw new Error(`${this.workflowName}: the doIf chain already has its doElse (at ${describeCall(site)}).`);
    this.#edges.set(chain.split, splitEdges.filter((_, i) => i !== elseEdge));
    this.#tails = [{ node: chain.split, condition, conditionSite: condition ? site : undefined, mutations: [] }];
    body(this);
    this.#connect(chain.join);
    // Without a doElse, the case where no condition holds still goes straight to the join.
    if (condition) {
      this.#tails = [{ node: chain.split, mutations: [] }];
      this.#connect(chain.join);
    }
    const joined = [...this.#edges.values()].some((edges) => edges.some((e) => e.sinkNodeName === chain.join));
    if (joined) {
      this.#tails = [{ node: chain.join, mutations: [] }];
    } else {
      // Every branch ended the thread: nothing reaches the join, so it goes, and nothing may follow.
      this.#nodes.splice(this.#nodes.findIndex(([name]) => name === chain.join), 1);
      this.#tails = [];
    }
  }

  /** Runs `body` again and again while `condition` holds, checking before each round. */
  doWhile(condition: Condition, body: (thread: this) => void): void {
    const site = captureCallSite('doWhile');
    const head = this.#add('nop', { type: 'NOP' }, 'doWhile');
    this.#tails = [{ node: head, condition: toEngineCondition(condition), conditionSite: site, mutations: [] }];
    body(this);
    if (this.#tails.some((tail) => tail.node === head)) throw new Error(`${this.workflowName}: the body of doWhile adds no node (at ${describeCall(site)}).`);
    this.#connect(head);
    this.#tails = [{ node: head, mutations: [] }];
  }

  /**
   * Starts `body` as a child thread that runs beside this one and reads and writes this thread's variables.
   * `inputs` give the child's own variables their first values.
   */
  spawnThread(name: string, body: (thread: WorkflowThread) => void, inputs: Record<string, Operand> = {}): SpawnedThread {
    const threadSpecName = this.compiler.addThread(name, body, captureCallSite(`spawnThread('${name}')`));
    const nodeName = this.#add(name, { type: 'START_THREAD', threadSpecName, variables: this.#inputs(inputs) }, `spawnThread('${name}')`);
    // LittleHorse's SDK keeps the child's number in a variable named after the node.
    const number = this.#declare(`thread-${nodeName}`, 'INT');
    number.assign(new NodeOutput<'INT'>(this, nodeName));
    return new SpawnedThread(number);
  }

  /**
   * Starts one child thread per element of a JSON_ARR, each with the element in its INPUT variable (declared for
   * it, of `inputType`, JSON_OBJ by default). Wait for them with waitForThreads.
   */
  spawnThreadForEach<T extends VariableType = 'JSON_OBJ'>(
    items: WfRunVariable<'JSON_ARR'> | VariablePath,
    name: string,
    body: (thread: WorkflowThread, input: WfRunVariable<T>) => void,
    options: { inputType?: T; inputs?: Record<string, Operand> } = {},
  ): SpawnedThreads {
    const site = captureCallSite(`spawnThreadForEach('${name}')`);
    const threadSpecName = this.compiler.addThread(name, (child) => body(child, child.#declare('INPUT', options.inputType ?? ('JSON_OBJ' as T))), site);
    const nodeName = this.#add(
      name,
      { type: 'START_MULTIPLE_THREADS', threadSpecName, iterable: toAssignment(items), variables: this.#inputs(options.inputs ?? {}) },
      site.call,
    );
    const numbers = this.#declare(`threads-${nodeName}`, 'JSON_ARR');
    numbers.assign(new NodeOutput<'JSON_ARR'>(this, nodeName));
    return new SpawnedThreads(numbers);
  }

  /**
   * Waits until every given thread has completed; a failed one fails this node (CHILD_FAILURE for errors) unless a
   * handler on the output (handleExceptionOnChild, ...) handles it.
   */
  waitForThreads(...threads: (SpawnedThread | SpawnedThreads)[]): WaitForThreadsOutput {
    return this.#waitFor('WAIT_FOR_ALL', threads);
  }

  /** Waits for the first of the given threads (in order) to end, and succeeds or fails with it. */
  waitForFirstOf(...threads: (SpawnedThread | SpawnedThreads)[]): WaitForThreadsOutput {
    return this.#waitFor('WAIT_FOR_FIRST', threads);
  }

  /** Waits until any of the given threads completes; fails only when every one failed. */
  waitForAnyOf(...threads: (SpawnedThread | SpawnedThreads)[]): WaitForThreadsOutput {
    return this.#waitFor('WAIT_FOR_ANY', threads);
  }

  #waitFor(strategy: 'WAIT_FOR_ALL' | 'WAIT_FOR_FIRST' | 'WAIT_FOR_ANY', threads: (SpawnedThread | SpawnedThreads)[]): WaitForThreadsOutput {
    if (threads.length === 0) throw new Error(`${this.workflowName}: waiting needs at least one thread.`);
    const name = this.#add(
      'threads',
      { type: 'WAIT_FOR_THREADS', ...(strategy === 'WAIT_FOR_ALL' ? {} : { strategy }), threads: threads.map((t) => toAssignment(t.variable)) },
      strategy === 'WAIT_FOR_ALL' ? 'waitForThreads' : strategy === 'WAIT_FOR_FIRST' ? 'waitForFirstOf' : 'waitForAnyOf',
    );
    return new WaitForThreadsOutput(this, name);
  }

  /** Waits until `condition` holds; it is checked again whenever the WfRun moves (another thread may change a variable). */
  waitForCondition(condition: Condition): void {
    this.#add('wait-for-condition', { type: 'WAIT_FOR_CONDITION', condition: toEngineCondition(condition) }, 'waitForCondition');
  }

  /**
   * Waits for an ExternalEvent of `externalEventDefName`; its content is the node's output. With `correlationKey` it
   * also takes the CorrelatedEvent of that def sent with the key (client.putCorrelatedEvent), whether it is sent
   * before or after the node starts waiting; the def needs a correlatedEventConfig. `maskCorrelationKey` shows the
   * key as ***** in the API.
   */
  waitForEvent(
    externalEventDefName: string,
    options: { timeoutSeconds?: number | WfRunVariable<'INT'>; correlationKey?: string | WfRunVariable<'STR'>; maskCorrelationKey?: boolean } = {},
  ): NodeOutput {
    const name = this.#add(
      externalEventDefName,
      {
        type: 'EXTERNAL_EVENT',
        externalEventDefName,
        ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: toAssignment(options.timeoutSeconds) }),
        ...(options.correlationKey === undefined ? {} : { correlationKey: toAssignment(options.correlationKey) }),
        ...(options.maskCorrelationKey ? { maskCorrelationKey: true } : {}),
      },
      `waitForEvent('${externalEventDefName}')`,
    );
    return new NodeOutput(this, name);
  }

  /**
   * Runs `handler` as a thread whenever an ExternalEvent of `externalEventDefName` arrives while this thread runs:
   * the thread (with its children) halts until the handler completes, then goes on where it was. The handler's INPUT
   * variable holds the event's content (declared for it, of `inputType`, JSON_OBJ by default).
   */
  registerInterruptHandler<T extends VariableType = 'JSON_OBJ'>(
    externalEventDefName: string,
    handler: (thread: WorkflowThread, input: WfRunVariable<T>) => void,
    options: { inputType?: T } = {},
  ): void {
    const site = captureCallSite(`registerInterruptHandler('${externalEventDefName}')`);
    const handlerSpecName = this.compiler.addThread(
      `interrupt-${externalEventDefName}`,
      (thread) => handler(thread, thread.#declare('INPUT', options.inputType ?? ('JSON_OBJ' as T))),
      site,
    );
    this.compiler.record([...this.path, 'interruptDefs', this.#interrupts.length], site);
    this.#interrupts.push({ externalEventDefName, handlerSpecName });
  }

  /**
   * Asks a person to fill in the form of UserTaskDef `userTaskDefName` (its newest version when the WfRun gets there,
   * or `version`): assigned to `userId`, to `userGroup`, or to a user within a group. Its output is a JSON_OBJ of the
   * results, by field.
   */
  assignUserTask(
    userTaskDefName: string,
    assignee: { userId?: string | WfRunVariable<'STR'>; userGroup?: string | WfRunVariable<'STR'>; version?: number },
  ): UserTaskOutput {
    if (assignee.userId === undefined && assignee.userGroup === undefined) {
      throw new Error(`${this.workflowName}: assignUserTask('${userTaskDefName}') needs a userId, a userGroup or both.`);
    }
    const name = this.#add(
      userTaskDefName,
      {
        type: 'USER_TASK',
        userTaskDefName,
        ...(assignee.version === undefined ? {} : { userTaskDefVersion: assignee.version }),
        ...(assignee.userId === undefined ? {} : { userId: toAssignment(assignee.userId) }),
        ...(assignee.userGroup === undefined ? {} : { userGroup: toAssignment(assignee.userGroup) }),
      },
      `assignUserTask('${userTaskDefName}')`,
    );
    return new UserTaskOutput(this, name);
  }

  /** Cancels the task `seconds` after it is created if nobody has completed it: a deadline that fails the node. */
  cancelUserTaskRunAfter(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>): void {
    this.#addUserTaskAction(userTask, { hook: 'ON_ARRIVAL', delaySeconds: toAssignment(seconds), action: { type: 'CANCEL' } });
  }

  /** Gives the task back to its group `seconds` after a user got it, if that user still holds it (LittleHorse's releaseToGroupOnDeadline). */
  releaseToGroupOnDeadline(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>, userGroup: string | WfRunVariable<'STR'>): void {
    this.#addUserTaskAction(userTask, {
      hook: 'ON_TASK_ASSIGNED',
      delaySeconds: toAssignment(seconds),
      action: { type: 'REASSIGN', userGroup: toAssignment(userGroup) },
    });
  }

  /**
   * Runs TaskDef `task` with `inputs` `seconds` after the task is created, if it is still open then: a reminder
   * (LittleHorse's scheduleReminderTask). The inputs are evaluated when it runs; its result and its failure move
   * nothing. Returns a handle to give it a timeout or retries.
   */
  scheduleReminderTask<const I extends readonly TaskInputDef[], R extends VariableType | undefined>(
    userTask: UserTaskOutput,
    seconds: number | WfRunVariable<'INT'>,
    task: TypedTask<I, R>,
    ...inputs: TaskArgs<I>
  ): ReminderTask;
  scheduleReminderTask(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>, taskDef: string | WfRunVariable<'STR'>, ...inputs: Operand[]): ReminderTask;
  scheduleReminderTask(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>, taskDef: string | WfRunVariable<'STR'> | TypedTask, ...inputs: Operand[]): ReminderTask {
    return this.#addReminderTask(userTask, 'ON_ARRIVAL', seconds, taskDef, inputs);
  }

  /**
   * Runs TaskDef `task` with `inputs` `seconds` after each time a user gets the task (creation included), if it is
   * still open then, whoever holds it by then (LittleHorse's scheduleReminderTaskOnAssignment).
   */
  scheduleReminderTaskOnAssignment<const I extends readonly TaskInputDef[], R extends VariableType | undefined>(
    userTask: UserTaskOutput,
    seconds: number | WfRunVariable<'INT'>,
    task: TypedTask<I, R>,
    ...inputs: TaskArgs<I>
  ): ReminderTask;
  scheduleReminderTaskOnAssignment(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>, taskDef: string | WfRunVariable<'STR'>, ...inputs: Operand[]): ReminderTask;
  scheduleReminderTaskOnAssignment(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>, taskDef: string | WfRunVariable<'STR'> | TypedTask, ...inputs: Operand[]): ReminderTask {
    return this.#addReminderTask(userTask, 'ON_TASK_ASSIGNED', seconds, taskDef, inputs);
  }

  #addReminderTask(
    userTask: UserTaskOutput,
    hook: UserTaskAction['hook'],
    seconds: number | WfRunVariable<'INT'>,
    taskDef: string | WfRunVariable<'STR'> | TypedTask,
    inputs: readonly Operand[],
  ): ReminderTask {
    const label = typeof taskDef === 'string' ? taskDef : taskDef.name;
    const task: UserTaskActionTask = {
      ...(taskDef instanceof WfRunVariable ? { dynamicTaskDefName: toAssignment(taskDef) } : { taskDefName: label }),
      inputs: inputs.map(toAssignment),
    };
    const index = this.#userTaskNode(userTask).actions?.length ?? 0;
    this.#addUserTaskAction(userTask, { hook, delaySeconds: toAssignment(seconds), action: { type: 'TASK', task } });
    return new ReminderTask((settings) =>
      this.configureUserTask(userTask.nodeName, (node) => ({
        ...node,
        actions: (node.actions ?? []).map((a, i) => (i === index && a.action.type === 'TASK' ? { ...a, action: { type: 'TASK', task: { ...a.action.task, ...settings } } } : a)),
      })),
    );
  }

  #userTaskNode(userTask: UserTaskOutput): UserTaskNode {
    const entry = this.#nodes.find(([name]) => name === userTask.nodeName);
    if (!entry || entry[1].type !== 'USER_TASK') throw new Error(`${this.workflowName}: '${userTask.nodeName}' is not a USER_TASK node of this thread.`);
    return entry[1];
  }

  #addUserTaskAction(userTask: UserTaskOutput, action: UserTaskAction): void {
    if (userTask.thread !== this) throw new Error(`${this.workflowName}: '${userTask.nodeName}' is not a node of this thread.`);
    this.configureUserTask(userTask.nodeName, (node) => ({ ...node, actions: [...(node.actions ?? []), action] }));
  }

  /** @internal */
  configureUserTask(nodeName: string, change: (node: UserTaskNode) => UserTaskNode): void {
    const entry = this.#nodes.find(([name]) => name === nodeName);
    if (!entry || entry[1].type !== 'USER_TASK') throw new Error(`${this.workflowName}: '${nodeName}' is not a USER_TASK node of this thread.`);
    entry[1] = change(entry[1]);
  }

  /** Throws a WorkflowEvent that clients waiting with awaitWorkflowEvent receive. */
  throwEvent(workflowEventDefName: string, content?: Operand): void {
    this.#add(
      workflowEventDefName,
      { type: 'THROW_EVENT', workflowEventDefName, ...(content === undefined ? {} : { content: toAssignment(content) }) },
      `throwEvent('${workflowEventDefName}')`,
    );
  }

  /** Waits `seconds` (a number or an INT variable). */
  sleepSeconds(seconds: number | WfRunVariable<'INT'>): void {
    this.#add('sleep', { type: 'SLEEP', rawSeconds: toAssignment(seconds) }, 'sleepSeconds');
  }

  /**
   * Waits until a time: the epoch milliseconds an INT or TIMESTAMP variable holds, or an ISO-8601 date and time
   * with its offset (2026-12-24T18:00:00Z), written here or held by a STR variable. A time that moves while the node
   * waits moves the wake-up; one already passed wakes it at once.
   */
  sleepUntil(time: WfRunVariable<'INT'> | WfRunVariable<'TIMESTAMP'> | WfRunVariable<'STR'> | string): void {
    const isoDate = typeof time === 'string' || time.type === 'STR';
    this.#add('sleep', { type: 'SLEEP', ...(isoDate ? { isoDate: toAssignment(time) } : { timestamp: toAssignment(time) }) }, 'sleepUntil');
  }

  /** Runs `handler` as a thread when `node` fails with the ERROR `name` (or any ERROR), then goes on past the node. */
  handleError(node: NodeOutput<VariableType | undefined>, handler: (thread: WorkflowThread) => void, name?: string): void {
    this.#handle(node, handler, name === undefined ? { anyFailureOfType: 'FAILURE_TYPE_ERROR' } : { specificFailure: name }, name ?? 'FAILURE_TYPE_ERROR', 'handleError');
  }

  /** Runs `handler` as a thread when `node` fails with the business EXCEPTION `name` (or any EXCEPTION). */
  handleException(node: NodeOutput<VariableType | undefined>, handler: (thread: WorkflowThread) => void, name?: string): void {
    this.#handle(
      node,
      handler,
      name === undefined ? { anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' } : { specificFailure: name },
      name ?? 'FAILURE_TYPE_EXCEPTION',
      'handleException',
    );
  }

  /** Runs `handler` as a thread when `node` fails in any way. */
  handleAnyFailure(node: NodeOutput<VariableType | undefined>, handler: (thread: WorkflowThread) => void): void {
    this.#handle(node, handler, {}, 'any-failure', 'handleAnyFailure');
  }

  #handle(
    node: NodeOutput<VariableType | undefined>,
    handler: (thread: WorkflowThread) => void,
    match: Omit<FailureHandlerDef, 'handlerSpecName'>,
    suffix: string,
    method: string,
  ): void {
    const entry = this.#nodes.find(([name]) => name === node.nodeName);
    if (!entry || node.thread !== this) throw new Error(`${this.workflowName}: '${node.nodeName}' is not a node of this thread.`);
    // LittleHorse's SDK names handler threads exn-handler-{node}-{failure}.
    const handlerSpecName = this.compiler.addThread(`exn-handler-${node.nodeName}-${suffix}`, handler, captureCallSite(`${method}('${node.nodeName}')`));
    entry[1] = { ...entry[1], failureHandlers: [...(entry[1].failureHandlers ?? []), { handlerSpecName, ...match }] };
  }

  /** @internal A handler for each failed child of a WAIT_FOR_THREADS node. */
  handleChildFailure(
    node: WaitForThreadsOutput,
    handler: (thread: WorkflowThread) => void,
    match: Omit<FailureHandlerDef, 'handlerSpecName'>,
    suffix: string,
    method: string,
  ): void {
    const entry = this.#nodes.find(([name]) => name === node.nodeName);
    if (!entry || entry[1].type !== 'WAIT_FOR_THREADS' || node.thread !== this) throw new Error(`${this.workflowName}: '${node.nodeName}' is not a WAIT_FOR_THREADS node of this thread.`);
    const handlerSpecName = this.compiler.addThread(`child-handler-${node.nodeName}-${suffix}`, handler, captureCallSite(`${method}('${node.nodeName}')`));
    entry[1] = { ...entry[1], perThreadFailureHandlers: [...(entry[1].perThreadFailureHandlers ?? []), { handlerSpecName, ...match }] };
  }

  /** Ends the thread here (or this branch of it); `output` becomes its output (and the WfRun's, from the entrypoint thread). */
  complete(output?: Operand): void {
    // An EXIT reads its output from a variable or a literal; a node's output goes into a variable first.
    const returnContent = output === undefined ? {} : { returnContent: toAssignment(output) };
    this.#add('exit', { type: 'EXIT', ...returnContent }, 'complete');
    this.#tails = [];
  }

  /**
   * Starts a WfRun of another WfSpec as a child of this one (the newest version, or the newest revision of
   * `majorVersion`), with `inputs` for its entrypoint variables; goes on at once. Wait for it with waitForChildWf.
   */
  runWf(wfSpecName: string, inputs: Record<string, Operand> = {}, options: { majorVersion?: number } = {}): SpawnedChildWf {
    const nodeName = this.#add(
      wfSpecName,
      {
        type: 'RUN_CHILD_WF',
        wfSpecName,
        ...(options.majorVersion === undefined ? {} : { majorVersion: options.majorVersion }),
        inputs: this.#inputs(inputs),
      },
      `runWf('${wfSpecName}')`,
    );
    const id = this.#declare(`child-${nodeName}`, 'WF_RUN_ID');
    id.assign(new NodeOutput<'WF_RUN_ID'>(this, nodeName));
    return new SpawnedChildWf(id);
  }

  /** Waits for a child WfRun to end: its output is the child's; a failed child fails this node (CHILD_FAILURE for errors). */
  waitForChildWf(child: SpawnedChildWf): NodeOutput {
    const nodeName = this.#add('wait-for-child', { type: 'WAIT_FOR_CHILD_WF', childWfRunId: toAssignment(child.variable) }, 'waitForChildWf');
    return new NodeOutput(this, nodeName);
  }

  /** Ends the thread with a business EXCEPTION that failure handlers can catch by name. */
  fail(failureName: string, message: string, content?: Operand): void {
    const failureDef = { failureName, message, ...(content === undefined ? {} : { content: toAssignment(content) }) };
    this.#add('exit', { type: 'EXIT', failureDef }, `fail('${failureName}')`);
    this.#tails = [];
  }

  /**
   * Turns what a mutation was given into where the engine reads the value: a node's output right after that node is
   * the output of the node the edge leaves (NODE_OUTPUT); later, it is read by the node's name (NODE_OUTPUT_REFERENCE).
   */
  #source(value: NodeOutput<VariableType | undefined> | Operand): MutationSource {
    if (!(value instanceof NodeOutput)) return toAssignment(value);
    const [tail, ...others] = this.#tails;
    if (value.thread !== this || others.length > 0 || tail?.node !== value.nodeName) return toAssignment(value);
    return { type: 'NODE_OUTPUT', ...(value.path === undefined ? {} : { jsonPath: value.path }), ...(value.targetType === undefined ? {} : { targetType: value.targetType }) };
  }

  #inputs(inputs: Record<string, Operand>): Record<string, VariableAssignment> {
    return Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, toAssignment(value)]));
  }

  get path(): SpecPath {
    return ['threadSpecs', this.threadName];
  }

  /** @internal */
  toThreadSpec(): ThreadSpec {
    if (this.#tails.length > 0) this.complete();
    return {
      variableDefs: this.#variables.map((v) => v.toDef()),
      ...(this.#interrupts.length > 0 ? { interruptDefs: this.#interrupts } : {}),
      nodes: Object.fromEntries(
        this.#nodes.map(([name, node]) => {
          const edges = this.#edges.get(name);
          return [name, edges ? { ...node, outgoingEdges: edges } : node];
        }),
      ),
    };
  }

  #declare<T extends VariableType>(name: string, type: T): WfRunVariable<T> {
    // LittleHorse: variable names are unique across all the threads of a WfSpec, INPUT aside.
    if (name !== 'INPUT') this.compiler.claimVariableName(name);
    this.compiler.record([...this.path, 'variableDefs', this.#variables.length], captureCallSite(`declare '${name}'`));
    const variable = new WfRunVariable(this, name, type);
    this.#variables.push(variable as unknown as WfRunVariable);
    return variable;
  }

  #add(name: string, node: Node, call = name): string {
    if (this.#nodes.length > 0 && this.#tails.length === 0) {
      throw new Error(`${this.workflowName}: nothing can follow complete() or fail() on the same path (${describeCall(captureCallSite(call))}).`);
    }
    const nodeName = this.compiler.nodeName(this.#position++, name, node.type);
    this.#nodes.push([nodeName, node]);
    if (node.type !== 'ENTRYPOINT') this.compiler.record([...this.path, 'nodes', nodeName], captureCallSite(call));
    this.#connect(nodeName);
    this.#tails = [{ node: nodeName, mutations: [] }];
    return nodeName;
  }

  /** Draws an edge from every tail to `target`, carrying the tail's condition and mutations. */
  #connect(target: string): void {
    for (const tail of this.#tails) {
      const edges = this.#edges.get(tail.node) ?? [];
      const edgePath = [...this.path, 'nodes', tail.node, 'outgoingEdges', edges.length];
      if (tail.conditionSite) this.compiler.record([...edgePath, 'condition'], tail.conditionSite);
      tail.mutations.forEach((m, i) => this.compiler.record([...edgePath, 'variableMutations', i], m.site));
      edges.push({
        sinkNodeName: target,
        ...(tail.condition ? { condition: tail.condition } : {}),
        ...(tail.mutations.length > 0 ? { variableMutations: tail.mutations.map((m) => m.mutation) } : {}),
      });
      this.#edges.set(tail.node, edges);
    }
  }
}
