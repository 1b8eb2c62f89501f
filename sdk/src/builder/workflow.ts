import type {
  Comparator,
  Edge,
  EdgeCondition,
  ExponentialBackoff,
  FailureHandlerDef,
  JsonValue,
  MutationType,
  Node,
  TaskNode,
  ThreadSpec,
  UserTaskAction,
  UserTaskNode,
  ThreadVarDef,
  VariableAssignment,
  VariableMutation,
  VariableType,
  WfSpec,
} from '@gallop/engine';

/** The output of a node, to assign to a variable right after the node. */
export class NodeOutput {
  constructor(
    /** @internal */ readonly thread: WorkflowThread,
    readonly nodeName: string,
  ) {}
}

/** A child ThreadRun started by spawnThread; pass it to waitForThreads. */
export class SpawnedThread {
  constructor(
    /** Holds the child's thread run number. */
    readonly variable: WfRunVariable<'INT'>,
  ) {}
}

/** A child WfRun started by runWf; pass it to waitForChildWf. */
export class SpawnedChildWf {
  constructor(
    /** Holds the child's WfRun id. */
    readonly variable: WfRunVariable<'WF_RUN_ID'>,
  ) {}
}

/** The output of a TASK node, with the node's retry settings. */
export class TaskNodeOutput extends NodeOutput {
  /** Retries errors and timeouts up to `retries` more times (never business exceptions). */
  withRetries(retries: number): this {
    this.thread.configureTask(this.nodeName, { retries });
    return this;
  }

  /** Waits before each retry: `baseIntervalMs`, then `multiplier` times longer each time, at most `maxDelayMs`. */
  withExponentialBackoff(backoff: ExponentialBackoff): this {
    this.thread.configureTask(this.nodeName, { exponentialBackoff: backoff });
    return this;
  }

  /** Gives a worker `seconds` from claiming an attempt to reporting it; then the attempt times out (default 60). */
  timeout(seconds: number): this {
    this.thread.configureTask(this.nodeName, { timeoutSeconds: seconds });
    return this;
  }
}

/** The output of a USER_TASK node: a JSON_OBJ of the results, by field. */
export class UserTaskOutput extends NodeOutput {
  /** Shows `notes` (a STR or a STR variable) to whoever does the task. */
  withNotes(notes: string | WfRunVariable<'STR'>): this {
    this.thread.configureUserTask(this.nodeName, (node) => ({ ...node, notes: this.thread.source(notes, 'the notes of a user task') as VariableAssignment }));
    return this;
  }

  /** A cancelled task fails the node with this business EXCEPTION instead of the ERROR USER_TASK_CANCELLED. */
  withOnCancellationException(exceptionName: string): this {
    this.thread.configureUserTask(this.nodeName, (node) => ({ ...node, onCancellationExceptionName: exceptionName }));
    return this;
  }
}

/** A variable declared by a thread; `assign` records a mutation on the thread's next edge. */
export class WfRunVariable<T extends VariableType = VariableType> {
  readonly #def: { name: string; type: T; required?: boolean; defaultValue?: JsonValue; searchable?: boolean; masked?: boolean };

  constructor(
    private readonly thread: WorkflowThread,
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

  withDefault(value: JsonValue): this {
    this.#def.defaultValue = value;
    return this;
  }

  /**
   * Sets the variable when the thread being built leaves its current node: to a node's output, another variable or
   * a literal. Works from any thread that can see the variable (a child or handler thread of its own).
   */
  assign(value: NodeOutput | WfRunVariable | JsonValue): void {
    this.thread.compiler.building().mutate(this, 'ASSIGN', value);
  }

  /** @internal */
  toDef(): ThreadVarDef {
    return { ...this.#def };
  }
}

/** Where the next node attaches: an earlier node, with the condition and mutations of the edge still to draw. */
interface Tail {
  readonly node: string;
  readonly condition?: EdgeCondition | undefined;
  mutations: VariableMutation[];
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
  #tails: Tail[] = [];

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

  /**
   * Runs a TaskDef with the given inputs, in the order of its inputVars; returns its output. Given a STR variable
   * instead of a name, it runs the TaskDef the variable names when the node runs (a dynamic task).
   */
  execute(taskDef: string | WfRunVariable<'STR'>, ...inputs: (WfRunVariable | JsonValue)[]): TaskNodeOutput {
    const label = typeof taskDef === 'string' ? taskDef : taskDef.name;
    const name = this.#add(label, {
      type: 'TASK',
      ...(typeof taskDef === 'string' ? { taskDefName: taskDef } : { dynamicTaskDefName: { type: 'VARIABLE', variableName: taskDef.name } }),
      inputs: inputs.map((input, i) => this.source(input, `input ${i} of '${label}'`) as VariableAssignment),
    });
    return new TaskNodeOutput(this, name);
  }

