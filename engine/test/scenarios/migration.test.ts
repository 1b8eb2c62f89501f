import { describe, expect, it } from 'vitest';
import { planMigration } from '../../src/index.ts';
import type { Catalog, Node, ThreadVarDef, VersionedWfSpec } from '../../src/index.ts';
import { TestRun } from '../run.ts';

const catalog: Catalog = { taskDefs: { step: { name: 'step', inputVars: [], returnType: 'INT' } } };

/** ENTRYPOINT -> first -> second -> EXIT, each a TASK adding its output to `total`; `change` edits a copy. */
function revision(revision: number, change: (nodes: Record<string, Node>, vars: ThreadVarDef[]) => void = () => {}): VersionedWfSpec {
  const add = (next: string): Node => ({
    type: 'TASK',
    taskDefName: 'step',
    outgoingEdges: [{ sinkNodeName: next, variableMutations: [{ lhsName: 'total', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }],
  });
  const nodes: Record<string, Node> = { start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'first' }] }, first: add('second'), second: add('end'), end: { type: 'EXIT' } };
  const vars: ThreadVarDef[] = [{ name: 'total', type: 'INT', defaultValue: 0 }];
  change(nodes, vars);
  return { name: 'steps', majorVersion: 1, revision, entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: { variableDefs: vars, nodes } } };
}

function running(): TestRun {
  const run = new TestRun(revision(0), catalog);
  run.send({ type: 'RunWf', wfRunId: 'r' });
  return run;
}

