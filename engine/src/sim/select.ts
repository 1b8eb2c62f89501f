import type { NodeRef } from './pending.ts';
import type { Selector } from './scenario-step.ts';

/** The first of `candidates` (oldest first) that the selector matches. */
export function select<T extends { readonly node: NodeRef }>(candidates: readonly T[], selector: Selector): T | undefined {
  return candidates.find(
    ({ node }) =>
      (selector.node === undefined || node.nodeName === selector.node) &&
      (selector.threadRunNumber === undefined || node.threadRunNumber === selector.threadRunNumber),
  );
}

/**
 * The shortest selector that picks `chosen` among `candidates` (oldest first): none when it is the oldest, its node
 * when it is the oldest at its node, else its node and ThreadRun.
 */
export function selectorFor<T extends { readonly node: NodeRef }>(candidates: readonly T[], chosen: T): Selector {
  if (candidates[0] === chosen) return {};
  const node = chosen.node.nodeName;
  if (select(candidates, { node }) === chosen) return { node };
  return { node, threadRunNumber: chosen.node.threadRunNumber };
}

/** The selector in words, for messages: ` at node "x" in ThreadRun 2`, or nothing. */
export function describeSelector(selector: Selector): string {
  const node = selector.node === undefined ? '' : ` at node "${selector.node}"`;
  return selector.threadRunNumber === undefined ? node : `${node} in ThreadRun ${selector.threadRunNumber}`;
}