  /** @internal */
  configureTask(nodeName: string, settings: Pick<TaskNode, 'retries' | 'exponentialBackoff' | 'timeoutSeconds'>): void {
    const entry = this.#nodes.find(([name]) => name === nodeName);
    if (!entry || entry[1].type !== 'TASK') throw new Error(`${this.workflowName}: '${nodeName}' is not a TASK node of this thread.`);
    entry[1] = { ...entry[1], ...settings };
  }

  /** Changes a variable when the thread leaves its current node (LittleHorse's mutate). */
  mutate(variable: WfRunVariable, operation: MutationType, value: NodeOutput | WfRunVariable | JsonValue): void {
    const mutation: VariableMutation = { lhsName: variable.name, operation, rhs: this.source(value, `${operation} on '${variable.name}'`) };
    for (const tail of this.#tails) tail.mutations.push(mutation);
  }

  /** `left comparator right`, for doIf and doWhile. */
  condition(left: WfRunVariable | JsonValue, comparator: Comparator, right: WfRunVariable | JsonValue): EdgeCondition {
    return {
      comparator,
      left: this.source(left, 'a condition') as VariableAssignment,
      right: this.source(right, 'a condition') as VariableAssignment,
    };
  }

  /** Runs `body` only when `condition` holds. */
  doIf(condition: EdgeCondition, body: (thread: this) => void): void {
    this.doIfElse(condition, body, () => {});
  }

  /** Runs `ifBody` when `condition` holds and `elseBody` when it does not; both join after. */
  doIfElse(condition: EdgeCondition, ifBody: (thread: this) => void, elseBody: (thread: this) => void): void {
    const split = this.#add('nop', { type: 'NOP' });
    this.#tails = [{ node: split, condition, mutations: [] }];
    ifBody(this);
    const ifTails = this.#tails;
    this.#tails = [{ node: split, mutations: [] }];
    elseBody(this);
    this.#tails = [...ifTails, ...this.#tails];
    // When both branches end the thread there is nothing to join.
    if (this.#tails.length > 0) this.#add('nop', { type: 'NOP' });
  }

  /** Runs `body` again and again while `condition` holds, checking before each round. */
  doWhile(condition: EdgeCondition, body: (thread: this) => void): void {
    const head = this.#add('nop', { type: 'NOP' });
    this.#tails = [{ node: head, condition, mutations: [] }];
    body(this);
    if (this.#tails.some((tail) => tail.node === head)) throw new Error(`${this.workflowName}: the body of doWhile adds no node.`);
    this.#connect(head);
    this.#tails = [{ node: head, mutations: [] }];
  }

  /**
   * Starts `body` as a child thread that runs beside this one and reads and writes this thread's variables.
   * `inputs` give the child's own variables their first values.
   */
  spawnThread(name: string, body: (thread: WorkflowThread) => void, inputs: Record<string, WfRunVariable | JsonValue> = {}): SpawnedThread {
    const threadSpecName = this.compiler.addThread(name, body);
    const nodeName = this.#add(name, {
      type: 'START_THREAD',
      threadSpecName,
      variables: Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, this.source(value, `input '${key}' of thread '${name}'`) as VariableAssignment])),
    });
    // LittleHorse's SDK keeps the child's number in a variable named after the node.
    const number = this.#declare(`thread-${nodeName}`, 'INT');
    number.assign(new NodeOutput(this, nodeName));
    return new SpawnedThread(number);
  }

  /** Waits until every given thread has completed; a failed one fails this node (CHILD_FAILURE for errors). */
  waitForThreads(...threads: SpawnedThread[]): NodeOutput {
    return this.#waitFor('WAIT_FOR_ALL', threads);
  }

  /** Waits for the first of the given threads (in order) to end, and succeeds or fails with it. */
  waitForFirstOf(...threads: SpawnedThread[]): NodeOutput {
    return this.#waitFor('WAIT_FOR_FIRST', threads);
  }

  /** Waits until any of the given threads completes; fails only when every one failed. */
  waitForAnyOf(...threads: SpawnedThread[]): NodeOutput {
    return this.#waitFor('WAIT_FOR_ANY', threads);
  }

  #waitFor(strategy: 'WAIT_FOR_ALL' | 'WAIT_FOR_FIRST' | 'WAIT_FOR_ANY', threads: SpawnedThread[]): NodeOutput {
    if (threads.length === 0) throw new Error(`${this.workflowName}: waiting needs at least one thread.`);
    const name = this.#add('threads', {
      type: 'WAIT_FOR_THREADS',
      ...(strategy === 'WAIT_FOR_ALL' ? {} : { strategy }),
      threads: threads.map((t) => ({ type: 'VARIABLE', variableName: t.variable.name })),
    });
    return new NodeOutput(this, name);
  }

  /** Waits for an ExternalEvent of `externalEventDefName`; its content is the node's output. */
  waitForEvent(externalEventDefName: string, options: { timeoutSeconds?: number | WfRunVariable<'INT'> } = {}): NodeOutput {
    const name = this.#add(externalEventDefName, {
      type: 'EXTERNAL_EVENT',
      externalEventDefName,
      ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: this.source(options.timeoutSeconds, 'the event timeout') as VariableAssignment }),
    });
    return new NodeOutput(this, name);
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
    const name = this.#add(userTaskDefName, {
      type: 'USER_TASK',
      userTaskDefName,
      ...(assignee.version === undefined ? {} : { userTaskDefVersion: assignee.version }),
      ...(assignee.userId === undefined ? {} : { userId: this.source(assignee.userId, 'the user of a user task') as VariableAssignment }),
      ...(assignee.userGroup === undefined ? {} : { userGroup: this.source(assignee.userGroup, 'the group of a user task') as VariableAssignment }),
    });
    return new UserTaskOutput(this, name);
  }

  /** Cancels the task `seconds` after it is created if nobody has completed it: a deadline that fails the node. */
  cancelUserTaskRunAfter(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>): void {
    this.#addUserTaskAction(userTask, { hook: 'ON_ARRIVAL', delaySeconds: this.source(seconds, 'a user task deadline') as VariableAssignment, action: { type: 'CANCEL' } });
  }

  /** Gives the task back to its group `seconds` after a user got it, if that user still holds it (LittleHorse's releaseToGroupOnDeadline). */
  releaseToGroupOnDeadline(userTask: UserTaskOutput, seconds: number | WfRunVariable<'INT'>, userGroup: string | WfRunVariable<'STR'>): void {
    this.#addUserTaskAction(userTask, {
      hook: 'ON_TASK_ASSIGNED',
      delaySeconds: this.source(seconds, 'a user task deadline') as VariableAssignment,
      action: { type: 'REASSIGN', userGroup: this.source(userGroup, 'the group of a user task') as VariableAssignment },
    });
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
  throwEvent(workflowEventDefName: string, content?: WfRunVariable | JsonValue): void {
    this.#add(workflowEventDefName, {
      type: 'THROW_EVENT',
      workflowEventDefName,
      ...(content === undefined ? {} : { content: this.source(content, 'the content of throwEvent') as VariableAssignment }),
    });
  }

  /** Waits `seconds` (a number or an INT variable). */
  sleepSeconds(seconds: number | WfRunVariable<'INT'>): void {
    this.#add('sleep', { type: 'SLEEP', rawSeconds: this.source(seconds, 'sleepSeconds') as VariableAssignment });
  }

  /** Waits until an epoch-milliseconds time held by an INT variable. */
  sleepUntil(timestamp: WfRunVariable<'INT'>): void {
    this.#add('sleep', { type: 'SLEEP', timestamp: this.source(timestamp, 'sleepUntil') as VariableAssignment });
  }

  /** Runs `handler` as a thread when `node` fails with the ERROR `name` (or any ERROR), then goes on past the node. */
  handleError(node: NodeOutput, handler: (thread: WorkflowThread) => void, name?: string): void {
    this.#handle(node, handler, name === undefined ? { anyFailureOfType: 'FAILURE_TYPE_ERROR' } : { specificFailure: name }, name ?? 'FAILURE_TYPE_ERROR');
  }

  /** Runs `handler` as a thread when `node` fails with the business EXCEPTION `name` (or any EXCEPTION). */
  handleException(node: NodeOutput, handler: (thread: WorkflowThread) => void, name?: string): void {
    this.#handle(node, handler, name === undefined ? { anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' } : { specificFailure: name }, name ?? 'FAILURE_TYPE_EXCEPTION');
  }

  /** Runs `handler` as a thread when `node` fails in any way. */
  handleAnyFailure(node: NodeOutput, handler: (thread: WorkflowThread) => void): void {
    this.#handle(node, handler, {}, 'any-failure');
  }

  #handle(node: NodeOutput, handler: (thread: WorkflowThread) => void, match: Omit<FailureHandlerDef, 'handlerSpecName'>, suffix: string): void {
    const entry = this.#nodes.find(([name]) => name === node.nodeName);
    if (!entry || node.thread !== this) throw new Error(`${this.workflowName}: '${node.nodeName}' is not a node of this thread.`);
    // LittleHorse's SDK names handler threads exn-handler-{node}-{failure}.
    const handlerSpecName = this.compiler.addThread(`exn-handler-${node.nodeName}-${suffix}`, handler);
    entry[1] = { ...entry[1], failureHandlers: [...(entry[1].failureHandlers ?? []), { handlerSpecName, ...match }] };
  }

  /** Ends the thread here (or this branch of it). Compiling adds this at the end when it is missing. */
  /** Ends the thread; `output` becomes its output (and the WfRun's, from the entrypoint thread). */
  complete(output?: NodeOutput | WfRunVariable | JsonValue): void {
    const returnContent = output === undefined ? {} : { returnContent: this.source(output, 'the output of the thread') as VariableAssignment };
    this.#add('exit', { type: 'EXIT', ...returnContent });
    this.#tails = [];
  }

  /**
   * Starts a WfRun of another WfSpec as a child of this one (the newest version, or the newest revision of
   * `majorVersion`), with `inputs` for its entrypoint variables; goes on at once. Wait for it with waitForChildWf.
   */
  runWf(wfSpecName: string, inputs: Record<string, WfRunVariable | JsonValue> = {}, options: { majorVersion?: number } = {}): SpawnedChildWf {
    const nodeName = this.#add(wfSpecName, {
      type: 'RUN_CHILD_WF',
      wfSpecName,
      ...(options.majorVersion === undefined ? {} : { majorVersion: options.majorVersion }),
      inputs: Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, this.source(value, `input '${key}' of WfSpec '${wfSpecName}'`) as VariableAssignment])),
    });
    const id = this.#declare(`child-${nodeName}`, 'WF_RUN_ID');
    id.assign(new NodeOutput(this, nodeName));
    return new SpawnedChildWf(id);
  }

  /** Waits for a child WfRun to end: its output is the child's; a failed child fails this node (CHILD_FAILURE for errors). */
  waitForChildWf(child: SpawnedChildWf): NodeOutput {
    const nodeName = this.#add('wait-for-child', { type: 'WAIT_FOR_CHILD_WF', childWfRunId: { type: 'VARIABLE', variableName: child.variable.name } });
    return new NodeOutput(this, nodeName);
  }

  /** Ends the thread with a business EXCEPTION that failure handlers can catch by name. */
  fail(failureName: string, message: string, content?: WfRunVariable | JsonValue): void {
    const failureDef = {
      failureName,
      message,
      ...(content === undefined ? {} : { content: this.source(content, `the content of '${failureName}'`) as VariableAssignment }),
    };
    this.#add('exit', { type: 'EXIT', failureDef });
    this.#tails = [];
  }

  /** @internal Turns what a builder call was given into where the engine reads the value. */
  source(value: NodeOutput | WfRunVariable | JsonValue, where: string): VariableMutation['rhs'] {
    if (value instanceof WfRunVariable) return { type: 'VARIABLE', variableName: value.name };
    if (value instanceof NodeOutput) {
      const [tail, ...others] = this.#tails;
      if (value.thread !== this || others.length > 0 || tail?.node !== value.nodeName) {
        throw new Error(
          `${this.workflowName}: ${where} uses the output of '${value.nodeName}', but a node's output can only be used right after that node.`,
        );
      }
      return { type: 'NODE_OUTPUT' };
    }
    return { type: 'LITERAL', value };
  }

  /** @internal */
  toThreadSpec(): ThreadSpec {
    if (this.#tails.length > 0) this.complete();
    return {
      variableDefs: this.#variables.map((v) => v.toDef()),
      nodes: Object.fromEntries(
        this.#nodes.map(([name, node]) => {
          const edges = this.#edges.get(name);
          return [name, edges ? { ...node, outgoingEdges: edges } : node];
        }),
      ),
    };
  }

  #declare<T extends VariableType>(name: string, type: T): WfRunVariable<T> {
    // LittleHorse: variable names are unique across all the threads of a WfSpec.
    this.compiler.claimVariableName(name);
    const variable = new WfRunVariable(this, name, type);
    this.#variables.push(variable as WfRunVariable);
    return variable;
  }

  #add(name: string, node: Node): string {
    if (this.#nodes.length > 0 && this.#tails.length === 0) {
      throw new Error(`${this.workflowName}: nothing can follow complete() or fail() on the same path.`);
    }
    const nodeName = `${this.#nodes.length}-${name}-${node.type}`;
    this.#nodes.push([nodeName, node]);
    this.#connect(nodeName);
    this.#tails = [{ node: nodeName, mutations: [] }];
    return nodeName;
  }

  /** Draws an edge from every tail to `target`, carrying the tail's condition and mutations. */
  #connect(target: string): void {
    for (const tail of this.#tails) {
      const edge: Edge = {
        sinkNodeName: target,
        ...(tail.condition ? { condition: tail.condition } : {}),
        ...(tail.mutations.length > 0 ? { variableMutations: tail.mutations } : {}),
      };
      this.#edges.set(tail.node, [...(this.#edges.get(tail.node) ?? []), edge]);
    }
  }
}

