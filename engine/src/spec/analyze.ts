import { isErrorName } from '../run/failure.ts';
import { compare, COMPARATORS } from '../values/compare.ts';
import type { Comparator } from '../values/compare.ts';
import { isJsonObject } from '../values/value.ts';
import { conditionText } from './explain.ts';
import type { SpecPath } from './problem.ts';
import { own } from './own.ts';
import { nodeOutputsRead, variablesRead } from './reads.ts';
import { NODE_TYPES } from './types.ts';
import type { Catalog, Node, StartMultipleThreadsNode, StartThreadNode, ThreadVarDef, WaitForThreadsNode, WfSpec } from './types.ts';

/** What analyzeWfSpec reports: a spec that validates, but that cannot behave as its author meant on some path. */
export type FindingCode =
  /** A loop no edge leaves: once the thread is in it, it goes round until it fails or is stopped or halted. */
  | 'LOOP_WITHOUT_EXIT'
  /** A loop whose way out depends only on variables nothing in the loop changes: if it does not leave at once, it never does. */
  | 'LOOP_CONDITION_NEVER_CHANGES'
  /** A WAIT_FOR_CONDITION on variables no edge of the WfSpec changes: if it does not hold on arrival, it never will. */
  | 'WAIT_FOR_CONDITION_NEVER_CHANGES'
  /** A WAIT_FOR_THREADS on a thread-number variable that some path from the ENTRYPOINT leaves unassigned (NULL). */
  | 'WAIT_FOR_UNSTARTED_THREAD'
  /** A WAIT_FOR_THREADS (waiting for all) on a child thread that can run forever: the wait can last forever too. */
  | 'WAIT_FOR_ENDLESS_THREAD'
  /** An EXIT's business EXCEPTION that no failure handler catches on its way up: some thread that should not fails with it. */
  | 'UNHANDLED_FAILURE';

export const FINDING_CODES = [
  'LOOP_WITHOUT_EXIT',
  'LOOP_CONDITION_NEVER_CHANGES',
  'WAIT_FOR_CONDITION_NEVER_CHANGES',
  'WAIT_FOR_UNSTARTED_THREAD',
  'WAIT_FOR_ENDLESS_THREAD',
  'UNHANDLED_FAILURE',
] as const satisfies readonly FindingCode[];

/** Something a schema check cannot see, at the node (or edge, or thread) concerned, in a sentence. */
export interface Finding {
  /** Where the editor marks it, as a Problem's path. */
  readonly path: SpecPath;
  readonly code: FindingCode;
  readonly message: string;
  /** Findings never stop a spec from being registered: the behaviour may be meant. */
  readonly severity: 'warning';
}

/**
 * Explores the paths of a WfSpec draft and returns what would go wrong on some of them: loops that never end,
 * waits that never finish, waits for threads never started, business failures nothing handles. Findings are ordered
 * by thread, then rule. Pure and total: it never throws, whatever `spec` holds, and skips what validateWfSpec would
 * report as malformed (nodes of unknown type, edges to missing nodes, conditions it cannot read) rather than guess.
 * `catalog` is the one validateWfSpec takes: no rule reads it yet, but rules on TaskDefs will not change the signature.
 */
export function analyzeWfSpec(spec: WfSpec, catalog: Catalog): Finding[] {
  const model = modelOf(spec);
  if (!model) return [];
  const findings: Finding[] = [];
  const report = (thread: string, node: string, code: FindingCode, message: string) =>
    findings.push({ path: ['threadSpecs', thread, 'nodes', node], code, message, severity: 'warning' });
  for (const thread of model.threads.values()) {
    for (const loop of loopsOf(thread)) {
      // Validation refuses a loop that spins (LOOP_NEVER_WAITS): no warning on top of the error.
      if (spins(thread, loop)) continue;
      const message = loopWithoutExit(thread, loop) ?? loopConditionNeverChanges(model, thread, loop);
      if (message) report(thread.name, loop.entry, message.code, message.text);
    }
    for (const name of thread.live) {
      const node = thread.nodes.get(name);
      if (node?.type === 'WAIT_FOR_CONDITION') {
        const text = waitForConditionNeverChanges(model, name, node.condition);
        if (text) report(thread.name, name, 'WAIT_FOR_CONDITION_NEVER_CHANGES', text);
      }
      if (node?.type === 'WAIT_FOR_THREADS') {
        for (const text of waitsForUnstartedThreads(model, thread, name, node)) report(thread.name, name, 'WAIT_FOR_UNSTARTED_THREAD', text);
      }
      if (node?.type === 'EXIT') {
        const text = unhandledExitFailure(model, thread, name, node.failureDef);
        if (text) report(thread.name, name, 'UNHANDLED_FAILURE', text);
      }
    }
  }
  for (const endless of endlessWaits(model, findings)) report(endless.thread, endless.node, 'WAIT_FOR_ENDLESS_THREAD', endless.text);
  return findings;
}

