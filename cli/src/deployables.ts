import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskDef, UserTaskField, WfSpec } from '@gallop/engine';
import type { Workflow } from '@gallop/sdk';
import { UsageError } from './errors.ts';

/** One thing `gallop deploy` registers. */
export type Deployable =
  | { readonly kind: 'TaskDef'; readonly def: TaskDef }
  | { readonly kind: 'ExternalEventDef'; readonly name: string }
  | { readonly kind: 'WorkflowEventDef'; readonly name: string }
  | { readonly kind: 'UserTaskDef'; readonly def: { readonly name: string; readonly fields: readonly UserTaskField[]; readonly description?: string } }
  | { readonly kind: 'WfSpec'; readonly spec: WfSpec; readonly workflow?: Registrable };

/** An SDK Workflow: registering it through the SDK validates it first and names the builder call behind each problem. */
export type Registrable = Pick<Workflow, 'register'>;

// Metadata before the WfSpecs that name it; then WfSpecs, each child before the parents that run it.
const ORDER: Record<Deployable['kind'], number> = { TaskDef: 0, ExternalEventDef: 1, WorkflowEventDef: 2, UserTaskDef: 3, WfSpec: 4 };

/** The keys of a bundle: one object that lists metadata and WfSpecs to deploy together. */
const BUNDLE_KEYS = ['taskDefs', 'externalEventDefs', 'workflowEventDefs', 'userTaskDefs', 'wfSpecs'] as const;

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/**
 * Reads what the files declare, in the order to register it: TaskDefs, then event defs, then UserTaskDefs, then
 * WfSpecs. A .json file holds a WfSpec, an array of them, or a bundle; a module's default export (else every named
 * export that fits) is a Workflow (anything with compile()), a WfSpec, a typed task, a bundle, or an array of those.
 */
export async function loadDeployables(files: readonly string[]): Promise<Deployable[]> {
  const all: Deployable[] = [];
  for (const file of files) all.push(...(await loadFile(file)));
  const sorted = all.map((d, i) => [d, i] as const).sort(([a, i], [b, j]) => ORDER[a.kind] - ORDER[b.kind] || i - j).map(([d]) => d);
  const specs = sorted.filter((d) => d.kind === 'WfSpec');
  return [...sorted.filter((d) => d.kind !== 'WfSpec'), ...childrenFirst(specs)];
}

/**
 * WfSpecs in the order given, except that a WfSpec another one runs as a child (RUN_CHILD_WF) goes before it: the
 * server refuses a parent whose child is not registered, and pins the child's major version then. A cycle keeps
 * the order given (the server names what it cannot find).
 */
function childrenFirst(specs: readonly Extract<Deployable, { kind: 'WfSpec' }>[]): Deployable[] {
  const byName = new Map<string, Extract<Deployable, { kind: 'WfSpec' }>>();
  for (const d of specs) if (!byName.has(d.spec.name)) byName.set(d.spec.name, d);
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const out: Deployable[] = [];
  const place = (d: Extract<Deployable, { kind: 'WfSpec' }>): void => {
    const name = d.spec.name;
    if (placed.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const thread of Object.values(d.spec.threadSpecs ?? {})) {
      for (const node of Object.values(thread?.nodes ?? {})) {
        const child = node?.type === 'RUN_CHILD_WF' ? byName.get(node.wfSpecName) : undefined;
        if (child && child !== d) place(child);
      }
    }
    visiting.delete(name);
    placed.add(name);
    out.push(d);
  };
  // Two deployables of one name (two versions) keep their order: only the first is placed by name.
  for (const d of specs) {
    if (byName.get(d.spec.name) === d) place(d);
    else out.push(d);
  }
  return out;
}

