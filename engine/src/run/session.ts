import { own } from '../spec/own.ts';
import type { DecideContext } from '../context.ts';
import { InvariantError } from '../errors.ts';
import type { Node, ThreadSpec } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import type { WfRunEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { prepareWfSpec } from './prepared.ts';
import type { PreparedWfSpec } from './prepared.ts';
import type { ThreadRunState, WfRunState } from './state.ts';

type Distribute<E> = E extends WfRunEvent ? Omit<E, 'time'> : never;
/** An event as a handler writes it; the session stamps the time. */
export type NewEvent = Distribute<WfRunEvent>;

/**
 * One decision in progress. Every event goes through `emit`, which folds it at once, so a handler always sees
 * exactly the state that replaying the events would rebuild.
 */
export class Session {
  readonly events: WfRunEvent[] = [];
  #state: WfRunState | undefined;
  #prepared: PreparedWfSpec | undefined;

  constructor(
    state: WfRunState | undefined,
    readonly ctx: DecideContext,
  ) {
    this.#state = state;
  }

  /** What this decision asks of its WfSpec version again and again: the context's, or worked out once here. */
  get prepared(): PreparedWfSpec {
    const given = this.ctx.prepared;
    this.#prepared ??= given?.wfSpec === this.ctx.wfSpec ? given : prepareWfSpec(this.ctx.wfSpec);
    return this.#prepared;
  }

  get state(): WfRunState {
    if (!this.#state) throw new InvariantError('The WfRun has not started');
    return this.#state;
  }

  emit(event: NewEvent): void {
    const stamped = { ...(event.type === 'NodeRunCompleted' ? this.#marked(event) : event), time: this.ctx.now } as WfRunEvent;
    this.events.push(stamped);
    this.#state = evolve(this.#state, stamped);
  }

  /** A NodeRunCompleted with an output its thread reads by name, marked so that evolve keeps the output. */
  #marked(event: Extract<NewEvent, { type: 'NodeRunCompleted' }>): NewEvent {
    if (event.output === undefined) return event;
    const thread = this.state.threadRuns[event.threadRunNumber];
    const nodeName = thread?.currentNodeRun?.nodeName;
    const referenced = thread && this.prepared.referencedOutputs.get(thread.threadSpecName);
    return nodeName !== undefined && referenced?.has(nodeName) ? { ...event, referenced: true } : event;
  }

  /**
   * Runs `decide`, which emits as usual; when it returns a failure, its events are taken back and the state is as
   * it was before it ran.
   */
  allOrNothing<F>(decide: () => F | undefined): F | undefined {
    const emitted = this.events.length;
    const before = this.#state;
    const failure = decide();
    if (failure !== undefined) {
      this.events.length = emitted;
      this.#state = before;
    }
    return failure;
  }

  /** `parent`'s child ThreadRuns (of every kind) as they stand now, by number: what filtering `threadRuns` by parent gives. */
  children(parent: number): ThreadRunState[] {
    const { threadRuns, busyThreadRuns } = this.state;
    // Without busyThreadRuns (a state written before it), childThreadRunNumbers is not kept either.
    if (!busyThreadRuns) return threadRuns.filter((t) => t.parentThreadRunNumber === parent);
    return (threadRuns[parent]?.childThreadRunNumbers ?? []).map((number) => threadRuns[number] as ThreadRunState);
  }

  thread(number: number): ThreadRunState {
    const thread = this.state.threadRuns[number];
    if (!thread) throw new InvariantError(`ThreadRun ${number} does not exist`);
    return thread;
  }

  threadSpec(thread: ThreadRunState): ThreadSpec {
    const spec = own(this.ctx.wfSpec.threadSpecs, thread.threadSpecName);
    if (!spec) throw new InvariantError(`WfSpec ${this.ctx.wfSpec.name} has no ThreadSpec ${thread.threadSpecName}`);
    return spec;
  }

  node(thread: ThreadRunState, nodeName: string): Node {
    const node = own(this.threadSpec(thread).nodes, nodeName);
    if (!node) throw new InvariantError(`ThreadSpec ${thread.threadSpecName} has no node ${nodeName}`);
    return node;
  }

  /** The thread that holds variable `name` as seen from `thread`: itself, then its ancestors (LittleHorse scoping). */
  variableOwner(thread: ThreadRunState, name: string): ThreadRunState | undefined {
    for (let t: ThreadRunState | undefined = thread; t; ) {
      if (Object.hasOwn(t.variables, name)) return t;
      t = t.parentThreadRunNumber === undefined ? undefined : this.state.threadRuns[t.parentThreadRunNumber];
    }
    return undefined;
  }

  readVariable(thread: ThreadRunState, name: string): { found: true; value: JsonValue } | { found: false } {
    const owner = this.variableOwner(thread, name);
    if (!owner) return { found: false };
    return { found: true, value: owner.variables[name] ?? null };
  }
}