const ENDLESS: ReadonlySet<FindingCode> = new Set(['LOOP_WITHOUT_EXIT', 'LOOP_CONDITION_NEVER_CHANGES', 'WAIT_FOR_CONDITION_NEVER_CHANGES']);

/**
 * The WAIT_FOR_THREADS nodes that wait for all of a child whose ThreadSpec can run forever (one of the findings
 * above is in it), followed up: a thread stuck in such a wait can itself run forever for its own parent.
 */
function endlessWaits(model: Model, found: readonly Finding[]): { thread: string; node: string; text: string }[] {
  const why = new Map<string, string>();
  for (const f of found) {
    const [, thread, , node] = f.path;
    if (ENDLESS.has(f.code) && typeof thread === 'string' && !why.has(thread)) why.set(thread, `${f.code} at '${String(node)}'`);
  }
  const waits: { thread: string; node: string; text: string }[] = [];
  const reported = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, reason] of [...why]) {
      for (const use of model.uses.get(child) ?? []) {
        if (use.kind !== 'CHILD') continue;
        for (const [name, wait] of waitsFor(model, use)) {
          const key = `${use.parent}/${name}`;
          // WAIT_FOR_FIRST and WAIT_FOR_ANY may end with another child: only waiting for all is sure to hang.
          if (reported.has(key) || (wait.strategy !== undefined && wait.strategy !== 'WAIT_FOR_ALL')) continue;
          reported.add(key);
          waits.push({
            thread: use.parent,
            node: name,
            text: `WAIT_FOR_THREADS '${name}' waits for thread '${child}', which can run forever (${reason}): the wait can last forever too.`,
          });
          if (!why.has(use.parent)) {
            why.set(use.parent, `WAIT_FOR_ENDLESS_THREAD at '${name}'`);
            grew = true;
          }
        }
      }
    }
  }
  return waits;
}

// The model: each thread's nodes of known type and the edges the engine can take between them.

/** A variable mutation, as far as the rules need it. */
interface Mutation {
  readonly lhsName: string;
  /** Whether it writes the whole variable (no lhsJsonPath): only then can it turn a NULL into a value. */
  readonly whole: boolean;
  readonly rhs: unknown;
}

/** An outgoing edge the engine may take. */
interface Step {
  /** The node it leads to; undefined when that is no node of known type (validateWfSpec reports it). */
  readonly sink: string | undefined;
  /** undefined when the edge has none. */
  readonly condition: unknown;
  readonly mutations: readonly Mutation[];
}

interface Thread {
  readonly name: string;
  /** The nodes of known type; the others are skipped, and edges into them lead nowhere known. */
  readonly nodes: ReadonlyMap<string, Node>;
  readonly steps: ReadonlyMap<string, readonly Step[]>;
  /** Its ENTRYPOINT, when it has exactly one. */
  readonly entry: string | undefined;
  /** The nodes analyzed, in node order: those the ENTRYPOINT reaches, or all when there is no single ENTRYPOINT. */
  readonly live: readonly string[];
  /** The variables it declares itself. */
  readonly declares: ReadonlyMap<string, ThreadVarDef>;
}

/** A way a ThreadSpec comes to run, and so where its failure goes. */
type Use =
  | { readonly kind: 'CHILD'; readonly parent: string; readonly node: string; readonly start: StartThreadNode | StartMultipleThreadsNode }
  | { readonly kind: 'HANDLER'; readonly parent: string; readonly node: string }
  | { readonly kind: 'PER_THREAD_HANDLER'; readonly parent: string; readonly node: string; readonly wait: WaitForThreadsNode }
  | { readonly kind: 'INTERRUPT'; readonly parent: string; readonly event: string };

interface Model {
  readonly entrypoint: string | undefined;
  readonly threads: ReadonlyMap<string, Thread>;
  /** Every declaration by name (names are WfSpec-wide; the first wins, as in validateWfSpec). */
  readonly declared: ReadonlyMap<string, ThreadVarDef>;
  /** Every mutation on any edge of any node, taken or not, with the ThreadSpec it is in: whatever might change a variable. */
  readonly mutations: readonly { readonly thread: string; readonly mutation: Mutation }[];
  readonly uses: ReadonlyMap<string, readonly Use[]>;
}

