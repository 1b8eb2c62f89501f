import { formatPath, validateWfSpec } from '@gallop/engine';
import type { Catalog, Node, Problem, SpecPath, ThreadSpec, WfSpec } from '@gallop/engine';
import type { GallopClient } from '../client/client.ts';
import { isGallopClientError } from '../client/errors.ts';
import type { WfSpecInfo } from '../client/types.ts';
import { describeCall } from './call-site.ts';
import type { CallSite } from './call-site.ts';
import { catalogFor } from './catalog.ts';
import { WorkflowThread } from './thread.ts';

/** A problem the engine found in a built WfSpec, with the builder call that made the part it is about. */
export interface BuilderProblem extends Problem {
  /** The builder call, e.g. `execute('charge') at src/pay.ts:12:7`, when the problem's path leads to one. */
  readonly madeBy?: string | undefined;
}

const buildErrorBrand = Symbol.for('gallop.WfSpecBuildError');

/** Thrown by `Workflow.compile({ catalog })` and `register` when the engine or the server refuses the WfSpec. */
export class WfSpecBuildError extends Error {
  override readonly name = 'WfSpecBuildError';
  readonly [buildErrorBrand] = true;
  constructor(
    readonly wfSpecName: string,
    readonly problems: readonly BuilderProblem[],
  ) {
    super(`WfSpec '${wfSpecName}' has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
}

/** Whether `value` is a WfSpecBuildError, from this copy of the SDK or another. */
export function isWfSpecBuildError(value: unknown): value is WfSpecBuildError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[buildErrorBrand] === true;
}

export function formatProblem(problem: BuilderProblem): string {
  const where = formatPath(problem.path);
  return `${where ? `${where}: ` : ''}${problem.message}${problem.madeBy ? ` (${problem.madeBy})` : ''}`;
}

/** @internal Collects the threads, variable names and call sites of one compilation. */
export class WorkflowCompiler {
  readonly threadSpecs: Record<string, ThreadSpec> = {};
  readonly #variableNames = new Set<string>();
  readonly #building: WorkflowThread[] = [];
  readonly #sites = new Map<string, CallSite>();

  constructor(readonly name: string) {}

  claimVariableName(name: string): void {
    if (this.#variableNames.has(name)) throw new Error(`${this.name}: variable '${name}' is declared twice; names are unique in a WfSpec.`);
    this.#variableNames.add(name);
  }

  /** LittleHorse's `{n}-{name}-{TYPE}`. */
  nodeName(position: number, name: string, type: Node['type']): string {
    return `${position}-${name}-${type}`;
  }

  record(path: SpecPath, site: CallSite): void {
    this.#sites.set(JSON.stringify(path), site);
  }

  /** The call that made the deepest recorded part of `path`. */
  siteOf(path: SpecPath): CallSite | undefined {
    for (let n = path.length; n > 0; n--) {
      const site = this.#sites.get(JSON.stringify(path.slice(0, n)));
      if (site) return site;
    }
    return undefined;
  }

  /** Builds a thread and returns its ThreadSpec name (made unique if it is taken). */
  addThread(name: string, body: (thread: WorkflowThread) => void, site?: CallSite): string {
    let threadName = name;
    for (let i = 2; threadName in this.threadSpecs; i++) threadName = `${name}-${i}`;
    this.threadSpecs[threadName] = { nodes: {} };
    if (site) this.record(['threadSpecs', threadName], site);
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

/**
 * A WfSpec written as code: `new Workflow('greet', (wf) => { ... }).compile()` gives the JSON the server registers,
 * exactly what the engine validates and the UI edits.
 */
export class Workflow {
  constructor(
    readonly name: string,
    private readonly entrypoint: (thread: WorkflowThread) => void,
  ) {}

  /**
   * Builds the WfSpec. Given a catalog (the TaskDefs and other defs it uses), the engine's validateWfSpec checks it
   * and a refusal throws WfSpecBuildError, each problem naming the builder call that made its part.
   */
  compile(options: { catalog?: Catalog } = {}): WfSpec {
    const { spec, explain } = this.#build();
    const problems = options.catalog ? explain(validateWfSpec(spec, options.catalog)) : [];
    if (problems.length > 0) throw new WfSpecBuildError(this.name, problems);
    return spec;
  }

  /** Builds the WfSpec and returns the engine's problems with it against `catalog`, each with its builder call. */
  validate(catalog: Catalog): BuilderProblem[] {
    const { spec, explain } = this.#build();
    return explain(validateWfSpec(spec, catalog));
  }

  /**
   * Registers the WfSpec: reads the defs it uses from the server, has the engine validate it against them, and
   * puts it only when nothing is wrong. A refusal, here or by the server, throws WfSpecBuildError whose problems
   * name the builder calls behind them.
   */
  async register(client: Pick<GallopClient, 'request' | 'putWfSpec'>): Promise<WfSpecInfo> {
    const { spec, explain } = this.#build();
    const problems = explain(validateWfSpec(spec, await catalogFor(client, spec)));
    if (problems.length > 0) throw new WfSpecBuildError(this.name, problems);
    try {
      return await client.putWfSpec(spec);
    } catch (error) {
      if (!isGallopClientError(error) || error.problems.length === 0) throw error;
      throw new WfSpecBuildError(this.name, explain(error.problems.map((p) => ({ path: p.path, code: p.code as Problem['code'], message: p.message }))));
    }
  }

  #build(): { spec: WfSpec; explain: (problems: readonly Problem[]) => BuilderProblem[] } {
    const compiler = new WorkflowCompiler(this.name);
    compiler.addThread('entrypoint', this.entrypoint);
    const spec: WfSpec = { name: this.name, entrypointThreadName: 'entrypoint', threadSpecs: compiler.threadSpecs };
    const explain = (problems: readonly Problem[]) =>
      problems.map((problem) => {
        const site = compiler.siteOf(problem.path);
        return site ? { ...problem, madeBy: describeCall(site) } : problem;
      });
    return { spec, explain };
  }
}
