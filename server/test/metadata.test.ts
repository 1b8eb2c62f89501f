import { GallopClientError } from '@gallop/sdk';
import type { TaskDef, WfSpec } from '@gallop/engine';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());

function oneTask(name: string, taskDefName: string, variables: WfSpec['threadSpecs'][string]['variableDefs'] = []): WfSpec {
  return {
    name,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        variableDefs: variables,
        nodes: {
          '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-t-TASK' }] },
          '1-t-TASK': { type: 'TASK', taskDefName, outgoingEdges: [{ sinkNodeName: '2-exit-EXIT' }] },
          '2-exit-EXIT': { type: 'EXIT' },
        },
      },
    },
  };
}

describe('putTaskDef', () => {
  it('returns the existing TaskDef when the same one is registered again', async () => {
    const name = unique('same');
    const first = await server.client.putTaskDef({ name, inputVars: [{ name: 'a', type: 'STR' }] });
    const second = await server.client.putTaskDef({ name, inputVars: [{ name: 'a', type: 'STR' }] });
    expect(second).toEqual(first);
  });

  it('keeps which inputs are masked, and tells two TaskDefs apart by it', async () => {
    const name = unique('masked');
    const inputVars: TaskDef['inputVars'] = [{ name: 'card', type: 'STR', masked: true }, { name: 'amount', type: 'INT' }];
    await server.client.putTaskDef({ name, inputVars });
    const read = await server.client.request<{ taskDef: { inputVars: { name: string; masked: boolean }[] } }>(
      'query($name: String!) { taskDef(name: $name) { inputVars { name masked } } }',
      { name },
    );
    expect(read.taskDef.inputVars).toEqual([{ name: 'card', masked: true }, { name: 'amount', masked: false }]);
    await expect(server.client.putTaskDef({ name, inputVars: [{ name: 'card', type: 'STR' }, { name: 'amount', type: 'INT' }] })).rejects.toMatchObject({
      code: 'AlreadyExistsError',
    });
  });

  it('refuses a different TaskDef under an existing name', async () => {
    const name = unique('clash');
    await server.client.putTaskDef({ name, inputVars: [{ name: 'a', type: 'STR' }] });
    const error = (await server.client.putTaskDef({ name, inputVars: [{ name: 'a', type: 'INT' }] }).catch((e: unknown) => e)) as GallopClientError;
    expect(error).toBeInstanceOf(GallopClientError);
    expect(error.code).toBe('AlreadyExistsError');
  });

  it('refuses invalid names with their paths', async () => {
    const error = (await server.client
      .putTaskDef({ name: 'bad_name', inputVars: [{ name: '1x', type: 'STR' }] })
      .catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('ValidationError');
    expect(error.problems.map((p) => p.at)).toEqual(['name', 'inputVars[0].name']);
  });
});

describe('putWfSpec', () => {
  it('keeps the version of an identical spec, adds a revision for a compatible change and a major version for new variables', async () => {
    const task = unique('t');
    await server.client.putTaskDef({ name: task });
    const name = unique('versions');
    const v0 = await server.client.putWfSpec(oneTask(name, task));
    expect([v0.majorVersion, v0.revision]).toEqual([0, 0]);
    expect(await server.client.putWfSpec(oneTask(name, task))).toEqual(v0);

    const other = unique('t2');
    await server.client.putTaskDef({ name: other });
    const revised = await server.client.putWfSpec(oneTask(name, other));
    expect([revised.majorVersion, revised.revision]).toEqual([0, 1]);

    const major = await server.client.putWfSpec(oneTask(name, other, [{ name: 'x', type: 'STR', required: true }]));
    expect([major.majorVersion, major.revision]).toEqual([1, 0]);
    expect((await server.client.wfSpec(name))?.majorVersion).toBe(1);
    expect((await server.client.wfSpec(name, { majorVersion: 0 }))?.revision).toBe(1);
  });

  it('refuses a spec that is not even an object, and the server keeps serving', async () => {
    const error = (await server.client.putWfSpec(42 as never).catch((e: unknown) => e)) as GallopClientError;
    expect(error.code).toBe('ValidationError');
    expect(error.problems[0]?.message).toBe('A WfSpec must be a JSON object.');
    const stillThere = await server.client.request<{ taskDefs: { edges: unknown[] } }>('{ taskDefs(first: 1) { edges { cursor } } }');
    expect(Array.isArray(stillThere.taskDefs.edges)).toBe(true);
  });
});

describe('lists', () => {
  it('pages through WfSpecs with cursors', async () => {
    const task = unique('paged');
    await server.client.putTaskDef({ name: task });
    const prefix = unique('page');
    for (const suffix of ['a', 'b', 'c']) await server.client.putWfSpec(oneTask(`${prefix}-${suffix}`, task));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const data: { wfSpecs: { edges: { node: { name: string; majorVersion: number; revision: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
        await server.client.request(
          'query($after: String) { wfSpecs(first: 2, after: $after) { edges { node { name majorVersion revision } } pageInfo { hasNextPage endCursor } } }',
          { after },
        );
      seen.push(...data.wfSpecs.edges.map((e) => `${e.node.name}@${e.node.majorVersion}.${e.node.revision}`));
      if (!data.wfSpecs.pageInfo.hasNextPage) break;
      after = data.wfSpecs.pageInfo.endCursor;
    }
    expect(seen.filter((n) => n.startsWith(prefix))).toEqual([`${prefix}-a@0.0`, `${prefix}-b@0.0`, `${prefix}-c@0.0`]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists only the WfSpecs, TaskDefs and ExternalEventDefs whose names start with a prefix, a page at a time', async () => {
    const prefix = unique('pfx');
    await server.client.putTaskDef({ name: `${prefix}-t` });
    for (const suffix of ['a', 'b', 'c']) await server.client.putWfSpec(oneTask(`${prefix}-${suffix}`, `${prefix}-t`));
    for (const suffix of ['x', 'y']) await server.client.putExternalEventDef({ name: `${prefix}-${suffix}` });
    await server.client.putTaskDef({ name: `${prefix.slice(0, -1)}-other` }); // a near miss
    type Names = { edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const query = `query($prefix: String, $after: String) {
      wfSpecs(prefix: $prefix, first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } }
      taskDefs(prefix: $prefix) { edges { node { name } } pageInfo { hasNextPage endCursor } }
      externalEventDefs(prefix: $prefix) { edges { node { name } } pageInfo { hasNextPage endCursor } }
    }`;
    const first = await server.client.request<{ wfSpecs: Names; taskDefs: Names; externalEventDefs: Names }>(query, { prefix });
    const second = await server.client.request<{ wfSpecs: Names }>(query, { prefix, after: first.wfSpecs.pageInfo.endCursor });
    const names = (page: Names) => page.edges.map((e) => e.node.name);
    expect([...names(first.wfSpecs), ...names(second.wfSpecs)]).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    expect(second.wfSpecs.pageInfo.hasNextPage).toBe(false);
    expect(names(first.taskDefs)).toEqual([`${prefix}-t`]);
    expect(names(first.externalEventDefs)).toEqual([`${prefix}-x`, `${prefix}-y`]);
    // `%` is a plain character in a prefix, not a pattern.
    const none = await server.client.request<{ taskDefs: Names }>(query, { prefix: `${prefix}%` });
    expect(names(none.taskDefs)).toEqual([]);
    // The SDK's lists take it too.
    expect((await server.client.wfSpecs({ prefix })).items.map((s) => s.name)).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    expect((await server.client.taskDefs({ prefix })).items.map((t) => t.name)).toEqual([`${prefix}-t`]);
    expect((await server.client.externalEventDefs({ prefix, first: 1 })).items.map((d) => d.name)).toEqual([`${prefix}-x`]);
  });

  it('lists only the UserTaskDefs and WorkflowEventDefs whose names start with a prefix, a page at a time', async () => {
    const prefix = unique('pfx');
    const fields = [{ name: 'approved', type: 'BOOL' as const }];
    await server.client.putUserTaskDef({ name: `${prefix}-a`, fields });
    await server.client.putUserTaskDef({ name: `${prefix}-a`, fields: [...fields, { name: 'note', type: 'STR' }] });
    await server.client.putUserTaskDef({ name: `${prefix}-b`, fields });
    for (const suffix of ['x', 'y']) await server.client.putWorkflowEventDef({ name: `${prefix}-${suffix}` });
    // Near misses: one letter short of the prefix.
    await server.client.putUserTaskDef({ name: `${prefix.slice(0, -1)}-other`, fields });
    await server.client.putWorkflowEventDef({ name: `${prefix.slice(0, -1)}-other` });
    type Page = { edges: { node: { name: string; version?: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const query = `query($prefix: String, $after: String) {
      userTaskDefs(prefix: $prefix, first: 2, after: $after) { edges { node { name version } } pageInfo { hasNextPage endCursor } }
      workflowEventDefs(prefix: $prefix) { edges { node { name } } pageInfo { hasNextPage endCursor } }
    }`;
    const first = await server.client.request<{ userTaskDefs: Page; workflowEventDefs: Page }>(query, { prefix });
    const second = await server.client.request<{ userTaskDefs: Page }>(query, { prefix, after: first.userTaskDefs.pageInfo.endCursor });
    const versions = (page: Page) => page.edges.map((e) => `${e.node.name}@${e.node.version}`);
    expect([...versions(first.userTaskDefs), ...versions(second.userTaskDefs)]).toEqual([`${prefix}-a@0`, `${prefix}-a@1`, `${prefix}-b@0`]);
    expect(second.userTaskDefs.pageInfo.hasNextPage).toBe(false);
    expect(first.workflowEventDefs.edges.map((e) => e.node.name)).toEqual([`${prefix}-x`, `${prefix}-y`]);
    // `%` and `_` are plain characters in a prefix, not patterns: as LIKE patterns both would match every name above.
    for (const wildcard of [`${prefix}%`, `${prefix.slice(0, -1)}_`]) {
      const none = await server.client.request<{ userTaskDefs: Page; workflowEventDefs: Page }>(query, { prefix: wildcard });
      expect([...none.userTaskDefs.edges, ...none.workflowEventDefs.edges]).toEqual([]);
    }
    expect((await server.client.userTaskDefs({ prefix })).items.map((d) => `${d.name}@${d.version}`)).toEqual([`${prefix}-a@0`, `${prefix}-a@1`, `${prefix}-b@0`]);
    expect((await server.client.workflowEventDefs({ prefix })).items.map((d) => d.name)).toEqual([`${prefix}-x`, `${prefix}-y`]);
  });

  it('says a made-up cursor is not one of its own', async () => {
    const error = await server.client.request('{ wfRuns(first: 2, after: "bogus") { edges { cursor } } }').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Cursor 'bogus' is not one this server made/);
    expect(error).toMatchObject({ problems: [{ path: ['after'], code: 'INVALID_CURSOR' }] });
    // Well-formed JSON of the right length but the wrong parts: a time that is no date, a fraction, a string for a
    // number, a number for a string. Each is the same typed refusal, not an internal error.
    const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const lists = [
      ['nodeRuns(status: RUNNING, first: 2, after: $after)', [1e17, 'a', 0, 0]],
      ['nodeRuns(status: RUNNING, first: 2, after: $after)', [0, 'a', 1.5, 0]],
      ['taskRuns(taskDefName: "t", first: 2, after: $after)', ['yesterday', 'a', 'b']],
      ['wfRuns(first: 2, after: $after)', [0, 7]],
      ['wfSpecs(first: 2, after: $after)', ['s', '0', 0]],
    ] as const;
    for (const [field, parts] of lists) {
      const after = forged([...parts]);
      const refused = await server.client.request(`query($after: String) { ${field} { edges { cursor } } }`, { after }).catch((e: unknown) => e);
      expect((refused as Error).message, `${field} after ${JSON.stringify(parts)}`).toMatch(/is not one this server made/);
    }
  });

  it('refuses a cursor of another list, though its key has the same shape, naming after', async () => {
    const prefix = unique('cursor');
    for (const name of ['a', 'b']) {
      await server.client.putTaskDef({ name: `${prefix}-${name}` });
      await server.client.putExternalEventDef({ name: `${prefix}-${name}` });
    }
    type Page = { edges: { node: { name: string } }[]; pageInfo: { endCursor: string | null } };
    const list = (field: 'taskDefs' | 'externalEventDefs', after?: string | null) =>
      server.client.request<Record<string, Page>>(`query($prefix: String, $after: String) { ${field}(prefix: $prefix, first: 1, after: $after) { edges { node { name } } pageInfo { endCursor } } }`, { prefix, after });
    const taskDefCursor = (await list('taskDefs')).taskDefs!.pageInfo.endCursor;
    // Its own list reads it.
    expect((await list('taskDefs', taskDefCursor)).taskDefs!.edges.map((e) => e.node.name)).toEqual([`${prefix}-b`]);
    const refused = await list('externalEventDefs', taskDefCursor).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GallopClientError);
    expect(refused).toMatchObject({
      code: 'ValidationError',
      message: expect.stringMatching(/belongs to the list "taskDefs", not externalEventDefs\.$/),
      problems: [{ path: ['after'], code: 'INVALID_CURSOR' }],
    });
    // The brief's case: a TaskRuns cursor given to WfRuns.
    const taskRunsCursor = Buffer.from(JSON.stringify({ list: 'taskRuns', key: [0, 'wf', 'guid'] })).toString('base64url');
    const wfRuns = await server.client.request('query($after: String) { wfRuns(first: 1, after: $after) { edges { cursor } } }', { after: taskRunsCursor }).catch((e: unknown) => e);
    expect(wfRuns).toMatchObject({ code: 'ValidationError', problems: [{ path: ['after'], code: 'INVALID_CURSOR', message: 'The cursor is from the list "taskRuns"; pass an endCursor of wfRuns.' }] });
    // A cursor of an older server (a bare key) is still read where its shape fits, so paging carries on over an upgrade.
    const older = Buffer.from(JSON.stringify([`${prefix}-a`])).toString('base64url');
    expect((await list('externalEventDefs', older)).externalEventDefs!.edges.map((e) => e.node.name)).toEqual([`${prefix}-b`]);
  });

  it('answers first: 0 with no rows, whether there are any, and an endCursor that reads as the start', async () => {
    const prefix = unique('zero');
    await server.client.putTaskDef({ name: `${prefix}-a` });
    type Page = { taskDefs: { edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null; startCursor: string | null } } };
    const page = (prefix: string, first: number, after?: string | null) =>
      server.client.request<Page>('query($prefix: String, $first: Int, $after: String) { taskDefs(prefix: $prefix, first: $first, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor startCursor } } }', { prefix, first, after });
    // As the Relay spec and graphql-relay: more edges exist beyond the empty page.
    const none = await page(prefix, 0);
    expect(none.taskDefs).toEqual({ edges: [], pageInfo: { hasNextPage: true, endCursor: null, startCursor: null } });
    // Its endCursor, given as after, pages on from the start.
    expect((await page(prefix, 1, none.taskDefs.pageInfo.endCursor)).taskDefs.edges.map((e) => e.node.name)).toEqual([`${prefix}-a`]);
    expect((await page(`${prefix}-nothing`, 0)).taskDefs.pageInfo).toEqual({ hasNextPage: false, endCursor: null, startCursor: null });
    // An empty page after a cursor keeps it, to ask again from there.
    const last = (await page(prefix, 1)).taskDefs.pageInfo.endCursor;
    expect((await page(prefix, 1, last)).taskDefs.pageInfo).toEqual({ hasNextPage: false, endCursor: last, startCursor: last });
  });

  it('refuses last and before, which no list reads, instead of answering as if they were first and after', async () => {
    const lists = ['wfRuns', 'wfSpecs', 'taskDefs', 'nodeRuns(status: RUNNING, ', 'taskRuns(taskDefName: "t", ', 'userTaskDefs', 'auditLog'];
    for (const list of lists) {
      const call = list.endsWith(', ') ? list : `${list}(`;
      for (const [arg, value] of [['last', '2'], ['last', '-1'], ['before', '"x"']] as const) {
        const refused = await server.client.request(`{ ${call}${arg}: ${value}) { edges { cursor } } }`).catch((e: unknown) => e);
        expect((refused as GallopClientError).code, `${list} ${arg}`).toBe('ValidationError');
        expect((refused as GallopClientError).message, `${list} ${arg}`).toMatch(new RegExp(`Lists page forward only; ${arg} is not supported`));
      }
      // Checked before the Relay plugin reads them, which would throw an untyped error, masked as an internal one.
      const negative = await server.client.request(`{ ${call}first: -1) { edges { cursor } } }`).catch((e: unknown) => e);
      expect((negative as GallopClientError).code, `${list} first: -1`).toBe('ValidationError');
    }
  });
});