function modelOf(spec: unknown): Model | undefined {
  if (!isJsonObject(spec) || !isJsonObject(spec.threadSpecs)) return undefined;
  const threads = new Map<string, Thread>();
  const declared = new Map<string, ThreadVarDef>();
  const mutations: { thread: string; mutation: Mutation }[] = [];
  for (const [name, raw] of Object.entries(spec.threadSpecs)) {
    if (!isJsonObject(raw)) continue;
    const thread = threadOf(name, raw);
    threads.set(name, thread);
    for (const def of thread.declares.values()) if (!declared.has(def.name)) declared.set(def.name, def);
    for (const node of isJsonObject(raw.nodes) ? Object.values(raw.nodes) : []) {
      const edges = isJsonObject(node) && Array.isArray(node.outgoingEdges) ? node.outgoingEdges : [];
      for (const edge of edges) for (const mutation of mutationsOf(edge)) mutations.push({ thread: name, mutation });
    }
  }
  const uses = new Map<string, Use[]>();
  const use = (thread: unknown, u: Use) => {
    if (typeof thread === 'string') uses.set(thread, [...(uses.get(thread) ?? []), u]);
  };
  for (const thread of threads.values()) {
    for (const name of thread.live) {
      const node = thread.nodes.get(name);
      if (!node) continue;
      if (node.type === 'START_THREAD' || node.type === 'START_MULTIPLE_THREADS') use(node.threadSpecName, { kind: 'CHILD', parent: thread.name, node: name, start: node });
      for (const handler of listOf(node.failureHandlers)) use(handler.handlerSpecName, { kind: 'HANDLER', parent: thread.name, node: name });
      if (node.type === 'WAIT_FOR_THREADS') {
        for (const handler of listOf(node.perThreadFailureHandlers)) use(handler.handlerSpecName, { kind: 'PER_THREAD_HANDLER', parent: thread.name, node: name, wait: node });
      }
    }
    const raw = own(spec.threadSpecs, thread.name);
    for (const def of listOf(isJsonObject(raw) ? raw.interruptDefs : undefined)) {
      const event = typeof def.externalEventDefName === 'string' ? def.externalEventDefName : '?';
      use(def.handlerSpecName, { kind: 'INTERRUPT', parent: thread.name, event });
    }
  }
  const entrypoint = typeof spec.entrypointThreadName === 'string' ? spec.entrypointThreadName : undefined;
  return { entrypoint, threads, declared, mutations, uses };
}

function threadOf(name: string, raw: { readonly [key: string]: unknown }): Thread {
  const nodes = new Map<string, Node>();
  for (const [nodeName, node] of Object.entries(isJsonObject(raw.nodes) ? raw.nodes : {})) {
    if (isJsonObject(node) && (NODE_TYPES as readonly unknown[]).includes(node.type)) nodes.set(nodeName, node as unknown as Node);
  }
  const steps = new Map<string, readonly Step[]>();
  for (const [nodeName, node] of nodes) steps.set(nodeName, stepsOf(node, nodes));
  const entries = [...nodes].filter(([, node]) => node.type === 'ENTRYPOINT').map(([nodeName]) => nodeName);
  const entry = entries.length === 1 ? entries[0] : undefined;
  const live = entry === undefined ? [...nodes.keys()] : [...reachableFrom(entry, steps)];
  const declares = new Map<string, ThreadVarDef>();
  for (const def of Array.isArray(raw.variableDefs) ? raw.variableDefs : []) {
    if (isJsonObject(def) && typeof def.name === 'string' && !declares.has(def.name)) declares.set(def.name, def as unknown as ThreadVarDef);
  }
  return { name, nodes, steps, entry, live: live.sort(byNodeOrder), declares };
}

/**
 * The edges the engine may take, in order. It takes the first whose condition holds, so nothing after an edge
 * without a condition (or with one between constants that holds) is ever taken, and an edge whose constant condition
 * never holds is never taken either. EXIT ends its thread without looking at edges.
 */
function stepsOf(node: Node, nodes: ReadonlyMap<string, Node>): Step[] {
  if (node.type === 'EXIT') return [];
  const steps: Step[] = [];
  const edges: readonly unknown[] = Array.isArray(node.outgoingEdges) ? node.outgoingEdges : [];
  for (const edge of edges) {
    const fields = isJsonObject(edge) ? edge : {};
    const sink = typeof fields.sinkNodeName === 'string' && nodes.has(fields.sinkNodeName) ? fields.sinkNodeName : undefined;
    // The engine takes a missing condition (or any falsy one, null above all) as always holding.
    const condition = fields.condition || undefined;
    const constant = constantOf(condition);
    if (constant === false) continue;
    steps.push({ sink, condition, mutations: mutationsOf(edge) });
    if (condition === undefined || constant === true) break;
  }
  return steps;
}

function mutationsOf(edge: unknown): Mutation[] {
  const list = isJsonObject(edge) && Array.isArray(edge.variableMutations) ? edge.variableMutations : [];
  return list.flatMap((m) => (isJsonObject(m) && typeof m.lhsName === 'string' ? [{ lhsName: m.lhsName, whole: m.lhsJsonPath === undefined, rhs: m.rhs }] : []));
}

function reachableFrom(start: string, steps: ReadonlyMap<string, readonly Step[]>): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const { sink } of steps.get(name) ?? []) {
      if (sink !== undefined && !seen.has(sink)) {
        seen.add(sink);
        queue.push(sink);
      }
    }
  }
  return seen;
}