async function loadFile(file: string): Promise<Deployable[]> {
  const path = resolve(file);
  const extension = extname(path);
  if (extension === '.json') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
    }
    return fromValue(value, file);
  }
  if (!MODULE_EXTENSIONS.has(extension)) throw new UsageError(`Cannot deploy ${file}: expected a .json file or a module (.ts, .js, .mjs).`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`Cannot load ${file}: ${(error as Error).message}`);
  }
  if (exports.default !== undefined) return fromValue(exports.default, `${file} (default export)`);
  const named = Object.entries(exports).filter(([, value]) => isDeployable(value));
  if (named.length === 0) throw new UsageError(`${file} exports no Workflow, WfSpec, typed task or bundle.`);
  return named.flatMap(([name, value]) => fromValue(value, `${file} (export ${name})`));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRegistrable(value: unknown): value is Registrable {
  return isObject(value) && typeof value.register === 'function';
}

function isWorkflow(value: unknown): value is { compile(): WfSpec } {
  return isObject(value) && typeof value.compile === 'function';
}

function isWfSpec(value: unknown): value is WfSpec {
  return isObject(value) && typeof value.name === 'string' && isObject(value.threadSpecs);
}

/** What the SDK's defineTask returns: the TaskDef travels with its function. */
function isTypedTask(value: unknown): value is { def: TaskDef } {
  return isObject(value) && typeof value.fn === 'function' && isObject(value.def) && Array.isArray(value.def.inputVars);
}

function isBundle(value: unknown): value is Record<(typeof BUNDLE_KEYS)[number], unknown> {
  return isObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((key) => (BUNDLE_KEYS as readonly string[]).includes(key));
}

function isDeployable(value: unknown): boolean {
  return isWorkflow(value) || isWfSpec(value) || isTypedTask(value) || isBundle(value) || (Array.isArray(value) && value.length > 0 && value.every(isDeployable));
}

function fromValue(value: unknown, where: string): Deployable[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => fromValue(item, `${where}[${i}]`));
  if (isWorkflow(value)) {
    try {
      return [{ kind: 'WfSpec', spec: value.compile(), ...(isRegistrable(value) ? { workflow: value } : {}) }];
    } catch (error) {
      throw new UsageError(`${where}: the Workflow does not compile: ${(error as Error).message}`);
    }
  }
  if (isWfSpec(value)) return [{ kind: 'WfSpec', spec: value }];
  if (isTypedTask(value)) return [{ kind: 'TaskDef', def: value.def }];
  if (isBundle(value)) return fromBundle(value, where);
  throw new UsageError(`${where} is not a WfSpec, a Workflow, a typed task or a bundle of ${BUNDLE_KEYS.join(', ')}.`);
}

function named<T>(value: unknown, where: string): T & { name: string } {
  if (!isObject(value) || typeof value.name !== 'string') throw new UsageError(`${where} needs a name.`);
  return value as T & { name: string };
}

function fromBundle(bundle: Partial<Record<(typeof BUNDLE_KEYS)[number], unknown>>, where: string): Deployable[] {
  const list = (key: (typeof BUNDLE_KEYS)[number]): unknown[] => {
    const items = bundle[key] ?? [];
    if (!Array.isArray(items)) throw new UsageError(`${where}: ${key} must be an array.`);
    return items;
  };
  // Event defs are only names, so a bare string will do.
  const eventDef = (item: unknown, at: string): string => (typeof item === 'string' ? item : named(item, at).name);
  return [
    ...list('taskDefs').map((item, i): Deployable => ({ kind: 'TaskDef', def: named<TaskDef>(item, `${where}: taskDefs[${i}]`) })),
    ...list('externalEventDefs').map((item, i): Deployable => ({ kind: 'ExternalEventDef', name: eventDef(item, `${where}: externalEventDefs[${i}]`) })),
    ...list('workflowEventDefs').map((item, i): Deployable => ({ kind: 'WorkflowEventDef', name: eventDef(item, `${where}: workflowEventDefs[${i}]`) })),
    ...list('userTaskDefs').map((item, i): Deployable => ({ kind: 'UserTaskDef', def: named<{ fields: UserTaskField[] }>(item, `${where}: userTaskDefs[${i}]`) })),
    ...list('wfSpecs').flatMap((item, i) => fromValue(item, `${where}: wfSpecs[${i}]`)),
  ];
}
