import { Workflow } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { refusal, startTestServer, unique } from './harness.ts';

const server = await startTestServer(inject('databaseUrl'));
const { client } = server;
afterAll(() => server.close());

describe('format strings, casts and expressions through the server', () => {
  it('registers a WfSpec that uses them, keeps them as written, and runs them', async () => {
    const task = unique('charge');
    await client.putTaskDef({ name: task, inputVars: [{ name: 'memo', type: 'STR' }, { name: 'cents', type: 'INT' }] });
    const name = unique('assignments');
    const spec = new Workflow(name, (wf) => {
      const customer = wf.declareStr('customer');
      const amount = wf.declareStr('amount');
      const quantity = wf.declareInt('quantity');
      wf.execute(task, wf.format('{0} buys {1}', customer, quantity), wf.expr(amount.castToDouble()).multiply(quantity).castToInt());
    }).compile();
    const put = await client.putWfSpec(spec);
    expect((await client.wfSpec(put.name))?.spec).toEqual(spec);

    const run = await client.runWf({ wfSpecName: name, variables: { customer: 'Ada', amount: '250.5', quantity: 1000 } });
    const taskRun = (await client.wfRun(run.id))?.nodeRuns.find((n) => n.taskRun)?.taskRun;
    expect((await client.taskRun(taskRun?.id ?? ''))?.input).toMatchObject({ memo: 'Ada buys 1,000', cents: 250500 });
  });

  it('fails the WfRun with VAR_SUB_ERROR when a cast cannot be made', async () => {
    const task = unique('count');
    await client.putTaskDef({ name: task, inputVars: [{ name: 'n', type: 'INT' }] });
    const name = unique('bad-cast');
    await client.putWfSpec(new Workflow(name, (wf) => void wf.execute(task, wf.declareStr('n').castToInt())).compile());
    const run = await client.runWf({ wfSpecName: name, variables: { n: 'many' } });
    const failed = await client.wfRun(run.id);
    expect(failed?.status).toBe('ERROR');
    expect(JSON.stringify(failed)).toContain("Cannot parse 'many' as INT.");
  });

  it('refuses a WfSpec whose template cannot be read or whose cast LittleHorse does not allow', async () => {
    const task = unique('greet');
    await client.putTaskDef({ name: task, inputVars: [{ name: 'text', type: 'STR' }] });
    const bad = new Workflow(unique('bad'), (wf) => {
      const n = wf.declareInt('n');
      wf.execute(task, wf.format('Hello {0', n));
      wf.execute(task, n.castToBool());
    }).compile();
    const refused = await refusal(client.putWfSpec(bad));
    expect(refused.problems.map((p) => p.code).sort()).toEqual(['INVALID_FORMAT_STRING', 'TYPE_MISMATCH']);
  });
});