/** LittleHorse's SDKs number nodes (`3-charge-TASK`): in that order, then by name. */
function byNodeOrder(a: string, b: string): number {
  const [x, y] = [leadingNumber(a), leadingNumber(b)];
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function leadingNumber(name: string): number {
  const digits = /^\d+/.exec(name);
  return digits ? Number(digits[0]) : Number.POSITIVE_INFINITY;
}

/** Whether a condition between two literals holds; undefined when it reads a variable or cannot be evaluated. */
function constantOf(condition: unknown): boolean | undefined {
  if (!isJsonObject(condition) || !isComparator(condition.comparator)) return undefined;
  const { left, right } = condition;
  if (!isJsonObject(left) || !isJsonObject(right) || left.type !== 'LITERAL' || right.type !== 'LITERAL') return undefined;
  if (left.value === undefined || right.value === undefined || left.targetType !== undefined || right.targetType !== undefined) return undefined;
  const result = compare(left.value, condition.comparator, right.value);
  return result.ok ? result.value : undefined;
}

/** The variables a condition reads; undefined when it is malformed (validateWfSpec reports it). */
function readsOf(condition: unknown): string[] | undefined {
  // A node's output (NODE_OUTPUT_REFERENCE) changes whenever the node runs again: whether it does is not read here.
  if (nodeOutputsRead(condition).length > 0) return undefined;
  // A BOOL value: every variable it reads.
  if (isJsonObject(condition) && condition.type !== undefined) return variablesRead(condition);
  if (!isJsonObject(condition) || !isComparator(condition.comparator)) return undefined;
  const sides = [condition.left, condition.right];
  return sides.every((side) => isJsonObject(side) && typeof side.type === 'string' && READ_SOURCES.has(side.type)) ? variablesRead(condition) : undefined;
}

/** The sources whose reads variablesRead finds; a side of any other is malformed (validateWfSpec says so). */
const READ_SOURCES: ReadonlySet<string> = new Set(['VARIABLE', 'LITERAL', 'FORMAT_STRING', 'EXPRESSION', 'SIZE_OF']);

function isComparator(value: unknown): value is Comparator {
  return typeof value === 'string' && (COMPARATORS as readonly string[]).includes(value);
}

/** The well-formed entries of a list of failure handlers or interrupt defs. */
function listOf(list: unknown): { readonly [key: string]: unknown }[] {
  return Array.isArray(list) ? list.filter(isJsonObject) : [];
}

/** `'a', 'b' and 'c'`. */
function names(list: readonly string[]): string {
  const quoted = list.map((name) => `'${name}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

// Loops: strongly connected parts of a thread's graph, and the loops nested in them.

interface Loop {
  readonly nodes: ReadonlySet<string>;
  /** Where the thread comes into it: the lowest-numbered node with an edge from outside, else its lowest-numbered node. */
  readonly entry: string;
}

/**
 * Every loop of a thread, nested ones included: each strongly connected part, then again within it without the
 * edges back into its entry, which is what separates an inner loop from the outer one around it.
 */
function loopsOf(thread: Thread): Loop[] {
  const live = new Set(thread.live);
  const predecessors = new Map<string, string[]>();
  for (const name of thread.live) {
    for (const { sink } of thread.steps.get(name) ?? []) {
      if (sink !== undefined && live.has(sink)) predecessors.set(sink, [...(predecessors.get(sink) ?? []), name]);
    }
  }
  const loops: Loop[] = [];
  // A work list rather than recursion: deeply nested loops must not exhaust the stack.
  const work: (readonly string[])[] = [thread.live];
  for (let within = work.pop(); within !== undefined; within = work.pop()) {
    const inside = new Set(within);
    const next = (name: string) => (thread.steps.get(name) ?? []).flatMap(({ sink }) => (sink !== undefined && inside.has(sink) ? [sink] : []));
    for (const component of cycles(within, next)) {
      const members = new Set(component);
      const entered = component.filter((name) => name === thread.entry || (predecessors.get(name) ?? []).some((p) => !members.has(p)));
      const entry = (entered.length > 0 ? entered : component).sort(byNodeOrder)[0] ?? '';
      loops.push({ nodes: members, entry });
      work.push(component.filter((name) => name !== entry));
    }
  }
  return loops.sort((a, b) => byNodeOrder(a.entry, b.entry) || b.nodes.size - a.nodes.size);
}

/** Tarjan's strongly connected components that contain a cycle (more than one node, or a node with an edge to itself). */
function cycles(nodes: readonly string[], next: (name: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  for (const root of nodes) {
    if (index.has(root)) continue;
    const frames: { node: string; successors: readonly string[]; i: number }[] = [];
    const open = (node: string) => {
      const order = index.size;
      index.set(node, order);
      low.set(node, order);
      stack.push(node);
      onStack.add(node);
      frames.push({ node, successors: next(node), i: 0 });
    };
    open(root);
    for (let frame = frames.at(-1); frame !== undefined; frame = frames.at(-1)) {
      const successor = frame.successors[frame.i++];
      if (successor !== undefined) {
        if (!index.has(successor)) open(successor);
        else if (onStack.has(successor)) low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(successor) ?? 0));
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === frame.node) break;
      }
      if (component.length > 1 || frame.successors.includes(frame.node)) found.push(component.sort(byNodeOrder));
    }
  }
  return found;
}

/** The edges the engine may take from a loop's nodes to outside it (or to nowhere known, which also leaves it). */
function exitsOf(thread: Thread, loop: Loop): { readonly node: string; readonly step: Step }[] {
  return [...loop.nodes].flatMap((node) =>
    (thread.steps.get(node) ?? []).filter(({ sink }) => sink === undefined || !loop.nodes.has(sink)).map((step) => ({ node, step })),
  );
}

function loopWithoutExit(thread: Thread, loop: Loop): { code: FindingCode; text: string } | undefined {
  if (exitsOf(thread, loop).length > 0) return undefined;
  const members = [...loop.nodes].sort(byNodeOrder);
  // Edges out that the engine never takes deserve a word: they are what the author probably meant as the way out.
  const ignored = members.flatMap((name) => {
    const raw = thread.nodes.get(name)?.outgoingEdges;
    const edges: readonly unknown[] = Array.isArray(raw) ? raw : [];
    return edges.flatMap((edge) => (isJsonObject(edge) && typeof edge.sinkNodeName === 'string' && !loop.nodes.has(edge.sinkNodeName) ? [`'${name}' to '${edge.sinkNodeName}'`] : []));
  });
  const note = ignored.length === 0 ? '' : ` Its edges out (from ${ignored.join(', ')}) are never taken: an edge before them has no condition, or their condition never holds.`;
  return {
    code: 'LOOP_WITHOUT_EXIT',
    text: `No edge leaves the loop through ${names(members)}: once the thread reaches '${loop.entry}' it goes round until it fails or the WfRun is stopped.${note}`,
  };
}

/** Node kinds after which a thread may wait for the world (or for other threads), so a loop through one may go slow. */
const WAITING: ReadonlySet<string> = new Set(['TASK', 'EXTERNAL_EVENT', 'SLEEP', 'USER_TASK', 'WAIT_FOR_THREADS', 'WAIT_FOR_CHILD_WF', 'WAIT_FOR_CONDITION']);

/**
 * The loops no edge leaves whose nodes never wait: once a thread enters one it goes round within the command that
 * brought it there until the engine gives up on the command (an INTERNAL_ERROR), so validation refuses them. A loop
 * without a way out that waits somewhere (a TASK run for ever, say) is only a finding: it may be meant.
 */
export function spinningLoops(spec: WfSpec): { readonly thread: string; readonly entry: string; readonly nodes: readonly string[] }[] {
  const model = modelOf(spec);
  if (!model) return [];
  return [...model.threads.values()].flatMap((thread) =>
    loopsOf(thread)
      .filter((loop) => spins(thread, loop))
      .map((loop) => ({ thread: thread.name, entry: loop.entry, nodes: [...loop.nodes].sort(byNodeOrder) })),
  );
}

function spins(thread: Thread, loop: Loop): boolean {
  return exitsOf(thread, loop).length === 0 && [...loop.nodes].every((name) => !WAITING.has(thread.nodes.get(name)?.type ?? 'TASK'));
}

/** Node kinds that start threads (or WfRuns) which might change the loop's variables while it goes round. */
const STARTS_OTHERS: ReadonlySet<string> = new Set(['START_THREAD', 'START_MULTIPLE_THREADS', 'RUN_CHILD_WF']);

/**
 * A loop leaves by the first edge of a node whose condition holds, so whether it leaves at a node depends on the
 * conditions of that node's edges up to its last edge out. When none of those read a variable the loop can change,
 * every round takes the same decisions as the first: if the thread did not get out then, it never does.
 */
function loopConditionNeverChanges(model: Model, thread: Thread, loop: Loop): { code: FindingCode; text: string } | undefined {
  const deciding: { node: string; condition: unknown }[] = [];
  for (const name of [...loop.nodes].sort(byNodeOrder)) {
    const node = thread.nodes.get(name);
    // Conservative: a thread, a child WfRun or a failure handler started inside the loop might change anything.
    if (!node || STARTS_OTHERS.has(node.type) || listOf(node.failureHandlers).length > 0) return undefined;
    if (node.type === 'WAIT_FOR_THREADS' && listOf(node.perThreadFailureHandlers).length > 0) return undefined;
    const steps = thread.steps.get(name) ?? [];
    const last = steps.findLastIndex(({ sink }) => sink === undefined || !loop.nodes.has(sink));
    for (const step of steps.slice(0, last + 1)) if (step.condition !== undefined) deciding.push({ node: name, condition: step.condition });
  }
  if (deciding.length === 0) return undefined;
  const read = new Set<string>();
  for (const { condition } of deciding) {
    const reads = readsOf(condition);
    // Unreadable, or between literals that cannot be compared: the node fails there instead of looping.
    if (reads === undefined || reads.length === 0) return undefined;
    for (const name of reads) read.add(name);
  }
  for (const name of read) if (!model.declared.has(name) || changesInLoop(model, thread, loop, name)) return undefined;
  const where = deciding.map(({ node, condition }) => `${conditionText(condition)} at '${node}'`);
  return {
    code: 'LOOP_CONDITION_NEVER_CHANGES',
    text:
      `Whether the thread leaves the loop through ${names([...loop.nodes].sort(byNodeOrder))} depends only on ${where.join(', ')}, and nothing ` +
      `in the loop changes ${names([...read])}: once the loop is entered and the condition does not let the thread out, it loops forever.`,
  };
}

/**
 * Whether `variable` may change while the thread goes round: an edge of the loop mutates it, or another ThreadSpec
 * does (children, handlers and interrupt handlers run beside the loop and share their ancestors' variables), or, for
 * a variable of an ancestor, another ThreadRun of this same ThreadSpec does.
 */
function changesInLoop(model: Model, thread: Thread, loop: Loop, variable: string): boolean {
  for (const name of loop.nodes) {
    for (const { sink, mutations } of thread.steps.get(name) ?? []) {
      if (sink !== undefined && loop.nodes.has(sink) && mutations.some((m) => m.lhsName === variable)) return true;
    }
  }
  const ownVariable = thread.declares.has(variable);
  return model.mutations.some(({ thread: where, mutation }) => mutation.lhsName === variable && (where !== thread.name || !ownVariable));
}

// WAIT_FOR_CONDITION: re-checked whenever the WfRun moves, but only an edge's mutation changes a variable.

function waitForConditionNeverChanges(model: Model, node: string, condition: unknown): string | undefined {
  const reads = readsOf(condition);
  if (reads === undefined) return undefined;
  if (reads.length === 0) {
    return constantOf(condition) === false ? `WAIT_FOR_CONDITION '${node}' waits until ${conditionText(condition)}, which compares two constants and never holds: the thread waits forever.` : undefined;
  }
  const read = [...new Set(reads)];
  if (read.some((name) => !model.declared.has(name) || model.mutations.some(({ mutation }) => mutation.lhsName === name))) return undefined;
  return (
    `WAIT_FOR_CONDITION '${node}' waits until ${conditionText(condition)}, but no edge of the WfSpec changes ${names(read)}: ` +
    `if the condition does not hold when the thread arrives, it waits forever.`
  );
}

// WAIT_FOR_THREADS on a thread number: a NULL one fails the node with VAR_SUB_ERROR.

function waitsForUnstartedThreads(model: Model, thread: Thread, name: string, node: WaitForThreadsNode): string[] {
  const variables = new Set<string>();
  for (const source of Array.isArray(node.threads) ? (node.threads as readonly unknown[]) : []) {
    if (isJsonObject(source) && source.type === 'VARIABLE' && typeof source.variableName === 'string') variables.add(source.variableName);
  }
  const found: string[] = [];
  for (const variable of variables) {
    // Only the thread's own variables: an ancestor's may well have been assigned before this thread started.
    const def = thread.declares.get(variable);
    if (!def || assignedAtStart(model, thread, def)) continue;
    const path = unassignedPath(thread, name, variable);
    if (!path) continue;
    const route = path.map(({ node: on, skipped }) => (skipped ? `'${on}' (whose failure, once handled, skips its edge's mutations)` : `'${on}'`));
    found.push(
      `WAIT_FOR_THREADS '${name}' waits for the thread number in '${variable}', which is not assigned on the path ${route.join(' -> ')}: ` +
        `there it is NULL and the node fails with VAR_SUB_ERROR.`,
    );
  }
  return found;
}

/** A default, a required value, INPUT, or a value some START_THREAD gives it: the thread starts with the variable set. */
function assignedAtStart(model: Model, thread: Thread, def: ThreadVarDef): boolean {
  if (def.required === true || (def.defaultValue !== undefined && def.defaultValue !== null) || def.name === 'INPUT') return true;
  return (model.uses.get(thread.name) ?? []).some((u) => u.kind === 'CHILD' && isJsonObject(u.start.variables) && Object.hasOwn(u.start.variables, def.name));
}

/**
 * A shortest path from the ENTRYPOINT to `target` on which no edge taken assigns the whole of `variable`: the
 * forward "must be assigned" dataflow, with a witness. An edge out of a node whose failure a handler may catch can be
 * taken with its mutations skipped (LittleHorse), so it may leave the variable unassigned.
 */
function unassignedPath(thread: Thread, target: string, variable: string): { node: string; skipped: boolean }[] | undefined {
  if (thread.entry === undefined) return undefined;
  const came = new Map<string, { from: string; skipped: boolean }>();
  const queue = [thread.entry];
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i] ?? '';
    if (name === target) {
      const path = [{ node: name, skipped: false }];
      for (let at = came.get(name); at !== undefined; at = came.get(at.from)) path.unshift({ node: at.from, skipped: at.skipped });
      return path;
    }
    const node = thread.nodes.get(name);
    const handled = node !== undefined && mayHandleFailure(node);
    for (const { sink, mutations } of thread.steps.get(name) ?? []) {
      if (sink === undefined || sink === thread.entry || came.has(sink)) continue;
      const assigns = mutations.some((m) => m.whole && m.lhsName === variable);
      if (assigns && !handled) continue;
      came.set(sink, { from: name, skipped: assigns });
      queue.push(sink);
    }
  }
  return undefined;
}

