import { fileURLToPath } from 'node:url';
import type { WfSpec } from '@gallop/engine';
import { defineTask, TaskWorker, Workflow } from '@gallop/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { arriveLeavingEditor, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);

const greet = defineTask({ name: `ed-greet-${suffix}`, inputVars: [{ name: 'name', type: 'STR' }], returnType: 'STR' }, ({ name }) => `Hello, ${name}!`);
const lookup = defineTask({ name: `ed-lookup-${suffix}`, inputVars: [], returnType: 'JSON_OBJ' }, () => ({ items: [1, 2] }));

/** A WfSpec written with the SDK that holds every node type, an interrupt and a failure handler. */
const everyNode = new Workflow(`ed-every-node-${suffix}`, (wf) => {
  const name = wf.declareStr('name').required();
  const items = wf.declareJsonArr('items').withDefault([1, 2]);
  const open = wf.declareBool('open').withDefault(true);
  const review = wf.declareJsonObj('review');
  wf.registerInterruptHandler(`ed-cancel-${suffix}`, (h, input) => void h.execute(greet, input), { inputType: 'STR' });
  const greeting = wf.execute(greet, name).withRetries(2).timeout(30);
  wf.handleError(greeting, (h) => void h.execute(lookup));
  wf.doIf(name.isEqualTo('Ada'), (t) => t.sleepSeconds(1)).doElse((t) => void t.waitForEvent(`ed-approve-${suffix}`, { timeoutSeconds: 60 }));
  const one = wf.spawnThread('side', (t) => void t.execute(lookup));
  const many = wf.spawnThreadForEach(items, 'per-item', (t, item) => void t.execute(greet, item), { inputType: 'STR' });
  wf.waitForThreads(one, many);
  wf.waitForCondition(open.isEqualTo(true));
  wf.throwEvent(`ed-thrown-${suffix}`, name);
  const child = wf.runWf(`ed-child-${suffix}`, { name });
  wf.waitForChildWf(child);
  review.assign(wf.assignUserTask(`ed-form-${suffix}`, { userGroup: 'reviewers' }).withNotes('Look at it'));
  wf.complete(name);
});

/** The JSON panel's text, parsed. */
async function editorJson(page: Page): Promise<WfSpec> {
  await page.getByRole('tab', { name: 'JSON' }).click();
  return JSON.parse(await page.getByRole('textbox', { name: 'WfSpec JSON' }).inputValue()) as WfSpec;
}

