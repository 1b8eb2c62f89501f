import type { Edge, JsonValue, Node, ThreadSpec, ThreadVarDef, VariableAssignment, VariableMutation, VariableType, WfSpec } from '@gallop/engine';

/** The output of a node, to assign to a variable right after the node. */
export class NodeOutput {
  constructor(
    /** @internal */ readonly thread: WorkflowThread,
    readonly nodeName: string,
  ) {}
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
    this.thread.addMutation({ lhsName: this.name, operation: 'ASSIGN', rhs: this.thread.source(value, `assign to '${this.name}'`) });
  }

  /** @internal */
  toDef(): ThreadVarDef {
    return { ...this.#def };
  }
}

/**
 * Builds one thread of a WfSpec in program order, the way LittleHorse's WorkflowThread does: each call adds a
 * node after the previous one, named `{n}-{name}-{TYPE}`, and mutations ride on the next outgoing edge.
 */
export class WorkflowThread {
  readonly #nodes: [string, Node][] = [];
  readonly #edges = new Map<string, Edge[]>();
  readonly #variables: WfRunVariable[] = [];
  #pending: VariableMutation[] = [];
  #done = false;

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
  execute(taskDefName: string, ...inputs: (WfRunVariable | JsonValue)[]): NodeOutput {
    const name = this.#add(taskDefName, {
      type: 'TASK',
      taskDefName,
      inputs: inputs.map((input, i) => this.source(input, `input ${i} of '${taskDefName}'`) as VariableAssignment),
    });
    return new NodeOutput(this, name);
  }

  /** Ends the thread here. Compiling adds this at the end when it is missing. */
  complete(): void {
    this.#add('exit', { type: 'EXIT' });
    this.#done = true;
  }

  /** @internal */
  addMutation(mutation: VariableMutation): void {
    this.#pending.push(mutation);
  }

  /** @internal Turns what a builder call was given into where the engine reads the value. */
  source(value: NodeOutput | WfRunVariable | JsonValue, where: string): VariableMutation['rhs'] {
    if (value instanceof WfRunVariable) return { type: 'VARIABLE', variableName: value.name };
    if (value instanceof NodeOutput) {
      const last = this.#nodes[this.#nodes.length - 1]?.[0];
      if (value.thread !== this || value.nodeName !== last) {
        throw new Error(
          `${this.workflowName}: ${where} uses the output of '${value.nodeName}', but only the output of the node just added ('${last}') can be assigned; assign it right after that node.`,
        );
      }
      return { type: 'NODE_OUTPUT' };
    }
    return { type: 'LITERAL', value };
  }

  /** @internal */
  toThreadSpec(): ThreadSpec {
    if (!this.#done) this.complete();
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
    if (this.#done) throw new Error(`${this.workflowName}: nothing can follow complete().`);
    const nodeName = `${this.#nodes.length}-${name}-${node.type}`;
    const previous = this.#nodes[this.#nodes.length - 1]?.[0];
    if (previous !== undefined) {
      const edge: Edge = this.#pending.length > 0 ? { sinkNodeName: nodeName, variableMutations: this.#pending } : { sinkNodeName: nodeName };
      this.#edges.set(previous, [...(this.#edges.get(previous) ?? []), edge]);
      this.#pending = [];
    }
    this.#nodes.push([nodeName, node]);
    return nodeName;
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
