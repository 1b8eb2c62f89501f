import { isValidName } from '@gallop/engine';
import type { WfSpec } from '@gallop/engine';

/** Why `name` cannot name a new ThreadSpec, or undefined when it can. */
export function checkThreadName(spec: WfSpec, name: string): string | undefined {
  if (name.trim() === '') return 'Write a name for the thread.';
  if (!isValidName(name)) return 'A thread name is letters, digits and inner dashes.';
  if (Object.hasOwn(spec.threadSpecs, name)) return `The WfSpec already has a thread '${name}'.`;
  return undefined;
}

/** A free thread name from `base`: `base`, else `base-2`, `base-3`... */
export function suggestThreadName(spec: WfSpec, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'thread';
  if (!Object.hasOwn(spec.threadSpecs, clean)) return clean;
  for (let n = 2; ; n++) if (!Object.hasOwn(spec.threadSpecs, `${clean}-${n}`)) return `${clean}-${n}`;
}

/** Why a node of `thread` cannot be renamed from `from` to `to`, or undefined when it can. */
export function checkNodeName(spec: WfSpec, thread: string, from: string, to: string): string | undefined {
  if (to.trim() === '') return 'Write a name for the node.';
  if (to !== from && Object.hasOwn(spec.threadSpecs[thread]?.nodes ?? {}, to)) return `Thread '${thread}' already has a node '${to}'.`;
  return undefined;
}

/**
 * Why `name` cannot name a variable of `thread` (the one at `index`, or a new one when index is -1), or undefined.
 * Names are unique across the whole WfSpec, so every thread's declarations count.
 */
export function checkVariableName(spec: WfSpec, thread: string, index: number, name: string): string | undefined {
  if (name.trim() === '') return 'Write a name for the variable.';
  for (const [t, threadSpec] of Object.entries(spec.threadSpecs)) {
    const clash = (threadSpec.variableDefs ?? []).findIndex((d, i) => d.name === name && !(t === thread && i === index));
    if (clash >= 0) return t === thread ? `This thread already has a variable '${name}'.` : `Thread '${t}' already declares '${name}'; names are unique across the WfSpec.`;
  }
  return undefined;
}