describe('the WfSpec editor', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1440, height: 960 } });
  const workers: TaskWorker[] = [];

  beforeAll(async () => {
    const { client } = ctx;
    for (const task of [greet, lookup]) {
      const worker = new TaskWorker({ client, task, pollWaitMs: 1_000 });
      await worker.start();
      workers.push(worker);
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
  });

  // Each test opens the editor from another page: a draft the test before left changed is let go on the way.
  beforeEach(async () => {
    const { page, server } = ctx;
    await page.goto(`${server.url}/#/wf-runs`);
    await arriveLeavingEditor(page, page.getByRole('heading', { name: 'WfRuns', exact: true }));
  });

  it('builds the two-task quickstart with mouse and keyboard, registers it and runs it with a real worker', async () => {
    const { page, client, server, browser } = ctx;
    const name = `ed-quickstart-${suffix}`;
    await page.goto(`${server.url}/#/editor`);
    const node = (n: string) => page.getByTestId(`editor-node-${n}`);
    await node('0-entrypoint-ENTRYPOINT').waitFor();

    const nameField = page.getByRole('textbox', { name: 'WfSpec name' });
    await nameField.fill(name);
    await nameField.press('Enter');

    // A required STR variable, from the Variables panel with the keyboard.
    await page.getByRole('tab', { name: 'Variables' }).click();
    await page.getByRole('textbox', { name: 'New variable name' }).fill('name');
    await page.getByRole('combobox', { name: 'New variable type' }).selectOption('STR');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByRole('checkbox', { name: 'name is required' }).check();

    // The first task: select the start, click the palette; the task goes right after it.
    await node('0-entrypoint-ENTRYPOINT').click();
    await page.getByRole('button', { name: 'Add Task node' }).click();
    await node('2-task-TASK').waitFor();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    // A TASK with no TaskDef: the engine says so, on the node and in the list.
    await page.getByRole('heading', { name: /^\d+ problems?$/ }).waitFor();
    await node('2-task-TASK').locator('[aria-label$="problem"], [aria-label$="problems"]').waitFor();
    // Picking the TaskDef names the node after it, as LittleHorse names task nodes; the focus stays on the picker.
    const taskDef = page.getByRole('combobox', { name: 'TaskDef' });
    await taskDef.focus();
    await taskDef.selectOption(greet.name);
    await node(`2-${greet.name}-TASK`).waitFor();
    expect(await node('2-task-TASK').count()).toBe(0);
    await page.getByRole('heading', { name: `TASK 2-${greet.name}-TASK` }).waitFor();
    expect(await taskDef.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole('combobox', { name: 'Input name' }).selectOption('var:name');
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.screenshot({ path: `${screenshots}editor-one-task.png` });

    // The second task with the mouse: dragged from the palette onto the graph, then wired in by its handles.
    const graph = page.getByRole('application', { name: 'WfSpec graph' });
    await page.getByRole('button', { name: 'Add Task node' }).dragTo(graph, { targetPosition: { x: 560, y: 200 } });
    await node('3-task-TASK').waitFor();
    await page.getByRole('combobox', { name: 'TaskDef' }).selectOption(greet.name);
    await page.getByRole('combobox', { name: 'Input name' }).selectOption('literal');
    const literal = page.getByRole('textbox', { name: 'Input name: JSON text' });
    await literal.fill('"again"');
    await literal.press('Enter');
    const handle = async (n: string, kind: 'source' | 'target') => {
      const box = await node(n).locator(`.svelte-flow__handle.${kind}`).boundingBox();
      if (!box) throw new Error(`No ${kind} handle on ${n}`);
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const drag = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 12 });
      await page.mouse.up();
    };
    // Away from the first task's old edge into the exit: select that edge and delete it with the keyboard.
    const oldEdge = page.locator(`.svelte-flow__edge[aria-label="Edge 1 from 2-${greet.name}-TASK to 1-exit-EXIT"]`);
    await oldEdge.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Delete');
    await oldEdge.waitFor({ state: 'detached' });
    await drag(await handle(`2-${greet.name}-TASK`, 'source'), await handle(`3-${greet.name}-TASK`, 'target'));
    await drag(await handle(`3-${greet.name}-TASK`, 'source'), await handle('1-exit-EXIT', 'target'));
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.screenshot({ path: `${screenshots}editor-quickstart.png` });
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    const built = await editorJson(page);
    const nodes = built.threadSpecs.entrypoint?.nodes ?? {};
    expect(Object.fromEntries(Object.entries(nodes).map(([n, v]) => [n, (v.outgoingEdges ?? []).map((e) => e.sinkNodeName)]))).toEqual({
      '0-entrypoint-ENTRYPOINT': [`2-${greet.name}-TASK`],
      '1-exit-EXIT': [],
      [`2-${greet.name}-TASK`]: [`3-${greet.name}-TASK`],
      [`3-${greet.name}-TASK`]: ['1-exit-EXIT'],
    });

    // Simulated to completion before it is registered: mocks answer both tasks.
    await page.getByRole('tab', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await sim.getByRole('textbox', { name: 'Input name' }).fill('"Ada"');
    await sim.getByRole('button', { name: 'Start simulation' }).click();
    await sim.getByRole('textbox', { name: 'Mocks (JSON)' }).fill(JSON.stringify({ tasks: { [greet.name]: [{ output: 'Hello, Ada!' }, { output: 'Hello, again!' }] } }));
    await sim.getByRole('button', { name: 'Run until done or a breakpoint' }).click();
    await page.locator('[data-testid="sim-status"][data-status="COMPLETED"]').waitFor();
    await page.locator(`[data-testid="editor-node-3-${greet.name}-TASK"][data-status="COMPLETED"]`).waitFor();

    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('status').getByText(`Registered ${name} version 0.0.`).waitFor();
    const run = await client.runWf({ wfSpecName: name, variables: { name: 'Ada' } });
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the WfRun of the drawn WfSpec to complete' });
    const attempts = (await client.wfRun(run.id))?.nodeRuns.flatMap((n) => n.taskRun?.attempts.map((a) => a.output) ?? []);
    expect(attempts).toEqual(['Hello, Ada!', 'Hello, again!']);

    await page.goto(`${server.url}/#/wf-runs/${run.id}`);
    await page.locator(`[data-testid="node-3-${greet.name}-TASK"][data-status="COMPLETED"]`).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('builds a loop with a condition with mouse and keyboard, and the registered WfRun goes round it', async () => {
    const { page, client, server, browser } = ctx;
    const tick = defineTask({ name: `ed-tick-${suffix}`, inputVars: [{ name: 'n', type: 'INT' }], returnType: 'INT' }, ({ n }) => (n ?? 0) + 1);
    const worker = new TaskWorker({ client, task: tick, pollWaitMs: 1_000 });
    await worker.start();
    workers.push(worker);
    const name = `ed-loop-${suffix}`;
    await page.goto(`${server.url}/#/editor`);
    const node = (n: string) => page.getByTestId(`editor-node-${n}`);
    const edge = (label: string) => page.locator(`.svelte-flow__edge[aria-label="${label}"]`);
    const selectEdge = async (label: string) => {
      await edge(label).focus();
      await page.keyboard.press('Enter');
    };
    await node('0-entrypoint-ENTRYPOINT').waitFor();
    const nameField = page.getByRole('textbox', { name: 'WfSpec name' });
    await nameField.fill(name);
    await nameField.press('Enter');

    await page.getByRole('tab', { name: 'Variables' }).click();
    for (const v of ['count', 'limit']) {
      await page.getByRole('textbox', { name: 'New variable name' }).fill(v);
      await page.getByRole('combobox', { name: 'New variable type' }).selectOption('INT');
      await page.getByRole('button', { name: 'Add variable' }).click();
    }
    const countDefault = page.getByRole('textbox', { name: 'Default value of count' });
    await countDefault.fill('0');
    await countDefault.press('Enter');
    await page.getByRole('checkbox', { name: 'limit is required' }).check();

    // start → nop → task → exit, each added after the one selected.
    await node('0-entrypoint-ENTRYPOINT').click();
    await page.getByRole('button', { name: 'Add Nop node' }).click();
    await node('2-nop-NOP').waitFor();
    await page.getByRole('button', { name: 'Add Task node' }).click();
    await node('3-task-TASK').waitFor();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await page.getByRole('combobox', { name: 'TaskDef' }).selectOption(tick.name);
    await page.getByRole('combobox', { name: 'Input n' }).selectOption('var:count');

    // The task leads back to the nop instead of to the exit, and the nop gets a way out: dragged between handles.
    await selectEdge(`Edge 1 from 3-${tick.name}-TASK to 1-exit-EXIT`);
    await page.keyboard.press('Delete');
    await edge(`Edge 1 from 3-${tick.name}-TASK to 1-exit-EXIT`).waitFor({ state: 'detached' });
    const centre = async (n: string, kind: 'source' | 'target') => {
      const box = await node(n).locator(`.svelte-flow__handle.${kind}`).boundingBox();
      if (!box) throw new Error(`No ${kind} handle on ${n}`);
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const a = await centre(`3-${tick.name}-TASK`, 'source');
    const b = await centre('2-nop-NOP', 'target');
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 12 });
    await page.mouse.up();
    // The way out without the mouse: the inspector joins the selected node to another.
    await node('2-nop-NOP').click();
    await page.getByRole('combobox', { name: 'Add an edge to' }).selectOption('1-exit-EXIT');
    await page.getByRole('button', { name: 'Add edge' }).click();
    // Two unconditioned edges out of the nop: the engine says the second can never be taken.
    await page.getByRole('button', { name: /UNREACHABLE_EDGE/ }).waitFor();

    // The loop's edge gets its condition and goes first; the exit edge stays as the else.
    await selectEdge(`Edge 2 from 2-nop-NOP to 3-${tick.name}-TASK`);
    await page.getByRole('checkbox', { name: 'Condition' }).check();
    await page.getByRole('combobox', { name: 'Left value' }).selectOption('var:count');
    await page.getByRole('combobox', { name: 'Comparator' }).selectOption('LESS_THAN');
    await page.getByRole('combobox', { name: 'Right value' }).selectOption('var:limit');
    await page.getByRole('button', { name: 'Move edge earlier' }).click();

    // Going round adds one to count.
    await selectEdge(`Edge 1 from 3-${tick.name}-TASK to 2-nop-NOP`);
    await page.getByRole('button', { name: 'Add mutation' }).click();
    await page.getByRole('combobox', { name: 'Variable of mutation 1' }).selectOption('count');
    await page.getByRole('combobox', { name: 'Operation of mutation 1' }).selectOption('ADD');
    await page.getByRole('combobox', { name: 'Value of mutation 1' }).selectOption('literal');
    const one = page.getByRole('textbox', { name: 'Value of mutation 1: JSON text' });
    await one.fill('1');
    await one.press('Enter');
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.screenshot({ path: `${screenshots}editor-loop.png` });

    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('status').getByText(`Registered ${name} version 0.0.`).waitFor();
    const run = await client.runWf({ wfSpecName: name, variables: { limit: 3 } });
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the loop to finish' });
    const done = await client.wfRun(run.id);
    expect(done?.variables.find((v) => v.name === 'count')?.value).toBe(3);
    expect(done?.nodeRuns.filter((n) => n.nodeType === 'TASK').map((n) => n.taskRun?.attempts[0]?.output)).toEqual([1, 2, 3]);
    expect(browser.pageErrors).toEqual([]);
  });

  it('simulates a WfSpec in the page: answers, time travel, an edge explained, and a saved scenario that an edit breaks', async () => {
    const { page, client, server, browser } = ctx;
    const name = `ed-sim-${suffix}`;
    await new Workflow(name, (wf) => {
      const who = wf.declareStr('who').required();
      const greeting = wf.declareStr('greeting');
      greeting.assign(wf.execute(greet, who));
      wf.doIf(greeting.isEqualTo('Hello, Ada!'), (t) => void t.execute(lookup));
    }).register(client);
    await page.goto(`${server.url}/#/editor/${name}`);
    const node = (n: string) => page.getByTestId(`editor-node-${n}`);
    await node('0-entrypoint-ENTRYPOINT').waitFor();
    await page.getByRole('tab', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await sim.getByRole('textbox', { name: 'Input who' }).fill('"Ada"');
    await sim.getByRole('button', { name: 'Start simulation' }).click();
    await page.locator('[data-testid="sim-status"][data-status="RUNNING"]').waitFor();
    await page.locator(`[data-testid="editor-node-1-${greet.name}-TASK"][data-status="RUNNING"]`).waitFor();

    // Play the worker: the greeting comes back, the condition holds, the lookup runs. Attempts count from 1, as the
    // WfRun page counts them.
    await sim.getByText(`${greet.name} at 1-${greet.name}-TASK, attempt 1`).waitFor();
    await sim.getByRole('textbox', { name: `Answer for 1-${greet.name}-TASK` }).fill('"Hello, Ada!"');
    await sim.getByRole('button', { name: `Complete 1-${greet.name}-TASK` }).click();
    await sim.getByRole('button', { name: `Complete 3-${lookup.name}-TASK` }).click();
    await page.locator('[data-testid="sim-status"][data-status="COMPLETED"]').waitFor();
    await page.locator(`[data-testid="editor-node-3-${lookup.name}-TASK"][data-status="COMPLETED"]`).waitFor();
    await expect(sim.getByTestId('sim-variable-greeting').textContent()).resolves.toContain('"Hello, Ada!"');

    // Every conditional edge says whether it holds now; the selected one says why.
    await page.locator('.svelte-flow__edge-label', { hasText: '"Hello, Ada!" ✓' }).waitFor();
    await page.locator(`.svelte-flow__edge[aria-label="Edge 1 from 2-nop-NOP to 3-${lookup.name}-TASK"]`).focus();
    await page.keyboard.press('Enter');
    await expect(sim.getByTestId('edge-explanation').textContent()).resolves.toContain('holds');
    await page.screenshot({ path: `${screenshots}editor-simulator.png` });

    // Back in time, to before the greeting came: the task runs again and the variable is NULL.
    const events = Number((await sim.getByTestId('sim-position').textContent())?.match(/of (\d+)/)?.[1]);
    const greetRunning = page.locator(`[data-testid="editor-node-1-${greet.name}-TASK"][data-status="RUNNING"]`);
    for (let at = events; at > 1 && (await greetRunning.count()) === 0; at--) {
      await sim.getByRole('button', { name: 'Step back' }).click();
      await sim.getByTestId('sim-position').getByText(`After event ${at - 1} of`).waitFor();
    }
    await greetRunning.waitFor();
    await expect(sim.getByTestId('sim-variable-greeting').locator('td').nth(1).textContent()).resolves.toBe('null');

    // Saved as a scenario it passes; an edit that skips the lookup makes it fail, and marks what changed.
    await sim.getByRole('button', { name: 'Save scenario' }).click();
    await page.locator('[data-testid="scenario-0"][data-passed="true"]').waitFor();
    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = page.getByRole('textbox', { name: 'WfSpec JSON' });
    const edited = (await json.inputValue()).replace('"Hello, Ada!"', '"Hello, Bob!"');
    await json.fill(edited);
    // The simulator panel is hidden behind the JSON panel, and still at work.
    await page.locator('[data-testid="scenario-0"][data-passed="false"]').waitFor({ state: 'attached' });
    await page.locator(`[data-testid="editor-node-3-${lookup.name}-TASK"][data-change="changed"]`).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('opens a WfSpec the SDK wrote, with every node type, and saves it unchanged', async () => {
    const { page, client, server, browser } = ctx;
    await client.putExternalEventDef({ name: `ed-cancel-${suffix}` });
    await client.putExternalEventDef({ name: `ed-approve-${suffix}` });
    await client.putWorkflowEventDef({ name: `ed-thrown-${suffix}` });
    await client.putUserTaskDef({ name: `ed-form-${suffix}`, fields: [{ name: 'ok', type: 'BOOL' }] });
    await new Workflow(`ed-child-${suffix}`, (wf) => void wf.declareStr('name')).register(client);
    const compiled = everyNode.compile();
    const registered = await everyNode.register(client);
    const types = new Set(Object.values(compiled.threadSpecs).flatMap((t) => Object.values(t.nodes).map((n) => n.type)));
    expect(types.size).toBe(14);
    // The server pins the child's major version and the UserTaskDef's version (LittleHorse does): the spec as registered.
    const pinned = (node: WfSpec['threadSpecs'][string]['nodes'][string]) =>
      node.type === 'RUN_CHILD_WF' ? { ...node, majorVersion: 0 } : node.type === 'USER_TASK' ? { ...node, userTaskDefVersion: 0 } : node;
    const written: WfSpec = {
      ...compiled,
      threadSpecs: Object.fromEntries(
        Object.entries(compiled.threadSpecs).map(([name, t]) => [name, { ...t, nodes: Object.fromEntries(Object.entries(t.nodes).map(([n, node]) => [n, pinned(node)])) }]),
      ),
    };

    await page.goto(`${server.url}/#/editor/${everyNode.name}`);
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').waitFor();
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.screenshot({ path: `${screenshots}editor-every-node.png` });
    expect(await editorJson(page)).toEqual(written);

    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('status').getByText(`Registered ${everyNode.name} version ${registered.majorVersion}.${registered.revision}.`).waitFor();
    expect((await client.wfSpec(everyNode.name))?.spec).toEqual(written);

    // Handlers are reachable from what they guard: a node's failure handler, and the thread's interrupt.
    const handler = `exn-handler-1-${greet.name}-TASK-FAILURE_TYPE_ERROR`;
    await page.getByTestId(`editor-node-1-${greet.name}-TASK`).click();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await page.getByRole('button', { name: `Open thread ${handler}` }).click();
    await page.getByRole('tab', { name: handler, selected: true }).waitFor();
    await page.getByRole('tab', { name: /^entrypoint/ }).click();
    const interrupts = page.getByRole('region', { name: 'Interrupts of entrypoint' });
    await interrupts.getByText(`on ed-cancel-${suffix}`).waitFor();
    await interrupts.getByRole('button', { name: `Open thread interrupt-ed-cancel-${suffix}` }).click();
    await page.getByRole('tab', { name: `interrupt-ed-cancel-${suffix}`, selected: true }).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('opens a WfSpec with format strings, casts and a BOOL condition, shows and edits them', async () => {
    const { page, client, server, browser } = ctx;
    const name = `ed-computed-${suffix}`;
    await new Workflow(name, (wf) => {
      const who = wf.declareStr('who').required();
      const age = wf.declareStr('age');
      const adult = wf.declareBool('adult');
      adult.assign(wf.and(age.castToInt().isGreaterThanEq(18), who.isNotEqualTo('')));
      wf.doIf(adult, () => void wf.execute(greet, wf.format('Hi {0}, {1}', who, wf.expr(age.castToInt()).add(1))));
    }).register(client);

    await page.goto(`${server.url}/#/editor/${name}`);
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    const task = `2-${greet.name}-TASK`;
    await page.getByTestId(`editor-node-${task}`).click();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    // The template and its arguments have fields of their own; an expression is shown as text.
    const template = page.getByRole('textbox', { name: 'Input name: template' });
    await expect(template.inputValue()).resolves.toBe('Hi {0}, {1}');
    await page.getByText('(age as INT + 1)').waitFor();
    await template.fill('Hi {0}, {1} {');
    await page.getByText(/Unmatched braces/).waitFor();
    await template.fill('{2}: hi {0}, {1}');
    await template.press('Enter');
    await page.getByRole('button', { name: 'Add an argument to Input name' }).click();
    await page.getByRole('combobox', { name: 'Input name {2}', exact: true }).selectOption('var:adult');
    await page.getByRole('button', { name: 'Cast Input name', exact: true }).click();
    await page.getByRole('combobox', { name: 'Cast Input name to', exact: true }).selectOption('STR');
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.screenshot({ path: `${screenshots}editor-format-string.png` });
    expect((await editorJson(page)).threadSpecs.entrypoint?.nodes[task]).toMatchObject({
      inputs: [{ type: 'FORMAT_STRING', format: { type: 'LITERAL', value: '{2}: hi {0}, {1}' }, args: [{ variableName: 'who' }, { type: 'EXPRESSION' }, { type: 'VARIABLE', variableName: 'adult' }], targetType: 'STR' }],
    });

    // The doIf's edge holds when the BOOL variable does.
    const edge = page.locator(`.svelte-flow__edge[aria-label="Edge 1 from 1-nop-NOP to ${task}"]`);
    await edge.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await expect(page.getByRole('combobox', { name: 'Condition: BOOL value' }).inputValue()).resolves.toBe('var:adult');
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });

  it("adds a reminder task to a user task node with the engine's problems beside it, and registers the spec holding it", async () => {
    const { page, client, server, browser } = ctx;
    const name = `ed-reminders-${suffix}`;
    const remind = `ed-remind-${suffix}`;
    const review = `ed-review-${suffix}`;
    await client.putTaskDef({ name: remind, inputVars: [{ name: 'who', type: 'STR' }] });
    await client.putUserTaskDef({ name: review, fields: [{ name: 'ok', type: 'BOOL' }] });
    await new Workflow(name, (wf) => {
      wf.declareStr('who');
      wf.assignUserTask(review, { userGroup: 'reviewers' });
    }).register(client);
    const ask = `1-${review}-USER_TASK`;

    await page.goto(`${server.url}/#/editor/${name}`);
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.getByTestId(`editor-node-${ask}`).click();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    const inspector = page.getByTestId('node-inspector');
    await inspector.getByText(/^None\. An action runs a reminder task/).waitFor();

    // A reminder starts without a TaskDef: the engine's problem shows in the action and in the list.
    expect(await inspector.getByRole('combobox', { name: 'Kind of action to add' }).inputValue()).toBe('TASK');
    await inspector.getByRole('button', { name: 'Add action' }).click();
    const action = inspector.getByRole('group', { name: 'Action 1' });
    const missing = `The task of action 1 of USER_TASK '${ask}' runs TaskDef '', which is not registered.`;
    await action.getByRole('list', { name: 'Problems of action 1' }).getByText(missing, { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Problems' }).getByText(missing, { exact: true }).waitFor();

    // The TaskDef from the catalog, its input from a variable, a delay the engine refuses and then one it takes.
    await action.getByRole('combobox', { name: 'TaskDef' }).selectOption(remind);
    await action.getByRole('combobox', { name: 'Input who' }).selectOption('var:who');
    const delay = action.getByRole('textbox', { name: 'Delay of action 1: JSON text' });
    await delay.fill('-5');
    await delay.press('Enter');
    await action.getByText(`The delay of action 1 of USER_TASK '${ask}' may not be negative.`, { exact: true }).waitFor();
    await action.screenshot({ path: `${screenshots}editor-reminder-problem.png` });
    await delay.fill('120');
    await delay.press('Enter');
    await action.getByRole('combobox', { name: 'When' }).selectOption('ON_TASK_ASSIGNED');
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    expect(await action.getByRole('list', { name: 'Problems of action 1' }).count()).toBe(0);
    await action.getByText(`On assignment, after 120 s: run ${remind}`, { exact: true }).waitFor();

    // A second action, added and removed again.
    await inspector.getByRole('combobox', { name: 'Kind of action to add' }).selectOption('CANCEL');
    await inspector.getByRole('button', { name: 'Add action' }).click();
    await inspector.getByRole('group', { name: 'Action 2' }).getByText('On arrival, after 3600 s: cancel', { exact: true }).waitFor();
    await inspector.getByRole('button', { name: 'Remove action 2' }).click();
    await expect.poll(() => inspector.getByRole('group', { name: 'Action 2' }).count()).toBe(0);
    // A REASSIGN names its user id and group fields per action.
    await inspector.getByRole('combobox', { name: 'Kind of action to add' }).selectOption('REASSIGN');
    await inspector.getByRole('button', { name: 'Add action' }).click();
    const reassign = inspector.getByRole('group', { name: 'Action 2' });
    await reassign.getByRole('combobox', { name: 'User id of action 2', exact: true }).waitFor();
    await reassign.getByRole('combobox', { name: 'User group of action 2', exact: true }).waitFor();
    await inspector.getByRole('button', { name: 'Remove action 2' }).click();
    await expect.poll(() => inspector.getByRole('group', { name: 'Action 2' }).count()).toBe(0);
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}editor-reminder.png` });

    const reminder = {
      hook: 'ON_TASK_ASSIGNED',
      delaySeconds: { type: 'LITERAL', value: 120 },
      action: { type: 'TASK', task: { taskDefName: remind, inputs: [{ type: 'VARIABLE', variableName: 'who' }] } },
    };
    expect((await editorJson(page)).threadSpecs.entrypoint?.nodes[ask]).toMatchObject({ actions: [reminder] });
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('status').getByText(/^Registered .* version 0\.1\.$/).waitFor();
    const saved = ((await client.wfSpec(name))?.spec as WfSpec | undefined)?.threadSpecs.entrypoint?.nodes[ask];
    expect(saved).toMatchObject({ type: 'USER_TASK', userTaskDefName: review, actions: [reminder] });
    expect(browser.pageErrors).toEqual([]);
  });

  it('keeps the field state of the user task actions after one that is removed with those actions', async () => {
    const { page, client, server, browser } = ctx;
    const name = `ed-action-keys-${suffix}`;
    const review = `ed-keys-review-${suffix}`;
    await client.putUserTaskDef({ name: review, fields: [{ name: 'ok', type: 'BOOL' }] });
    await new Workflow(name, (wf) => void wf.assignUserTask(review, { userGroup: 'reviewers' })).register(client);
    await page.goto(`${server.url}/#/editor/${name}`);
    await page.getByTestId(`editor-node-1-${review}-USER_TASK`).click();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    const inspector = page.getByTestId('node-inspector');
    await inspector.getByRole('combobox', { name: 'Kind of action to add' }).selectOption('CANCEL');
    for (let n = 1; n <= 3; n++) {
      await inspector.getByRole('button', { name: 'Add action' }).click();
      await inspector.getByRole('group', { name: `Action ${n}` }).waitFor();
    }
    const delay = (n: number) => inspector.getByRole('textbox', { name: `Delay of action ${n}: JSON text` });
    // Half typed: not a number yet, so the field holds it and the WfSpec keeps 3600.
    await delay(2).fill('12x');
    await inspector.getByRole('button', { name: 'Remove action 1' }).click();
    await expect.poll(() => inspector.getByRole('group', { name: 'Action 3' }).count()).toBe(0);
    // What was action 2 is action 1 now, with what was typed in it; what was action 3 has its own value.
    expect(await delay(1).inputValue()).toBe('12x');
    expect(await delay(2).inputValue()).toBe('3600');
    expect(browser.pageErrors).toEqual([]);
  });

  it('draws the diff of a version and the draft on the graph, with the running WfRuns it would touch', async () => {
    const { page, client, server, browser } = ctx;
    const charge = `ed-charge-${suffix}`;
    const ship = `ed-ship-${suffix}`;
    await client.putTaskDef({ name: charge });
    await client.putTaskDef({ name: ship });
    const name = `ed-diff-${suffix}`;
    await new Workflow(name, (wf) => {
      wf.execute(charge);
      wf.execute(ship);
    }).register(client);
    // No worker serves these TaskDefs: the WfRun stays on its first task.
    const run = await client.runWf({ wfSpecName: name });

    await page.goto(`${server.url}/#/editor/${name}`);
    const node = (n: string) => page.getByTestId(`editor-node-${n}`);
    await node(`1-${charge}-TASK`).click();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    const retries = page.getByRole('spinbutton', { name: 'Retries' });
    await retries.fill('2');
    await retries.press('Enter');
    await node(`2-${ship}-TASK`).click();
    await page.keyboard.press('Delete');
    await node(`2-${ship}-TASK`).waitFor({ state: 'detached' });
    await node(`1-${charge}-TASK`).click();
    await page.getByRole('button', { name: 'Add Exit node' }).click();

    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByRole('button', { name: 'Show diff' }).click();
    const diff = page.getByRole('figure', { name: 'Diff of thread entrypoint' });
    await diff.waitFor();
    const changeOf = async (n: string) => diff.getByTestId(`editor-node-${n}`).getAttribute('data-change');
    expect([await changeOf(`1-${charge}-TASK`), await changeOf(`2-${ship}-TASK`), await changeOf('0-entrypoint-ENTRYPOINT')]).toEqual(['changed', 'removed', null]);
    // The summary says how the kept node changed, not only that it did.
    const fields = page.getByRole('list', { name: 'What changed in thread entrypoint' });
    await expect(fields.textContent()).resolves.toMatch(new RegExp(`1-${charge}-TASK:\\s*retries \\(none\\) → 2`));
    const affected = page.getByRole('list', { name: 'Affected WfRuns' });
    await expect(affected.textContent()).resolves.toContain(run.id);
    await expect(affected.textContent()).resolves.toContain(`1-${charge}-TASK (changed)`);
    await page.screenshot({ path: `${screenshots}editor-version-diff.png` });

    await page.getByRole('button', { name: 'Back to editing' }).click();
    await page.getByRole('application', { name: 'WfSpec graph' }).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('keeps the name a user gave a Task node when its TaskDef is picked, and undoes a rename from the TaskDef in one step', async () => {
    const { page, browser } = ctx;
    await freshEditor();
    const node = (n: string) => page.getByTestId(`editor-node-${n}`);
    await node('0-entrypoint-ENTRYPOINT').click();
    await page.getByRole('button', { name: 'Add Task node' }).click();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await page.getByRole('combobox', { name: 'TaskDef' }).selectOption(greet.name);
    await node(`2-${greet.name}-TASK`).waitFor();
    // Another TaskDef: the name the editor gave still follows it.
    await page.getByRole('combobox', { name: 'TaskDef' }).selectOption(lookup.name);
    await node(`2-${lookup.name}-TASK`).waitFor();
    // Undo takes back the TaskDef and the name together.
    await page.getByRole('button', { name: 'Undo' }).click();
    await node(`2-${greet.name}-TASK`).waitFor();
    await node(`2-${greet.name}-TASK`).click();
    expect(Object.keys((await editorJson(page)).threadSpecs.entrypoint?.nodes ?? {})).toContain(`2-${greet.name}-TASK`);
    await page.getByRole('tab', { name: 'Inspector' }).click();

    // Named by the user, it keeps its name.
    const field = page.getByRole('textbox', { name: 'Node name' });
    await field.fill('charge-card');
    await field.press('Enter');
    await node('charge-card').waitFor();
    await page.getByRole('combobox', { name: 'TaskDef' }).selectOption(lookup.name);
    await expect.poll(async () => (await editorJson(page)).threadSpecs.entrypoint?.nodes['charge-card']).toMatchObject({ type: 'TASK', taskDefName: lookup.name });
    expect(browser.pageErrors).toEqual([]);
  });

  it('draws an edge around a node that stands between its ends, never behind it', async () => {
    const { page, browser } = ctx;
    await freshEditor();
    // Start, then a Task inserted below it, then Exit: an edge from Start straight down to Exit would cross the Task.
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').click();
    await page.getByRole('button', { name: 'Add Task node' }).click();
    await page.getByTestId('editor-node-2-task-TASK').waitFor();
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').click();
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await page.getByRole('combobox', { name: 'Add an edge to' }).selectOption('1-exit-EXIT');
    await page.getByRole('button', { name: 'Add edge' }).click();
    const path = page.locator('.svelte-flow__edge[aria-label="Edge 1 from 0-entrypoint-ENTRYPOINT to 1-exit-EXIT"] path.svelte-flow__edge-path');
    await path.waitFor();
    const task = await page.getByTestId('editor-node-2-task-TASK').boundingBox();
    if (!task) throw new Error('The Task node is not drawn.');
    // Points along the drawn edge, in page coordinates: none falls inside the Task node.
    const points = await path.evaluate((el: SVGPathElement) => {
      const length = el.getTotalLength();
      const matrix = el.getScreenCTM();
      if (!matrix) return [];
      return Array.from({ length: 101 }, (_, k) => {
        const p = el.getPointAtLength((length * k) / 100);
        return { x: matrix.a * p.x + matrix.c * p.y + matrix.e, y: matrix.b * p.x + matrix.d * p.y + matrix.f };
      });
    });
    expect(points).toHaveLength(101);
    const behind = points.filter((p) => p.x > task.x && p.x < task.x + task.width && p.y > task.y && p.y < task.y + task.height);
    await page.screenshot({ path: `${screenshots}editor-edge-around-node.png` });
    expect(behind).toEqual([]);
    // The edge still ends at Exit: its last point is at Exit's top.
    const exit = await page.getByTestId('editor-node-1-exit-EXIT').boundingBox();
    const end = points.at(-1)!;
    expect(Math.abs(end.x - (exit!.x + exit!.width / 2))).toBeLessThan(2);
    expect(Math.abs(end.y - exit!.y)).toBeLessThan(8);
    expect(browser.pageErrors).toEqual([]);
  });

  it('undoes and redoes twenty edits, each state exactly as it was', async () => {
    const { page, server, browser } = ctx;
    await page.goto(`${server.url}/#/editor`);
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').waitFor();
    const states = [await editorJson(page)];
    const kinds = ['Task', 'Nop', 'Sleep', 'Exit', 'Wait for event'];
    for (let i = 0; i < 20; i++) {
      if (i === 9) {
        // A variable typed into the JSON panel.
        const json = page.getByRole('textbox', { name: 'WfSpec JSON' });
        await json.fill((await json.inputValue()).replace('"variableDefs": []', '"variableDefs": [{ "name": "fromJson", "type": "STR" }]'));
        await page.getByRole('application', { name: 'WfSpec graph' }).click({ position: { x: 5, y: 5 } });
      } else if (i === 14) {
        // A node renamed in the inspector: its name and where it is drawn change together, one undo step.
        await page.getByTestId('editor-node-2-task-TASK').click();
        await page.getByRole('tab', { name: 'Inspector' }).click();
        const field = page.getByRole('textbox', { name: 'Node name' });
        await field.fill('2-renamed-TASK');
        await field.press('Enter');
      } else if (i % 4 === 3) {
        // Every fourth edit renames the WfSpec, a change that is not a node.
        const field = page.getByRole('textbox', { name: 'WfSpec name' });
        await field.fill(`undo-${i}`);
        await field.press('Enter');
      } else {
        await page.getByRole('button', { name: `Add ${kinds[i % kinds.length]} node` }).click();
      }
      await waitFor(async () => JSON.stringify(await editorJson(page)) !== JSON.stringify(states[states.length - 1]), { what: `edit ${i + 1} to show` });
      states.push(await editorJson(page));
    }
    const undo = page.getByRole('button', { name: 'Undo' });
    const redo = page.getByRole('button', { name: 'Redo' });
    for (let i = 19; i >= 0; i--) {
      await undo.click();
      expect(await editorJson(page)).toEqual(states[i]);
    }
    expect(await undo.isDisabled()).toBe(true);
    for (let i = 1; i <= 20; i++) {
      // Half by button, half by keyboard.
      if (i % 2 === 0) await redo.click();
      else {
        await page.getByRole('application', { name: 'WfSpec graph' }).click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('Control+Shift+Z');
      }
      expect(await editorJson(page)).toEqual(states[i]);
    }
    expect(await redo.isDisabled()).toBe(true);
    expect(browser.pageErrors).toEqual([]);
  });

  /** A new draft in the editor. */
  async function freshEditor(): Promise<void> {
    const { page, server } = ctx;
    await page.goto(`${server.url}/#/editor`);
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').waitFor();
  }

  it('asks before another page of the console drops a draft with changes, and stays when told to', async () => {
    const { page } = ctx;
    await freshEditor();
    const question = page.getByRole('alertdialog', { name: 'Leave the editor?' });
    // Untouched, it leaves without asking.
    await page.getByRole('link', { name: 'WfRuns', exact: true }).first().click();
    await page.getByRole('heading', { name: 'WfRuns', exact: true }).waitFor();
    await page.goBack();
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').waitFor();
    await page.getByRole('button', { name: 'Add Sleep node' }).click();
    await page.getByTestId('editor-node-2-sleep-SLEEP').waitFor();
    await page.getByRole('link', { name: 'WfRuns', exact: true }).first().click();
    await expect(question.textContent()).resolves.toMatch(/The changes to new-workflow are not registered/);
    await page.screenshot({ path: `${screenshots}editor-leave.png` });
    await question.getByRole('button', { name: 'Cancel' }).click();
    // Kept: the draft is still drawn and the URL is the editor's again.
    await question.waitFor({ state: 'hidden' });
    await page.getByTestId('editor-node-2-sleep-SLEEP').waitFor();
    expect(new URL(page.url()).hash).toBe('#/editor');
    // Back asks too; kept, the history is as it was: Back again still leads to the WfRuns page.
    await page.goBack();
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'hidden' });
    await waitFor(async () => new URL(page.url()).hash === '#/editor', { what: 'the editor URL back' });
    await page.getByTestId('editor-node-2-sleep-SLEEP').waitFor();
    await page.goBack();
    await question.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('heading', { name: 'WfRuns', exact: true }).waitFor();
    await page.goForward();
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').waitFor();
    await page.getByRole('button', { name: 'Add Sleep node' }).click();
    await page.getByRole('link', { name: 'WfRuns', exact: true }).first().click();
    await question.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('heading', { name: 'WfRuns', exact: true }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/wf-runs');
  });

  it('inserts a node after the one selected, moving what was below it down instead of covering it', async () => {
    const { page } = ctx;
    await freshEditor();
    const start = page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT');
    await start.click();
    await page.getByRole('button', { name: 'Add Task node' }).click();
    const added = page.getByTestId('editor-node-2-task-TASK');
    await added.waitFor();
    const [a, b] = [await added.boundingBox(), await page.getByTestId('editor-node-1-exit-EXIT').boundingBox()];
    if (!a || !b) throw new Error('A node is not drawn.');
    // Exit, which followed Start, is now below the new Task, not under it.
    expect(b.y).toBeGreaterThanOrEqual(a.y + a.height);
  });
});