/** Node kinds that can fail with a business EXCEPTION; every node can fail with an ERROR (VAR_SUB_ERROR at least). */
const THROWS_EXCEPTIONS: ReadonlySet<string> = new Set(['TASK', 'USER_TASK', 'WAIT_FOR_THREADS', 'WAIT_FOR_CHILD_WF', 'EXIT']);

/** Whether some failure handler of the node can catch a failure the node can fail with. */
function mayHandleFailure(node: Node): boolean {
  return listOf(node.failureHandlers).some((h) => {
    if (typeof h.specificFailure === 'string') return isErrorName(h.specificFailure) || THROWS_EXCEPTIONS.has(node.type);
    return h.anyFailureOfType !== 'FAILURE_TYPE_EXCEPTION' || THROWS_EXCEPTIONS.has(node.type);
  });
}

// Failures: where an EXIT's business EXCEPTION goes, and whether anything catches it on the way up.

/** LittleHorse: an EXIT in the entrypoint thread that throws is how a WfRun ends in EXCEPTION on purpose. */
function unhandledExitFailure(model: Model, thread: Thread, exit: string, failureDef: unknown): string | undefined {
  if (thread.name === model.entrypoint || !isJsonObject(failureDef)) return undefined;
  const failure = failureDef.failureName;
  // A reserved name is an ERROR validateWfSpec rejects on an EXIT; only business EXCEPTIONs are followed.
  if (typeof failure !== 'string' || isErrorName(failure)) return undefined;
  const route = unhandled(model, thread.name, failure, new Map());
  return route && `EXIT '${exit}' fails thread '${thread.name}' with EXCEPTION '${failure}', and nothing handles it: ${route.join('; ')}.`;
}

