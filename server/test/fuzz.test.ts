import { readFileSync } from 'node:fs';
import { Workflow } from '@gallop/sdk';
import fc from 'fast-check';
import { buildSchema, getNamedType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import type { GraphQLInputType } from 'graphql';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, unique } from './harness.ts';

// Malformed input through the real server: every mutation gets random inputs built from its GraphQL input type,
// with bad JSON values, huge and odd strings, wrong variable types and unknown ids. Whatever arrives, the answer is
// a typed result or a GraphQL validation error, never a masked internal error; the server keeps serving; and a
// WfRun nobody named is not touched.
const server = await startTestServer(inject('databaseUrl'));
afterAll(() => server.close());
const { client } = server;

const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
const mutations = Object.values(schema.getMutationType()?.getFields() ?? {}).filter((field) => field.args[0]?.name === 'input');

const task = unique('fuzzed');
/**
 * A WfSpec of one task taking `n`, with a TaskDef `taskDef`. The fuzzed deletes may take the first ones (their names
 * are among the known ones), so the tests after the fuzz make their own.
 */
async function target(taskDef = unique('fuzzed')): Promise<string> {
  const name = unique('fuzz-target');
  await client.putTaskDef({ name: taskDef, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' });
  await client.putWfSpec(
    new Workflow(name, (wf) => {
      const n = wf.declareInt('n');
      n.assign(wf.execute(taskDef, n));
    }).compile(),
  );
  return name;
}
const spec = await target(task);
// The bystander: no fuzzed input names it, so its log must not move.
const bystander = await client.runWf({ wfSpecName: spec, variables: { n: 1 } });

/** Names that exist, so some inputs get past "not found" into deeper checks. */
const known = fc.constantFrom(task, spec, `${unique('wf')}`, 'default', '0-1', `${unique('run')}/0-1`);
const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', ' ', '\ud800', 'x\udfff', '__proto__', 'constructor', '../../etc', 'a'.repeat(100_000), '\u0000', '💥', 'DROP TABLE wf_runs;--', '{"a":1}'),
  known,
);
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>({ __proto__: { polluted: true } }, { n: 'not an int' }, { n: 2 ** 60 }, [null], { threadSpecs: 'x' }, { a: 'b'.repeat(50_000) }),
);

/** Values for a GraphQL input type: mostly of the right shape, sometimes not at all. */
function valueOf(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type.ofType, depth);
  if (isListType(type)) return fc.array(valueOf(type.ofType, depth + 1), { maxLength: 3 });
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (depth > 3) return fc.constant({});
    const fields = Object.values(named.getFields());
    return fc.record(Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, depth + 1)])), { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
  }
  switch (named.name) {
    case 'String':
    case 'ID':
      return oddString;
    case 'Int':
      return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)));
    case 'Float':
      return fc.double();
    case 'Boolean':
      return fc.boolean();
    case 'JSON':
      return json;
    case 'DateTime':
      return fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), oddString);
    default:
      // An enum: its values, or something that is not one.
      return fc.oneof(fc.constantFrom(...('getValues' in named ? (named as unknown as { getValues(): readonly { name: string }[] }).getValues().map((v) => v.name) : ['X'])), oddString);
  }
}

async function send(query: string, variables: unknown): Promise<{ status: number; body: { data?: unknown; errors?: { message: string }[] } }> {
  const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string }[] } };
}

