// LittleHorse's first quickstart: a WfSpec of two tasks, the second given the first's output.
//   node --import tsx examples/src/basic.ts      (with a server from `npm start` running)
import { defineTask, Workflow } from '@gallop/sdk';
import type { Example } from './support.ts';
import { runWhenMain, startWorkers, waitForEnd } from './support.ts';

export const greet = defineTask(
  { name: 'qs-greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' },
  ({ name }, ctx) => {
    ctx.log('greeting', name);
    return `Hello, ${name}!`;
  },
);

export const shout = defineTask({ name: 'qs-shout', inputVars: [{ name: 'text', type: 'STR' }], returnType: 'STR' }, ({ text }) =>
  (text ?? '').toUpperCase(),
);

export const workflow = new Workflow('qs-basic', (wf) => {
  const name = wf.declareStr('name').required();
  const greeting = wf.declareStr('greeting');
  const loud = wf.declareStr('loud');
  greeting.assign(wf.execute(greet, name));
  loud.assign(wf.execute(shout, greeting));
});

export const main: Example = async (client) => {
  const stop = await startWorkers(client, [greet, shout]);
  try {
    await workflow.register(client);
    const run = await client.runWf({ wfSpecName: 'qs-basic', variables: { name: 'Ada' } });
    return { wfRuns: [await waitForEnd(client, run.id)] };
  } finally {
    await stop();
  }
};

runWhenMain(import.meta.url, main);