/**
 * What happens when a ThreadRun of `thread` fails with `failure`: undefined when every way the ThreadSpec runs
 * catches it somewhere up the chain, else the clauses of one chain that does not. `memo` ends recursive specs (a
 * failure met again while being followed counts as handled: nothing new can be learned there).
 */
function unhandled(model: Model, thread: string, failure: string, memo: Map<string, string[] | undefined | 'following'>): string[] | undefined {
  if (thread === model.entrypoint) return [`'${thread}' is the entrypoint thread, so the WfRun ends in ${isErrorName(failure) ? 'ERROR' : 'EXCEPTION'} '${failure}'`];
  const key = JSON.stringify([thread, failure]);
  const known = memo.get(key);
  if (known !== undefined || memo.has(key)) return known === 'following' ? undefined : known;
  memo.set(key, 'following');
  let route: string[] | undefined;
  for (const use of model.uses.get(thread) ?? []) {
    route = routeOf(model, thread, use, failure, memo);
    if (route) break;
  }
  memo.set(key, route);
  return route;
}

function routeOf(model: Model, thread: string, use: Use, failure: string, memo: Map<string, string[] | undefined | 'following'>): string[] | undefined {
  const up = (clause: string, next: string) => {
    const rest = unhandled(model, use.parent, next, memo);
    return rest && [clause, ...rest];
  };
  switch (use.kind) {
    case 'HANDLER':
      // LittleHorse: a failure handler that fails fails the thread it handles with its own failure, handled no further.
      return up(`'${thread}' is the failure handler of '${use.node}' in '${use.parent}', so '${use.parent}' fails with '${failure}' (a failing handler is not handled again)`, failure);
    case 'INTERRUPT':
      return up(`'${thread}' handles interrupt '${use.event}' of '${use.parent}', and a failing interrupt handler fails '${use.parent}' with '${failure}'`, failure);
    case 'PER_THREAD_HANDLER': {
      const thrown = throughWait(model, use.wait, failure, false);
      return thrown === undefined ? undefined : up(`'${thread}' handles failed children at '${use.node}' in '${use.parent}', which fails with '${thrown}' when it does, and no failure handler of '${use.node}' catches that`, thrown);
    }
    case 'CHILD': {
      const waits = waitsFor(model, use);
      // LittleHorse: EXIT waits for every child, and fails with CHILD_FAILURE for one that failed unhandled.
      if (waits.length === 0) return up(`'${use.parent}' starts '${thread}' at '${use.node}' but never waits for it, so its EXIT fails with CHILD_FAILURE`, 'CHILD_FAILURE');
      let first: string[] | undefined;
      for (const [name, wait] of waits) {
        const thrown = throughWait(model, wait, failure, true);
        const route = thrown === undefined ? undefined : up(`'${use.parent}' starts '${thread}' at '${use.node}' and waits for it at '${name}', where nothing catches it, so '${use.parent}' fails with '${thrown}'`, thrown);
        // One wait that deals with it is enough: the author handles it there.
        if (!route) return undefined;
        first ??= route;
      }
      return first;
    }
  }
}