describe('malformed input', () => {
  it.each(mutations.map((m) => [m.name, m] as const))('%s answers every input with a typed result or a validation error', async (_name, mutation) => {
    const inputType = mutation.args[0]!.type;
    const query = `mutation Fuzz($input: ${inputType.toString()}) { result: ${mutation.name}(input: $input) { __typename } }`;
    await fc.assert(
      fc.asyncProperty(valueOf(inputType), async (input) => {
        // claimTaskRuns would long-poll for up to a minute; the fuzz is about input, not waiting.
        const sent = mutation.name === 'claimTaskRuns' && typeof input === 'object' && input ? { ...input, waitMs: 0 } : input;
        const { status, body } = await send(query, { input: sent });
        expect(status).toBeLessThan(500);
        const messages = (body.errors ?? []).map((e) => e.message);
        expect(messages.filter((m) => /Unexpected error/i.test(m))).toEqual([]);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    );
  });

  it('keeps serving and leaves untouched the WfRun no input named', async () => {
    const after = await client.wfRun(bystander.id);
    expect(after?.lastSeq).toBe(bystander.lastSeq);
    expect(after?.status).toBe('RUNNING');
    // The fuzzed deletes may have named its TaskDef and WfSpec (they are among the known names): it still reads whole.
    expect((await client.request<{ wfRun: { wfSpec: { name: string } } }>('query($id: ID!) { wfRun(id: $id) { wfSpec { name } } }', { id: bystander.id })).wfRun.wfSpec.name).toBe(spec);
  });

  it('refuses text the database cannot store, in a literal or a variable, each time the same document comes again', async () => {
    const spec = await target();
    // The plugins remember what they read of a document's shape, so the same text sent twice takes that path.
    const literal = `mutation { runWf(input: { wfSpecName: "${spec}", id: "nul\\u0000${unique('x')}" }) { __typename } }`;
    const withVariables = 'mutation($input: RunWfInput!) { runWf(input: $input) { __typename } }';
    for (let i = 0; i < 2; i++) {
      expect((await send(literal, {})).body.errors?.[0]?.message, `literal, try ${i}`).toMatch(/NUL character/);
      const refused = await send(withVariables, { input: { wfSpecName: spec, id: `nul\u0000${i}` } });
      expect(refused.body.errors?.[0]?.message, `variable, try ${i}`).toMatch(/NUL character/);
      const id = unique(`clean-${i}`);
      expect((await send(withVariables, { input: { wfSpecName: spec, id, variables: { n: 1 } } })).body.errors, `clean, try ${i}`).toBeUndefined();
      expect(await client.wfRun(id)).toMatchObject({ id });
    }
  });

  it('answers bad JSON bodies and wrong variable types without falling over', async () => {
    const spec = await target();
    const raw = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "mutation {' });
    expect(raw.status).toBeLessThan(500);
    const wrong = await send('mutation($input: RunWfInput!) { runWf(input: $input) { __typename } }', { input: { wfSpecName: 12, variables: 'n=1' } });
    expect(wrong.body.errors?.[0]?.message).toMatch(/String|variables|Variable/);
    const typed = await client.runWf({ wfSpecName: spec, variables: { n: 'one' } }).catch((error: unknown) => error);
    expect(typed).toMatchObject({ code: 'ValidationError', problems: [{ path: ['variables', 'n'], code: 'TYPE_MISMATCH' }] });
  });

  it('refuses a value nested deeper than the limit with a typed problem, not a stack overflow', async () => {
    const spec = await target();
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const query = 'mutation($input: RunWfInput!) { runWf(input: $input) { __typename ... on ValidationError { problems { path code message } } } }';
    const body = `{"query": ${JSON.stringify(query)}, "variables": {"input": {"wfSpecName": ${JSON.stringify(spec)}, "variables": {"n": ${deep}}}}}`;
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await response.json()) as { data?: { runWf: { __typename: string; problems: { path: unknown[]; code: string; message: string }[] } }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.runWf).toEqual({
      __typename: 'ValidationError',
      problems: [{ path: ['input', 'variables', 'n'], code: 'DEPTH_LIMIT', message: expect.stringMatching(/more than 256 levels deep/) }],
    });
    // Nested as deep as the limit allows is a value like any other (here the wrong type for n).
    const allowed = await client.runWf({ wfSpecName: spec, variables: { n: JSON.parse(`${'['.repeat(256)}${']'.repeat(256)}`) } }).catch((error: unknown) => error);
    expect(allowed).toMatchObject({ code: 'ValidationError', problems: [{ path: ['variables', 'n'], code: 'TYPE_MISMATCH' }] });
  });

  it('refuses a search by a value nested deeper than the limit', async () => {
    const name = unique('deep-search');
    await client.putWfSpec(new Workflow(name, (wf) => void wf.declareJsonArr('doc').searchable()).compile());
    const query = `query($value: JSON!) { variables(wfSpecName: ${JSON.stringify(name)}, name: "doc", value: $value) { edges { node { wfRunId } } } }`;
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query": ${JSON.stringify(query)}, "variables": {"value": ${deep}}}` });
    const answer = (await response.json()) as { errors?: { message: string; extensions?: { problems?: unknown } }[] };
    expect(answer.errors?.[0]?.extensions?.problems).toEqual([{ path: ['value'], at: 'value', code: 'DEPTH_LIMIT', message: expect.stringMatching(/more than 256 levels deep/) }]);
    // As deep as the limit allows is searched like any other value.
    const allowed = await send(query, { value: JSON.parse(`${'['.repeat(256)}${']'.repeat(256)}`) });
    expect(allowed.body.errors).toBeUndefined();
    // The same for the WfRuns search by a variable.
    const wfRuns = `query($value: JSON!) { wfRuns(wfSpecName: ${JSON.stringify(name)}, variable: { name: "doc", value: $value }) { edges { node { id } } } }`;
    const refused = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query": ${JSON.stringify(wfRuns)}, "variables": {"value": ${deep}}}` });
    expect(((await refused.json()) as typeof answer).errors?.[0]?.extensions?.problems).toMatchObject([{ path: ['variable', 'value'], code: 'DEPTH_LIMIT' }]);
  });
});
