import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TaskWorker, Workflow } from '@gallop/sdk';
import { GallopClient } from '@gallop/sdk';
import type { Page, UserTaskRunInfo, WfRunInfo } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT, startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { createDeferred, waitFor } from '../support/wait.ts';

const BIN = join(ROOT, 'cli/bin/gallop.js');
const FIXTURES = 'test/e2e/fixtures/cli';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `gallop` executable in its own process, as a person would, and collects what it printed. */
function gallop(args: readonly string[], file = process.execPath, prefix: readonly string[] = [BIN], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...extraEnv };
    delete env.GALLOP_URL;
    execFile(file, [...prefix, ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the gallop CLI', () => {
  let server: ServerProcess;
  let client: GallopClient;
  let worker: TaskWorker | undefined;
  /** `gallop --url <this server> ...args` */
  let cli: (...args: string[]) => Promise<Run>;

  const finished = (id: string) =>
    waitFor(
      async () => {
        const run = await client.wfRun(id);
        return run && ['COMPLETED', 'ERROR', 'EXCEPTION'].includes(run.status) ? run : undefined;
      },
      { what: `WfRun ${id} to end` },
    );

  beforeAll(async () => {
    server = await startServer({ databaseUrl: inject('databaseUrl') });
    client = server.client();
    cli = (...args) => gallop(['--url', server.graphqlUrl, ...args]);
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
  });

  it('deploys metadata and a WfSpec from JSON files, printing each name and version', async () => {
    const result = await cli('deploy', `${FIXTURES}/greet.json`, `${FIXTURES}/metadata.json`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Metadata goes first whatever the order of the files: the WfSpec names the TaskDef.
    expect(result.stdout.trim().split('\n')).toEqual([
      'deployed TaskDef cli-greet',
      'deployed ExternalEventDef cli-approval',
      'deployed WorkflowEventDef cli-done',
      'deployed UserTaskDef cli-form version 0',
      'deployed WfSpec cli-greet version 0.0',
    ]);
    worker = new TaskWorker({ client, taskDefName: 'cli-greet', fn: ({ name }) => `Hello, ${String(name)}!`, pollWaitMs: 2_000 });
    worker.start();
  });

  it('deploys every Workflow a TypeScript module exports, a child before the parent that runs it', async () => {
    const result = await cli('deploy', `${FIXTURES}/workflows.ts`);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['deployed WfSpec cli-review version 0.0', 'deployed WfSpec cli-approval version 0.0']);
    expect((await client.wfSpec('cli-review'))?.spec).toMatchObject({ name: 'cli-review', entrypointThreadName: 'entrypoint' });
  });

  it('lists and gets what was deployed', async () => {
    // On PostgreSQL every test file shares one database: the lists hold other files' objects too, so this test
    // follows the pages to the end and looks at its own.
    const listAll = async (kind: string): Promise<Record<string, unknown>[]> => {
      const items: Record<string, unknown>[] = [];
      for (let after: string | undefined; ; ) {
        const result = await cli('list', kind, '--json', '--limit', '500', ...(after ? ['--after', after] : []));
        expect(result.code).toBe(0);
        const page = JSON.parse(result.stdout) as { items: Record<string, unknown>[]; hasNextPage: boolean; endCursor: string };
        items.push(...page.items);
        if (!page.hasNextPage) return items;
        after = page.endCursor;
      }
    };
    const [specs, allSpecs, taskDefs, eventDef, workflowEventDef] = await Promise.all([
      cli('list', 'wfSpecs'),
      listAll('wfSpecs'),
      listAll('taskDefs'),
      cli('get', 'externalEventDef', 'cli-approval'),
      cli('get', 'workflowEventDef', 'cli-done', '--json'),
    ]);
    const rows = specs.stdout.trim().split('\n');
    expect(rows[0]?.split(/\s+/).slice(0, 3)).toEqual(['NAME', 'VERSION', 'CREATED']);
    expect(rows.slice(1).filter((row) => row && !row.startsWith('more:')).every((row) => /^\S+\s+\d+\.\d+\s+\S+/.test(row))).toBe(true);
    expect(allSpecs.filter((s) => String(s.name).startsWith('cli-')).map((s) => `${String(s.name)} ${String(s.majorVersion)}.${String(s.revision)}`)).toEqual([
      'cli-approval 0.0',
      'cli-greet 0.0',
      'cli-review 0.0',
    ]);
    expect(taskDefs.filter((t) => String(t.name).startsWith('cli-'))).toEqual([await client.taskDef('cli-greet')]);
    // --prefix narrows a def list by name on the server.
    const prefixed = await cli('list', 'wfSpecs', '--prefix', 'cli-r');
    expect(prefixed.stdout.trim().split('\n').slice(1).map((row) => row.split(/\s+/)[0])).toEqual(['cli-review']);
    expect(eventDef.stdout).toMatch(/^name:\s+cli-approval$/m);
    expect(JSON.parse(workflowEventDef.stdout)).toEqual({ name: 'cli-done', createdAt: expect.any(String) as unknown });
  });

  it('prints a refused WfSpec with each problem and its path, and exits 1', async () => {
    const result = await cli('deploy', `${FIXTURES}/broken.json`);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^gallop: ValidationError: WfSpec 'cli-broken' refused: /);
    expect(lines.slice(1)).toEqual([
      `  threadSpecs.entrypoint.nodes["1-cli-missing-TASK"].taskDefName: TASK node '1-cli-missing-TASK' runs TaskDef 'cli-missing', which is not registered.`,
    ]);
  });

  it('validates a Workflow from an SDK module before registering it, naming the builder call behind each problem', async () => {
    const result = await cli('deploy', `${FIXTURES}/broken-workflow.ts`);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^gallop: ValidationError: WfSpec 'cli-broken-sdk' refused/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^  threadSpecs\.entrypoint\.nodes\["1-cli-no-such-task-TASK"\]\.taskDefName: .* \(execute\('cli-no-such-task'\) at test\/e2e\/fixtures\/cli\/broken-workflow\.ts:5:6\)$/),
    ]);
    expect(await client.wfSpec('cli-broken-sdk')).toBeNull();
  });

  it('runs a WfSpec with variables and shows the WfRun, as text and as the exact JSON of the API', async () => {
    const started = await cli('run', 'cli-greet', '--var', 'name=Ada', '--id', 'cli-ada');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^id:\s+cli-ada$/m);
    expect(started.stdout).toMatch(/^wfSpec:\s+cli-greet 0\.0$/m);
    await finished('cli-ada');

    const text = await cli('get', 'wfRun', 'cli-ada');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^status:\s+COMPLETED$/m);
    expect(text.stdout).toMatch(/^\s+0\s+1\s+1-cli-greet-TASK\s+COMPLETED\s/m);
    expect(text.stdout).toMatch(/^\s+0\s+greeting\s+"Hello, Ada!"$/m);

    const json = await cli('get', 'wfRun', 'cli-ada', '--json');
    expect(json.code).toBe(0);
    const run = await client.wfRun('cli-ada');
    expect(JSON.parse(json.stdout) as WfRunInfo).toEqual(run);

    const [nodeRun, variable, missing] = await Promise.all([
      cli('get', 'nodeRun', 'cli-ada', '0', '1', '--json'),
      cli('get', 'variable', 'cli-ada', 'greeting'),
      cli('get', 'nodeRun', 'cli-ada', '0', '9'),
    ]);
    expect(JSON.parse(nodeRun.stdout)).toEqual(run?.nodeRuns.find((n) => n.position === 1));
    expect(variable.stdout).toMatch(/^value:\s+"Hello, Ada!"$/m);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, "gallop: NotFoundError: NodeRun 'cli-ada/0/9' not found"]);
  });

  it('exits 1 with "not found" for an id the server does not have', async () => {
    const result = await cli('get', 'wfRun', 'cli-nobody');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe("gallop: NotFoundError: WfRun 'cli-nobody' not found");
  });

  it('deletes metadata, printing what went, and says not found for what is already gone', async () => {
    await client.putTaskDef({ name: 'cli-gone' });
    await client.putExternalEventDef({ name: 'cli-gone-event' });
    await client.putWorkflowEventDef({ name: 'cli-gone-thrown' });
    await client.putUserTaskDef({ name: 'cli-gone-form', fields: [{ name: 'ok', type: 'BOOL' }] });
    const spec = await client.putWfSpec({
      name: 'cli-gone',
      entrypointThreadName: 'entrypoint',
      threadSpecs: { entrypoint: { nodes: { '0-entrypoint-ENTRYPOINT': { type: 'ENTRYPOINT', outgoingEdges: [{ sinkNodeName: '1-exit-EXIT' }] }, '1-exit-EXIT': { type: 'EXIT' } } } },
    });
    const lines = [];
    for (const args of [
      ['wfSpec', 'cli-gone', '--major', String(spec.majorVersion), '--revision', String(spec.revision)],
      ['taskDef', 'cli-gone'],
      ['userTaskDef', 'cli-gone-form', '--version', '0'],
      ['externalEventDef', 'cli-gone-event'],
      ['workflowEventDef', 'cli-gone-thrown'],
    ]) {
      const result = await cli('delete', ...args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      lines.push(result.stdout.trim());
    }
    expect(lines).toEqual([
      'deleted WfSpec cli-gone version 0.0',
      'deleted TaskDef cli-gone',
      'deleted UserTaskDef cli-gone-form version 0',
      'deleted ExternalEventDef cli-gone-event',
      'deleted WorkflowEventDef cli-gone-thrown',
    ]);
    expect(await client.wfSpec('cli-gone')).toBeNull();
    expect(await client.taskDef('cli-gone')).toBeNull();
    const again = await cli('delete', 'taskDef', 'cli-gone');
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe("gallop: NotFoundError: TaskDef cli-gone does not exist.");
    const missing = await cli('delete', 'wfSpec', 'cli-gone', '--major', '0');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--revision <n>' not specified");
  });

  it('searches WfRuns a page at a time, printing the cursor of the next page', async () => {
    await client.runWf({ wfSpecName: 'cli-greet', id: 'cli-bob', variables: { name: 'Bob' } });
    await finished('cli-bob');

    const first = await cli('search', 'wfRuns', '--spec', 'cli-greet', '--status', 'completed', '--since', '1h', '--limit', '1');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+WFSPEC\s+STATUS\s+STARTED\s+ENDED$/);
    expect(lines[1]).toMatch(/^cli-bob\s+cli-greet 0\.0\s+COMPLETED\s/);
    // The last line is the command for the next page: this one's filters (as typed, but a --since as the time it
    // stood for) and the cursor.
    const next = /^more: gallop (.*)$/.exec(lines.at(-1) ?? '')?.[1] ?? '';
    expect(next).toMatch(new RegExp(`^--url ${server.graphqlUrl} search wfRuns --limit 1 --spec cli-greet --status completed --since \\d{4}-\\S+Z --after \\S+$`));
    const second = await cli(...next.split(' ').slice(2), '--json');
    expect(second.code).toBe(0);
    const page = JSON.parse(second.stdout) as Page<WfRunInfo>;
    expect(page.items.map((r) => r.id)).toEqual(['cli-ada']);

    const byVariable = await cli('search', 'wfRuns', '--spec', 'cli-greet', '--var', 'name=Bob', '--json');
    expect((JSON.parse(byVariable.stdout) as Page<WfRunInfo>).items.map((r) => r.id)).toEqual(['cli-bob']);

    const variables = await cli('search', 'variables', 'cli-greet', 'name=Bob');
    expect(variables.code).toBe(0);
    expect(variables.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^WFRUN\s+THREAD\s+VARIABLE\s+VALUE\s+STATUS\s+STARTED$/),
      expect.stringMatching(/^cli-bob\s+0\s+name\s+"Bob"\s+COMPLETED\s+\d{4}-\d\d-\d\dT/),
    ]);
    expect((await cli('search', 'variables', 'cli-greet', 'name=Bob', '--status', 'running')).stdout.trim()).toBe('(none)');
  });

  it("prints a WfSpec's and a TaskDef's metrics windows", async () => {
    const completed = (await client.searchWfRuns({ wfSpecName: 'cli-greet', status: 'COMPLETED' }, { first: 100 })).items.length;
    expect(completed).toBeGreaterThanOrEqual(2);
    type Windows = { items: { windowStart: string; totalCompleted: number; totalScheduled: number; totalErrored: number }[] };
    const windows = async (kind: string) => (JSON.parse((await cli('metrics', kind, 'cli-greet', '--window', '1d', '--json')).stdout) as Windows).items;
    const sum = (items: Windows['items'], of: (w: Windows['items'][number]) => number) => items.reduce((n, w) => n + of(w), 0);
    // The server adds its counts to the tables every 5 s.
    const days = await waitFor(async () => {
      const items = await windows('wfSpec');
      return sum(items, (w) => w.totalCompleted) === completed ? items : undefined;
    }, { timeoutMs: 15_000, intervalMs: 500, what: `${completed} completed cli-greet WfRuns in the metrics` });
    const text = await cli('metrics', 'wfSpec', 'cli-greet', '--window', '1d');
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WINDOW\s+STARTED\s+COMPLETED\s+ERRORED\s+AVG\s+MAX$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(days.map((w) => w.windowStart));
    expect(lines.at(-1)).toMatch(/^\S+\s+\d+\s+\d+\s+0\s+\d+ms\s+\d+ms$/);

    const tasks = await windows('taskDef');
    expect(sum(tasks, (w) => w.totalErrored)).toBe(0);
    expect(sum(tasks, (w) => w.totalCompleted)).toBeGreaterThanOrEqual(completed);
    expect(sum(tasks, (w) => w.totalScheduled)).toBeGreaterThanOrEqual(sum(tasks, (w) => w.totalCompleted));

    const bad = await cli('metrics', 'wfSpec', 'cli-greet', '--window', '1w');
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, "gallop: UsageError: option '--window <length>' argument '1w' is invalid. Expected one of 5m, 2h, 1d."]);
  });

  it('sends CorrelatedEvents and searches them by whether a NodeRun has taken them', async () => {
    await client.putExternalEventDef({ name: 'cli-signed', correlatedEventConfig: {} });
    const sent = await cli('put', 'correlatedEvent', 'cli-signed', 'cli-doc-1', '--content', '{"by":"Ada"}', '--json');
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ key: 'cli-doc-1', externalEventDefName: 'cli-signed', content: { by: 'Ada' } });
    const again = await cli('put', 'correlatedEvent', 'cli-signed', 'cli-doc-1');
    expect(again.code).toBe(1);
    const all = await cli('search', 'correlatedEvents', 'cli-signed');
    expect(all.code).toBe(0);
    const [header, row] = all.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['KEY', 'CREATED', 'EXPIRES', 'TAKEN BY', 'CONTENT']);
    expect(row).toMatch(/^cli-doc-1\s+\S+\s+-\s+-\s+\{"by":"Ada"\}$/);
    expect((await cli('search', 'correlatedEvents', 'cli-signed', '--untaken')).stdout).toContain('cli-doc-1');
    expect((await cli('search', 'correlatedEvents', 'cli-signed', '--taken')).stdout.trim()).toBe('(none)');
  });

  it('searches the WorkflowEvents WfRuns threw', async () => {
    await client.putWorkflowEventDef({ name: 'cli-thrown' });
    const thrower = new Workflow('cli-thrower', (wf) => void wf.throwEvent('cli-thrown', wf.declareStr('order').required()));
    await thrower.register(client);
    const run = await client.runWf({ wfSpecName: 'cli-thrower', variables: { order: 'saddle' } });
    const found = await cli('search', 'workflowEvents', 'cli-thrown', '--since', '1h');
    expect(found.code).toBe(0);
    const [header, row] = found.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['WFRUN', 'NUMBER', 'THROWN', 'BY', 'CONTENT']);
    expect(row).toMatch(new RegExp(`^${run.id}\\s+0\\s+\\S+\\s+0/1\\s+"saddle"$`));
    expect((await cli('search', 'workflowEvents', 'cli-thrown', '--until', '1h')).stdout.trim()).toBe('(none)');
  });

  it('stops and resumes a WfRun', async () => {
    expect((await cli('run', 'cli-approval', '--id', 'cli-appr')).stdout).toMatch(/^status:\s+RUNNING$/m);
    const stopped = await cli('stop', 'cli-appr');
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^status:\s+HALTED$/m);
    const resumed = await cli('resume', 'cli-appr', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id: 'cli-appr', status: 'RUNNING' });
  });

  it('searches NodeRuns and counts NodeRuns and queued TaskRuns', async () => {
    // cli-appr waits at its EXTERNAL_EVENT node for cli-approval (the test above started it).
    const found = await cli('search', 'nodeRuns', '--status', 'running', '--event', 'cli-approval', '--json');
    expect(found.code).toBe(0);
    const page = JSON.parse(found.stdout) as { items: { wfRunId: string; nodeType: string; externalEventDefName: string }[] };
    expect(page.items.filter((n) => n.wfRunId === 'cli-appr')).toEqual([expect.objectContaining({ nodeType: 'EXTERNAL_EVENT', externalEventDefName: 'cli-approval' })]);
    const table = await cli('search', 'nodeRuns', '--status', 'RUNNING', '--event', 'cli-approval', '--since', '1h');
    expect(table.stdout.trim().split('\n')[0]?.split(/\s{2,}/)).toEqual(['WFRUN', 'NODE', 'TYPE', 'STATUS', 'ARRIVED', 'WAITS FOR / TASK']);
    expect(table.stdout).toMatch(/^cli-appr\s+0\/1 \S+\s+EXTERNAL_EVENT\s+RUNNING\s+\S+\s+cli-approval$/m);
    const missing = await cli('search', 'nodeRuns');
    expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([2, "gallop: UsageError: required option '--status <status>' not specified"]);

    const nodeRuns = await cli('count', 'nodeRuns', 'cli-approval');
    expect(Number(nodeRuns.stdout.trim())).toBe(await client.countNodeRuns({ wfSpecName: 'cli-approval' }));
    expect(Number(nodeRuns.stdout.trim())).toBeGreaterThan(0);
    const queued = await cli('count', 'taskRuns', 'cli-greet', '--json');
    expect(JSON.parse(queued.stdout)).toEqual({ count: await client.countTaskRuns('cli-greet', 'TASK_SCHEDULED') });
  });

  it('shows what each NodeRun runs or waits for, and whose reminder a TaskRun is', async () => {
    const suffix = Date.now().toString(36);
    const [form, remind, moved, child, spec] = ['form', 'remind', 'moved', 'child', 'waits'].map((name) => `cli-${name}-${suffix}`) as [string, string, string, string, string];
    await client.putUserTaskDef({ name: form, fields: [{ name: 'ok', type: 'BOOL' }] });
    await client.putTaskDef({ name: remind, inputVars: [{ name: 'to', type: 'STR' }] });
    await client.putExternalEventDef({ name: moved });
    await client.putWfSpec(new Workflow(child, (wf) => void wf.waitForEvent(moved)).compile());
    await client.putWfSpec(
      new Workflow(spec, (wf) => {
        const wakeAt = wf.declareInt('wakeAt').required();
        const asker = wf.spawnThread('asker', (t) => {
          // Nobody works on the reminder's TaskDef: its TaskRun waits, scheduled, to be looked at.
          t.scheduleReminderTask(t.assignUserTask(form, { userId: 'ada', userGroup: 'finance' }), 0, remind, 'ada');
        });
        const sleeper = wf.spawnThread('sleeper', (t) => t.sleepUntil(wakeAt));
        const parent = wf.spawnThread('parent', (t) => void t.waitForChildWf(t.runWf(child)));
        wf.waitForThreads(asker, sleeper, parent);
      }).compile(),
    );
    const run = await client.runWf({ wfSpecName: spec, variables: { wakeAt: Date.parse('2099-01-02T03:04:05.678Z') } });
    const nodeRuns = (await client.wfRun(run.id))!.nodeRuns;
    const of = (type: string) => nodeRuns.find((n) => n.nodeType === type)!;
    const [userTask, waitingForChild, waitingForThreads] = [of('USER_TASK'), of('WAIT_FOR_CHILD_WF'), of('WAIT_FOR_THREADS')];
    const guid = userTask.userTaskRun!.userTaskGuid;

    const found = await cli('search', 'nodeRuns', '--status', 'RUNNING', '--since', run.startTime, '--limit', '500');
    expect(found.code).toBe(0);
    // Columns: WFRUN, NODE, TYPE, STATUS, ARRIVED, WAITS FOR / TASK.
    const rows = found.stdout.trim().split('\n').map((line) => line.split(/\s{2,}/));
    const targets = rows.filter((cols) => cols[0] === run.id).map((cols) => [cols[2], cols[5]]);
    expect(targets.sort()).toEqual(
      [
        ['USER_TASK', `${form} ${guid}, user ada, group finance`],
        ['SLEEP', 'until 2099-01-02T03:04:05.678Z'],
        ['WAIT_FOR_CHILD_WF', `child WfRun ${waitingForChild.childWfRunId}`],
        ['WAIT_FOR_THREADS', 'ThreadRuns 1 2 3'],
      ].sort(),
    );

    const shown = await cli('get', 'nodeRun', run.id, String(userTask.threadRunNumber), String(userTask.position));
    expect(shown.stdout).toMatch(new RegExp(`^userTaskRun:\\s+${run.id}/${guid} \\(${form}\\)$`, 'm'));
    expect(shown.stdout).toMatch(/^user:\s+ada$/m);
    expect(shown.stdout).toMatch(/^group:\s+finance$/m);
    const waiting = await cli('get', 'nodeRun', run.id, '0', String(waitingForThreads.position));
    expect(waiting.stdout).toMatch(/^threads:\s+ThreadRuns 1 2 3$/m);

    // The reminder's TaskRun: the UserTaskRun whose action ran it, and who held the task then.
    const reminder = await waitFor(async () => (await client.userTaskRun(run.id, guid))?.events.find((e) => e.type === 'TASK_EXECUTED')?.taskGuid ?? undefined, {
      what: 'the reminder to be scheduled',
    });
    const taskRun = await cli('get', 'taskRun', `${run.id}/${reminder}`);
    expect(taskRun.code).toBe(0);
    expect(taskRun.stdout).toMatch(new RegExp(`^userTaskRun:\\s+${run.id}/${guid}$`, 'm'));
    expect(taskRun.stdout).toMatch(/^user:\s+ada$/m);
    expect(taskRun.stdout).toMatch(/^group:\s+finance$/m);
  });

  it('tails a WfRun live until an ExternalEvent put from the CLI completes it', async () => {
    const env = { ...process.env };
    delete env.GALLOP_URL;
    const tail = spawn(process.execPath, [BIN, '--url', server.graphqlUrl, 'tail', 'cli-appr'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const attached = createDeferred();
    tail.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The resume is the newest stored event: once it is printed, the stream is live.
      if (/ThreadRunResumed/.test(stdout)) attached.resolve();
    });
    tail.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => tail.once('exit', (code) => resolve(code)));
    await Promise.race([attached.promise, exited]);

    const put = await cli('put', 'externalEvent', 'cli-appr', 'cli-approval', '--content', 'approved');
    expect(put.code).toBe(0);
    expect(put.stdout).toMatch(/^claimed:\s+yes, by thread 0 node 1$/m);

    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => Number(line.trim().split(/\s+/)[0]))).toEqual(lines.map((_, i) => i + 1));
    expect(lines.find((line) => line.includes('VariableAssigned'))).toMatch(/thread 0 verdict = "approved"$/);
    expect(lines.at(-1)).toMatch(/^\s*\d+\s+\S+Z\s+WfRunCompleted$/);
    expect((await client.wfRun('cli-appr'))?.status).toBe('COMPLETED');

    // A WfRun already over: the whole log, one JSON object a line, then the tail ends by itself.
    const again = await cli('tail', 'cli-appr', '--json');
    expect(again.code).toBe(0);
    const events = again.stdout.trim().split('\n').map((line) => JSON.parse(line) as { seq: number; type: string });
    expect(events.length).toBe(lines.length);
    expect(events.at(-1)?.type).toBe('WfRunCompleted');
  });

  it('completes a user task with typed results, and refuses a second completion', async () => {
    await client.runWf({ wfSpecName: 'cli-review', id: 'cli-rev' });
    const found = await cli('search', 'userTaskRuns', '--user', 'ada', '--status', 'ASSIGNED', '--json');
    const task = (JSON.parse(found.stdout) as Page<UserTaskRunInfo>).items.find((t) => t.wfRunId === 'cli-rev');
    expect(task?.id).toBeDefined();

    const done = await cli('userTask', 'complete', task?.id ?? '', '--user', 'ada', '--result', 'approved=true', '--result', 'comment=looks good');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^status:\s+DONE$/m);
    // PostgreSQL's jsonb orders keys its own way: check each field, not the line.
    const results = /^results:\s+(.*)$/m.exec(done.stdout)?.[1];
    expect(JSON.parse(results ?? 'null')).toEqual({ approved: true, comment: 'looks good' });
    expect((await finished('cli-rev')).status).toBe('COMPLETED');

    const twice = await cli('userTask', 'complete', 'cli-rev', task?.userTaskGuid ?? '', '--user', 'ada', '--result', 'approved=false');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^gallop: UserTaskRunEndedError: /);
  });

  it('saves progress on a user task and keeps comments on it, edited and deleted', async () => {
    await client.runWf({ wfSpecName: 'cli-review', id: 'cli-talk' });
    const id = 'cli-talk/0-1';
    const saved = await cli('userTask', 'save', id, '--user', 'ada', '--result', 'comment=half way');
    expect(saved.stderr).toBe('');
    expect(saved.stdout).toMatch(/^status:\s+ASSIGNED$/m);
    expect(JSON.parse(/^results:\s+(.*)$/m.exec(saved.stdout)?.[1] ?? 'null')).toEqual({ comment: 'half way' });

    for (const args of [
      [id, '--user', 'ada', 'Receipt missing'],
      ['cli-talk', '0-1', '--user', 'bob', 'Sent it'],
      [id, '--user', 'ada', '--edit', '1', 'Receipt attached'],
      [id, '--user', 'bob', '--delete', '2'],
    ]) {
      const result = await cli('userTask', 'comment', ...args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    const task = await client.userTaskRun('cli-talk', '0-1');
    expect(task?.comments.map((c) => [c.id, c.userId, c.comment, c.editedBy])).toEqual([[1, 'ada', 'Receipt attached', 'ada']]);
    const shown = await cli('get', 'userTaskRun', id);
    expect(shown.stdout).toMatch(/^\s+1\s+ada\s+\S+\s+Receipt attached \(edited by ada\)$/m);
    const both = await cli('userTask', 'comment', id, '--user', 'ada', '--edit', '1', '--delete', '1');
    expect(both).toMatchObject({ code: 2, stderr: 'gallop: UsageError: userTask comment takes --edit or --delete, not both.\n' });
  });

  it('exits 2 on an unknown command or a malformed argument, before any request', async () => {
    const [unknown, badLimit, missing] = await Promise.all([
      cli('frobnicate'),
      cli('search', 'wfRuns', '--limit', 'lots'),
      cli('run'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^gallop: UsageError: unknown command 'frobnicate'/);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toMatch(/--limit <n>' argument 'lots' is invalid/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'wfSpec'/);
  });

  it('exits 3 when no server answers', async () => {
    const result = await gallop(['--url', `http://127.0.0.1:${await closedPort()}/graphql`, 'list', 'wfSpecs']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^gallop: NETWORK_ERROR: Cannot reach the Gallop server at http:\/\/127\.0\.0\.1:\d+\/graphql \(ECONNREFUSED\)\.$/m);
  });

  it('is linked as node_modules/.bin/gallop and prints its help', async () => {
    const linked = join(ROOT, 'node_modules/.bin/gallop');
    expect(existsSync(linked)).toBe(true);
    const help = await gallop(['--help'], linked, []);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gallop \[options\] \[command\]/);
    for (const command of ['get', 'list', 'search', 'count', 'deploy', 'run', 'stop', 'resume', 'rescue', 'migrate', 'delete', 'schedule', 'put', 'userTask', 'tail']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });
});

describe('the gallop CLI against a server that needs a key', () => {
  const key = `cli-bootstrap-key-${'x'.repeat(32)}`;
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({ databaseUrl: inject('databaseUrl'), env: { GALLOP_BOOTSTRAP_API_KEY: key } });
  }, 120_000);
  afterAll(() => server?.stop());

  it('sends the key from --api-key or GALLOP_API_KEY, and says UNAUTHENTICATED without one', async () => {
    const url = `${server.url}/graphql`;
    // One TaskDef of its own: other tests share the database, so a whole list could change between two reads.
    const name = `cli-keyed-${Date.now().toString(36)}`;
    const admin = new GallopClient({ url, apiKey: key });
    await admin.putTaskDef({ name });
    const without = await gallop(['--url', url, 'get', 'taskDef', name]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/^gallop: UNAUTHENTICATED: /m);
    const flagged = await gallop(['--url', url, '--api-key', key, '--json', 'get', 'taskDef', name]);
    expect(flagged.code).toBe(0);
    expect(flagged.stdout).toContain(name);
    const fromEnv = await gallop(['--url', url, '--json', 'get', 'taskDef', name], process.execPath, [BIN], { GALLOP_API_KEY: key });
    expect(fromEnv).toEqual(flagged);
    // A tenant that does not exist is named in the refusal.
    const elsewhere = await gallop(['--url', url, '--api-key', key, '--tenant', 'nowhere-at-all', 'list', 'taskDefs']);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/TENANT_NOT_FOUND: Tenant 'nowhere-at-all' does not exist/);
  });
});
