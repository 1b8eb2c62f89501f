import { describe, expect, it } from 'vitest';
import { catalog, NODES, testContext, twoTaskSpec } from '../../test/fixtures.ts';
import type { VersionedWfSpec } from '../spec/types.ts';
import { prepareWfSpec } from './prepared.ts';
import { step } from './step.ts';

/** The two-task spec with `name` masked, and greet's output read by name in count's input. */
function maskedSpec(): VersionedWfSpec {
  const spec = structuredClone(twoTaskSpec()) as VersionedWfSpec & { threadSpecs: { entrypoint: { variableDefs: { name: string; masked?: boolean }[]; nodes: Record<string, { inputs?: unknown[] }> } } };
  spec.threadSpecs.entrypoint.variableDefs[0]!.masked = true;
  spec.threadSpecs.entrypoint.nodes[NODES.count]!.inputs = [{ type: 'NODE_OUTPUT_REFERENCE', nodeName: NODES.greet }];
  return spec;
}

describe('prepareWfSpec', () => {
  it('works out the masked variable names and, per thread, the node outputs read by name', () => {
    const prepared = prepareWfSpec(maskedSpec());
    expect([...prepared.maskedVariables]).toEqual(['name']);
    expect([...(prepared.referencedOutputs.get('entrypoint') ?? [])]).toEqual([NODES.greet]);
  });

  it("is ignored by a decision whose context runs another version, which works out its own", () => {
    const spec = maskedSpec();
    const stale = prepareWfSpec(twoTaskSpec());
    for (const prepared of [undefined, stale, prepareWfSpec(spec)]) {
      const result = step(undefined, { type: 'RunWf', wfRunId: 'r', variables: { name: 'Ada' } }, { ...testContext(0, { wfSpec: spec, catalog }), prepared });
      if (!result.ok) throw new Error(result.rejection.message);
      const scheduled = result.events.find((e) => e.type === 'TaskRunScheduled');
      expect(scheduled && 'input' in scheduled ? scheduled.input : undefined).toEqual([{ name: 'name', value: 'Ada', masked: true }]);
    }
  });
});
