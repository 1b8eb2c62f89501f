import { nodeOutputsReferenced } from '../spec/reads.ts';
import type { VersionedWfSpec } from '../spec/types.ts';
import { maskedVariableNames } from './mask.ts';

/**
 * What decisions ask of a WfSpec version again and again, worked out once: a pure function of the version, which
 * never changes. The server keeps one beside each version it caches and passes it in DecideContext.prepared; without
 * it, each decision works it out on first use.
 */
export interface PreparedWfSpec {
  /** The version this was made from: a context whose wfSpec is another (a migration's target) ignores it. */
  readonly wfSpec: VersionedWfSpec;
  /** The variable names some thread declares masked (maskedVariableNames), the one rule for what is a secret. */
  readonly maskedVariables: ReadonlySet<string>;
  /** Per ThreadSpec name, the nodes whose outputs some assignment in it reads by name (nodeOutputsReferenced). */
  readonly referencedOutputs: ReadonlyMap<string, ReadonlySet<string>>;
}

export function prepareWfSpec(wfSpec: VersionedWfSpec): PreparedWfSpec {
  const referencedOutputs = new Map<string, ReadonlySet<string>>();
  for (const [name, thread] of Object.entries(wfSpec.threadSpecs)) referencedOutputs.set(name, nodeOutputsReferenced(thread));
  return { wfSpec, maskedVariables: maskedVariableNames(wfSpec), referencedOutputs };
}