describe('MigrateWfRun', () => {
  it('moves a WfRun to a later revision, which decides everything after the node it stands on', () => {
    const run = running();
    // Revision 1 adds a variable and a third step after the second.
    const next = revision(1, (nodes, vars) => {
      vars.push({ name: 'note', type: 'STR', defaultValue: 'migrated' });
      nodes.second = { ...(nodes.second as Node), outgoingEdges: [{ sinkNodeName: 'third', variableMutations: [{ lhsName: 'total', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }] };
      nodes.third = { type: 'TASK', taskDefName: 'step', outgoingEdges: [{ sinkNodeName: 'end', variableMutations: [{ lhsName: 'total', operation: 'ADD', rhs: { type: 'NODE_OUTPUT' } }] }] };
    });
    const events = run.send({ type: 'MigrateWfRun', wfSpec: next });
    expect(events).toMatchObject([
      { type: 'WfRunMigrated', fromWfSpecId: { revision: 0 }, toWfSpecId: { name: 'steps', majorVersion: 1, revision: 1 } },
      { type: 'VariableAssigned', threadRunNumber: 0, name: 'note', value: 'migrated' },
    ]);
    expect(run.state?.wfSpecId.revision).toBe(1);
    // Later commands run with the revision the WfRun is pinned to now, as the server would load it.
    const moved = new TestRun(next, catalog);
    Object.assign(moved, { state: run.state });
    moved.events.push(...run.events);
    moved.report('0-1', { status: 'SUCCESS', output: 1 });
    moved.report('0-2', { status: 'SUCCESS', output: 2 });
    expect(moved.state?.threadRuns[0]?.currentNodeRun?.nodeName).toBe('third');
    moved.report('0-3', { status: 'SUCCESS', output: 3 });
    expect(moved.state).toMatchObject({ status: 'COMPLETED', threadRuns: [{ variables: { total: 6, note: 'migrated' } }] });
  });

  it('refuses a revision that removes the node a thread stands on, naming the place', () => {
    const run = running();
    const without = revision(1, (nodes) => {
      delete nodes.first;
      nodes.start = { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'second' }] };
    });
    expect(run.send({ type: 'MigrateWfRun', wfSpec: without })).toBe('MIGRATION_REFUSED');
    const plan = planMigration(run.state!, revision(0), without);
    expect(plan).toMatchObject({ ok: false, problems: [{ code: 'MISSING_NODE', path: ['threadSpecs', 'entrypoint', 'nodes', 'first'] }] });
    expect(run.state?.wfSpecId.revision).toBe(0);
  });

  it('refuses a revision that changes the type of the node a thread stands on', () => {
    const changed = revision(1, (nodes) => (nodes.first = { type: 'NOP', outgoingEdges: [{ sinkNodeName: 'second' }] }));
    expect(planMigration(running().state!, revision(0), changed)).toMatchObject({ ok: false, problems: [{ code: 'TYPE_MISMATCH', path: ['threadSpecs', 'entrypoint', 'nodes', 'first', 'type'] }] });
  });

  it('refuses a revision that makes the EXTERNAL_EVENT node a thread waits at wait for another ExternalEventDef', () => {
    const waiting = (revision: number, def: string, timeout?: number): VersionedWfSpec => ({
      name: 'waits',
      majorVersion: 0,
      revision,
      entrypointThreadName: 'entrypoint',
      threadSpecs: {
        entrypoint: {
          nodes: {
            start: { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: 'wait' }] },
            wait: { type: 'EXTERNAL_EVENT', externalEventDefName: def, ...(timeout === undefined ? {} : { timeoutSeconds: { type: 'LITERAL', value: timeout } }), outgoingEdges: [{ sinkNodeName: 'end' }] },
            end: { type: 'EXIT' },
          },
        },
      },
    });
    const events: Catalog = { taskDefs: {}, externalEventDefs: { approved: { name: 'approved' }, signed: { name: 'signed' } } };
    const run = new TestRun(waiting(0, 'approved'), events);
    run.send({ type: 'RunWf', wfRunId: 'w' });
    expect(planMigration(run.state!, waiting(0, 'approved'), waiting(1, 'signed'))).toMatchObject({
      ok: false,
      problems: [{ code: 'TYPE_MISMATCH', path: ['threadSpecs', 'entrypoint', 'nodes', 'wait', 'externalEventDefName'], message: expect.stringContaining("for 'signed'") as unknown }],
    });
    // The same def with a timeout added is fine.
    expect(planMigration(run.state!, waiting(0, 'approved'), waiting(1, 'approved', 60))).toMatchObject({ ok: true });
  });

  it("refuses a revision that drops or retypes a variable a thread holds", () => {
    const state = running().state!;
    expect(planMigration(state, revision(0), revision(1, (_, vars) => vars.splice(0, 1, { name: 'total', type: 'DOUBLE' })))).toMatchObject({
      ok: false,
      problems: [{ code: 'TYPE_MISMATCH', path: ['threadSpecs', 'entrypoint', 'variableDefs', 0, 'type'] }],
    });
    expect(planMigration(state, revision(0), revision(1, (_, vars) => vars.splice(0, 1)))).toMatchObject({ ok: false, problems: [{ code: 'UNKNOWN_VARIABLE' }] });
  });

  it('refuses another major version, an older or equal revision, another WfSpec and a completed WfRun', () => {
    const run = running();
    const state = run.state!;
    expect(planMigration(state, revision(0), { ...revision(0), majorVersion: 2 })).toMatchObject({ ok: false, message: expect.stringMatching(/only to a later revision of major version 1/) });
    expect(planMigration(state, revision(3), revision(2))).toMatchObject({ ok: false, message: expect.stringMatching(/not a later revision/) });
    expect(planMigration(state, revision(0), { ...revision(1), name: 'other' })).toMatchObject({ ok: false });
    run.report('0-1', { status: 'SUCCESS', output: 1 });
    run.report('0-2', { status: 'SUCCESS', output: 1 });
    expect(run.send({ type: 'MigrateWfRun', wfSpec: revision(1) })).toBe('MIGRATION_REFUSED');
  });

  it('lets a failed WfRun move to a fixed revision and be rescued there', () => {
    const run = running();
    run.report('0-1', { status: 'SUCCESS', output: 1 });
    run.report('0-2', { status: 'SUCCESS', output: 'not an INT' as never });
    expect(run.state?.status).toBe('ERROR');
    run.send({ type: 'MigrateWfRun', wfSpec: revision(1) });
    expect(run.state).toMatchObject({ status: 'ERROR', wfSpecId: { revision: 1 } });
    run.send({ type: 'RescueThreadRun' });
    run.report('0-3', { status: 'SUCCESS', output: 2 });
    expect(run.state).toMatchObject({ status: 'COMPLETED', threadRuns: [{ variables: { total: 3 } }] });
  });
});