/** @internal Collects the threads and variable names of one compilation. */
export class WorkflowCompiler {
  readonly threadSpecs: Record<string, ThreadSpec> = {};
  readonly #variableNames = new Set<string>();
  readonly #building: WorkflowThread[] = [];

  constructor(readonly name: string) {}

  claimVariableName(name: string): void {
    if (this.#variableNames.has(name)) throw new Error(`${this.name}: variable '${name}' is declared twice; names are unique in a WfSpec.`);
    this.#variableNames.add(name);
  }

  /** Builds a thread and returns its ThreadSpec name (made unique if it is taken). */
  addThread(name: string, body: (thread: WorkflowThread) => void): string {
    let threadName = name;
    for (let i = 2; threadName in this.threadSpecs; i++) threadName = `${name}-${i}`;
    this.threadSpecs[threadName] = { nodes: {} };
    const thread = new WorkflowThread(this, threadName);
    this.#building.push(thread);
    try {
      body(thread);
    } finally {
      this.#building.pop();
    }
    this.threadSpecs[threadName] = thread.toThreadSpec();
    return threadName;
  }

  /** The thread whose body is running now: where a variable's assign() lands. */
  building(): WorkflowThread {
    const thread = this.#building[this.#building.length - 1];
    if (!thread) throw new Error(`${this.name}: variables can be assigned only while the workflow is being built.`);
    return thread;
  }
}

/** A WfSpec written as code: `new Workflow('greet', (wf) => { ... }).compile()` gives the JSON the server registers. */
export class Workflow {
  constructor(
    readonly name: string,
    private readonly entrypoint: (thread: WorkflowThread) => void,
  ) {}

  compile(): WfSpec {
    const compiler = new WorkflowCompiler(this.name);
    compiler.addThread('entrypoint', this.entrypoint);
    return { name: this.name, entrypointThreadName: 'entrypoint', threadSpecs: compiler.threadSpecs };
  }
}
