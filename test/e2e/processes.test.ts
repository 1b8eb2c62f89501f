import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workflow } from '@gallop/sdk';
import type { StoredWfRunEvent } from '@gallop/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer } from '../support/server.ts';
import type { ServerProcess } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

const databaseUrl = inject('databaseUrl');

if (databaseUrl) {
  // Two server processes on one PostgreSQL: news crosses between them by LISTEN/NOTIFY.
  describe('two server processes sharing one PostgreSQL', () => {
    let a: ServerProcess;
    let b: ServerProcess;
    const suffix = Date.now().toString(36);

    beforeAll(async () => {
      [a, b] = await Promise.all([startServer({ databaseUrl }), startServer({ databaseUrl })]);
      const client = b.client();
      await client.putTaskDef({ name: `echo-${suffix}`, inputVars: [{ name: 'x', type: 'STR' }], returnType: 'STR' });
      await client.putWfSpec(
        new Workflow(`echo-${suffix}`, (wf) => {
          const x = wf.declareStr('x');
          x.assign(wf.execute(`echo-${suffix}`, x));
        }).compile(),
      );
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
    });

    it('wakes a claim waiting on one process when the other schedules a TaskRun', async () => {
      const started = Date.now();
      const claim = a.client().claimTaskRuns({ taskDefName: `echo-${suffix}`, workerId: 'on-a', waitMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const run = await b.client().runWf({ wfSpecName: `echo-${suffix}`, variables: { x: 'hi' } });
      const claimed = await claim;
      expect(claimed.map((c) => c.wfRunId)).toEqual([run.id]);
      expect(Date.now() - started).toBeLessThan(15_000);
      await a.client().reportTaskRun({ taskRunId: claimed[0]!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'hi' } });
    });

    it('delivers to a subscriber on one process every event committed by the other, in order', async () => {
      const id = `across-${suffix}`;
      const received: StoredWfRunEvent[] = [];
      const client = b.client();
      await client.runWf({ wfSpecName: `echo-${suffix}`, id, variables: { x: 'there' } });
      // The WfRun B started is there for A to follow (one that does not exist is NotFoundError); what B commits from
      // now on reaches A as news.
      const stop = a.client().wfRunEvents(id, { next: (e) => received.push(e) });
      try {
        // A has read the log up to the TaskRun B scheduled: the rest is news from B.
        await waitFor(() => received.some((e) => e.type === 'TaskRunScheduled'), { what: 'the stored events on the other process' });
        const [task] = await client.claimTaskRuns({ taskDefName: `echo-${suffix}`, workerId: 'on-b', waitMs: 5_000 });
        await client.reportTaskRun({ taskRunId: task!.taskRunId, attempt: 0, outcome: { status: 'SUCCESS', output: 'THERE' } });
        await waitFor(() => received.some((e) => e.type === 'WfRunCompleted'), { what: 'WfRunCompleted on the other process' });
        expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => i + 1));
        expect(received.map((e) => e.type)).toEqual([
          'WfRunStarted', 'ThreadRunStarted', 'NodeRunStarted', 'NodeRunCompleted', 'NodeRunStarted', 'TaskRunScheduled',
          'TaskAttemptSucceeded', 'NodeRunCompleted', 'VariableAssigned', 'NodeRunStarted', 'NodeRunCompleted',
          'ThreadRunCompleted', 'WfRunCompleted',
        ]);
      } finally {
        stop();
      }
    });
  });
} else {
  // Only one process may open a PGlite directory; a second must refuse rather than corrupt it.
  describe('two server processes on one PGlite directory', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gallop-shared-'));
    let first: ServerProcess;
    beforeAll(async () => {
      first = await startServer({ dataDir });
    });
    afterAll(async () => {
      await first?.stop();
      for (const path of [dataDir, `${dataDir}.lock`, `${dataDir}.lock-owner`]) rmSync(path, { recursive: true, force: true });
    });

    it('refuses to start the second, naming the directory in use', async () => {
      const error = await startServer({ dataDir }).then(
        async (second) => {
          await second.stop();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain(`The PGlite data directory ${dataDir} is in use by another Gallop server`);
      expect(await first.client().wfSpec('anything')).toBeNull();
    });

    it('takes at once the lock a killed server left, its process being gone', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gallop-crashed-'));
      try {
        const crashed = await startServer({ dataDir: dir });
        await crashed.kill();
        expect(existsSync(`${dir}.lock`)).toBe(true);
        // The lock is minutes from stale (a live holder can block its event loop that long): its owner is what frees it.
        const next = await startServer({ dataDir: dir });
        expect(next.output()).toContain('Taking the lock on the PGlite data directory from a process that is gone');
        await next.stop();
      } finally {
        for (const path of [dir, `${dir}.lock`, `${dir}.lock-owner`]) rmSync(path, { recursive: true, force: true });
      }
    });
  });
}