/**
 * The failure a WAIT_FOR_THREADS fails with when a child it waits for fails with `failure`; undefined when a
 * per-thread handler (if `perThread`) or a failure handler of the node catches it, or when WAIT_FOR_ANY looks past it
 * because other threads may complete. An EXCEPTION passes through unchanged, an ERROR becomes CHILD_FAILURE
 * (LittleHorse); WAIT_FOR_ANY fails only with CHILD_FAILURE, when every thread failed.
 */
function throughWait(model: Model, wait: WaitForThreadsNode, failure: string, perThread: boolean): string | undefined {
  if (perThread && catchesIn(model, wait.perThreadFailureHandlers, failure)) return undefined;
  const any = wait.strategy === 'WAIT_FOR_ANY';
  if (any && waitsForMany(model, wait)) return undefined;
  const thrown = any || isErrorName(failure) ? 'CHILD_FAILURE' : failure;
  return catchesIn(model, wait.failureHandlers, thrown) ? undefined : thrown;
}

/** Whether a WAIT_FOR_THREADS lists more than one thread, or a JSON_ARR of them. */
function waitsForMany(model: Model, wait: WaitForThreadsNode): boolean {
  const threads: readonly unknown[] = Array.isArray(wait.threads) ? wait.threads : [];
  if (threads.length > 1) return true;
  const [only] = threads;
  if (!isJsonObject(only)) return false;
  if (only.type === 'LITERAL') return Array.isArray(only.value);
  return typeof only.variableName === 'string' && model.declared.get(only.variableName)?.type === 'JSON_ARR';
}

