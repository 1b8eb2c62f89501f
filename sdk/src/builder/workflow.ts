import type {
  Comparator,
  Edge,
  EdgeCondition,
  ExponentialBackoff,
  JsonValue,
  MutationType,
  Node,
  TaskNode,
  ThreadSpec,
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
}

/** A variable declared by a thread; `assign` records a mutation on the thread's next edge. */
export class WfRunVariable<T extends VariableType = VariableType> {
  readonly #def: { name: string; type: T; required?: boolean; defaultValue?: JsonValue; searchable?: boolean };

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

  withDefault(value: JsonValue): this {
    this.#def.defaultValue = value;
    return this;
  }

  /** Sets the variable when the thread leaves its current node: to a node's output, another variable or a literal. */
  assign(value: NodeOutput | WfRunVariable | JsonValue): void {
    this.thread.mutate(this, 'ASSIGN', value);
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

  constructor(readonly workflowName: string) {
    this.#add('entrypoint', { type: 'ENTRYPOINT' });
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

  /** Runs a TaskDef with the given inputs, in the order of its inputVars; returns its output. */
  execute(taskDefName: string, ...inputs: (WfRunVariable | JsonValue)[]): TaskNodeOutput {
    const name = this.#add(taskDefName, {
      type: 'TASK',
      taskDefName,
      inputs: inputs.map((input, i) => this.source(input, `input ${i} of '${taskDefName}'`) as VariableAssignment),
    });
    return new TaskNodeOutput(this, name);
  }

  /** @internal */
  configureTask(nodeName: string, settings: Pick<TaskNode, 'retries' | 'exponentialBackoff'>): void {
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

  /** Ends the thread here (or this branch of it). Compiling adds this at the end when it is missing. */
  complete(): void {
    this.#add('exit', { type: 'EXIT' });
    this.#tails = [];
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
    if (this.#variables.some((v) => v.name === name)) throw new Error(`${this.workflowName}: variable '${name}' is declared twice.`);
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

/** A WfSpec written as code: `new Workflow('greet', (wf) => { ... }).compile()` gives the JSON the server registers. */
export class Workflow {
  constructor(
    readonly name: string,
    private readonly entrypoint: (thread: WorkflowThread) => void,
  ) {}

  compile(): WfSpec {
    const thread = new WorkflowThread(this.name);
    this.entrypoint(thread);
    return { name: this.name, entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: thread.toThreadSpec() } };
  }
}