/**
 * Whether a list of handlers catches a failure the way the engine picks one (run/failure-handlers.ts): the first
 * that matches decides, and it catches only if its ThreadSpec exists. Only business EXCEPTIONs and CHILD_FAILURE are
 * followed here, which none of LittleHorse's ERROR aliases (VAR_ERROR, TASK_ERROR) names, so a specific name matches
 * itself alone.
 */
function catchesIn(model: Model, handlers: unknown, failure: string): boolean {
  const handler = listOf(handlers).find((h) => {
    if (h.specificFailure !== undefined) return h.specificFailure === failure;
    if (h.anyFailureOfType === 'FAILURE_TYPE_ERROR') return isErrorName(failure);
    if (h.anyFailureOfType === 'FAILURE_TYPE_EXCEPTION') return !isErrorName(failure);
    return true;
  });
  return handler !== undefined && typeof handler.handlerSpecName === 'string' && model.threads.has(handler.handlerSpecName);
}

/**
 * The parent's WAIT_FOR_THREADS nodes that wait for a child's number: the variables a START node's output is put in
 * (an edge mutation from NODE_OUTPUT), and any variable one of those is copied into.
 */
function waitsFor(model: Model, use: Extract<Use, { kind: 'CHILD' }>): [string, WaitForThreadsNode][] {
  const parent = model.threads.get(use.parent);
  if (!parent) return [];
  const holders = new Set<string>();
  for (const edge of Array.isArray(use.start.outgoingEdges) ? (use.start.outgoingEdges as readonly unknown[]) : []) {
    for (const m of mutationsOf(edge)) if (isJsonObject(m.rhs) && m.rhs.type === 'NODE_OUTPUT') holders.add(m.lhsName);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const { mutation } of model.mutations) {
      const rhs = mutation.rhs;
      if (!holders.has(mutation.lhsName) && isJsonObject(rhs) && rhs.type === 'VARIABLE' && typeof rhs.variableName === 'string' && holders.has(rhs.variableName)) {
        holders.add(mutation.lhsName);
        grew = true;
      }
    }
  }
  return parent.live.flatMap((name): [string, WaitForThreadsNode][] => {
    const node = parent.nodes.get(name);
    if (node?.type !== 'WAIT_FOR_THREADS' || !Array.isArray(node.threads)) return [];
    const waits = (node.threads as readonly unknown[]).some((t) => isJsonObject(t) && t.type === 'VARIABLE' && typeof t.variableName === 'string' && holders.has(t.variableName));
    return waits ? [[name, node]] : [];
  });
}
