import { GallopClientError, Workflow } from '@gallop/sdk';
import type { GallopClient } from '@gallop/sdk';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isolatedStore, startTestServer, unique } from './harness.ts';

const MINUTE = 60_000;

// The clock runs ahead of real time, set by the tests, so minutes pass in milliseconds. It only moves forward.
let offset = 0;
const clock = () => Date.now() + offset;
/** Moves the clock forward to `at` (epoch ms). */
const setClock = (at: number) => {
  offset = Math.max(offset, at - Date.now());
};
/** The clock, set to `leadMs` before the start of the next minute; returns that minute. */
const nearNextMinute = (leadMs: number) => {
  const minute = Math.ceil((clock() + leadMs + 1) / MINUTE) * MINUTE;
  setClock(minute - leadMs);
  return minute;
};

const store = await isolatedStore(inject('databaseUrl'));
const server = await startTestServer(store.databaseUrl, { clock, dataDir: store.dataDir });
afterAll(async () => {
  await server.close();
  await store.drop();
});
const { client } = server;

/** A WfSpec that completes at once, with a required STR variable and an optional INT. */
async function greeter(c: GallopClient = client): Promise<string> {
  const name = unique('greeter');
  await c.putWfSpec(
    new Workflow(name, (wf) => {
      wf.declareStr('greeting').required();
      wf.declareInt('count');
    }).compile(),
  );
  return name;
}

/** Polls `check` every 25 ms until it gives a value, or fails after `timeoutMs`. */
async function waitFor<T>(check: () => Promise<T | undefined>, { timeoutMs, what }: { timeoutMs: number; what: string }): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const rejected = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as GallopClientError);

describe('scheduleWf', () => {
  it('starts a WfRun at the next cron time, not before, with its variables and the id {scheduleId}-{ms}', async () => {
    const wfSpecName = await greeter();
    const minute = nearNextMinute(1_000);
    const scheduled = await client.scheduleWf({ id: unique('every-minute'), wfSpecName, cronExpression: '* * * * *', variables: { greeting: 'hi', count: 3 } });
    expect(scheduled).toMatchObject({ wfSpecName, majorVersion: null, revision: null, cronExpression: '* * * * *', lastWfRunId: null, variables: { greeting: 'hi', count: 3 } });
    expect(Date.parse(scheduled.nextFireAt)).toBe(minute);

    const wfRunId = `${scheduled.id}-${minute}`;
    const run = await waitFor(async () => (await client.wfRun(wfRunId)) ?? undefined, { timeoutMs: 5_000, what: `WfRun ${wfRunId}` });
    expect(run.status).toBe('COMPLETED');
    expect(Date.parse(run.startTime)).toBeGreaterThanOrEqual(minute);
    expect(run.variables.filter((v) => v.threadRunNumber === 0).map(({ name, value }) => [name, value])).toEqual(
      expect.arrayContaining([
        ['greeting', 'hi'],
        ['count', 3],
      ]),
    );
    const after = await waitFor(async () => {
      const row = await client.scheduledWfRun(scheduled.id);
      return row?.lastWfRunId === wfRunId ? row : undefined;
    }, { timeoutMs: 5_000, what: 'the schedule to move on' });
    expect(Date.parse(after.nextFireAt)).toBe(minute + MINUTE);
    expect((await client.searchWfRuns({ wfSpecName })).items.map((r) => r.id)).toEqual([wfRunId]);
    await client.deleteScheduledWfRun(scheduled.id);
  });

  it('counts a firing whose WfRun already exists as done, so a repeated firing starts nothing twice', async () => {
    const wfSpecName = await greeter();
    const minute = nearNextMinute(1_000);
    const scheduled = await client.scheduleWf({ wfSpecName, cronExpression: '* * * * *', variables: { greeting: 'once' } });
    // What an earlier delivery of this firing would have left behind.
    const wfRunId = `${scheduled.id}-${minute}`;
    await client.runWf({ wfSpecName, id: wfRunId, variables: { greeting: 'first' } });
    const after = await waitFor(async () => {
      const row = await client.scheduledWfRun(scheduled.id);
      return row?.lastWfRunId === wfRunId ? row : undefined;
    }, { timeoutMs: 5_000, what: 'the schedule to move on' });
    expect(Date.parse(after.nextFireAt)).toBe(minute + MINUTE);
    const runs = await client.searchWfRuns({ wfSpecName });
    expect(runs.items.map((r) => r.id)).toEqual([wfRunId]);
    expect((await client.wfRun(wfRunId))?.variables.find((v) => v.name === 'greeting')?.value).toBe('first');
    await client.deleteScheduledWfRun(scheduled.id);
  });

  it('refuses a bad cron expression with a ValidationError naming the field', async () => {
    const wfSpecName = await greeter();
    const outOfRange = await rejected(client.scheduleWf({ wfSpecName, cronExpression: '0 24 * * *', variables: { greeting: 'x' } }));
    expect(outOfRange).toBeInstanceOf(GallopClientError);
    expect(outOfRange?.code).toBe('ValidationError');
    expect(outOfRange?.problems).toEqual([expect.objectContaining({ path: ['input', 'cronExpression', 'hour'], code: 'OUT_OF_RANGE' })]);

    const garbled = await rejected(client.scheduleWf({ wfSpecName, cronExpression: '*/5 * * DEC noday', variables: { greeting: 'x' } }));
    expect(garbled?.problems.map((p) => p.at)).toEqual(['input.cronExpression.dayOfWeek']);

    // Six fields (seconds) and four are not UNIX cron.
    for (const cronExpression of ['0 * * * * *', '* * * *', '']) {
      const wrongCount = await rejected(client.scheduleWf({ wfSpecName, cronExpression, variables: { greeting: 'x' } }));
      expect(wrongCount?.problems).toEqual([expect.objectContaining({ path: ['input', 'cronExpression'], code: 'MISSING_FIELD' })]);
    }

    const never = await rejected(client.scheduleWf({ wfSpecName, cronExpression: '0 0 30 2 *', variables: { greeting: 'x' } }));
    expect(never?.problems).toEqual([expect.objectContaining({ path: ['input', 'cronExpression'], message: "'0 0 30 2 *' never comes due." })]);
    expect((await client.scheduledWfRuns({ wfSpecName })).items).toEqual([]);
  });

  it('answers NotFoundError for a WfSpec (or version) that does not exist', async () => {
    const missing = await rejected(client.scheduleWf({ wfSpecName: unique('ghost'), cronExpression: '* * * * *' }));
    expect(missing).toMatchObject({ code: 'NotFoundError' });
    const wfSpecName = await greeter();
    expect(await rejected(client.scheduleWf({ wfSpecName, majorVersion: 7, cronExpression: '* * * * *', variables: { greeting: 'x' } }))).toMatchObject({ code: 'NotFoundError' });
  });

  it("refuses variables that do not fit the WfSpec's entrypoint, with a problem for each", async () => {
    const wfSpecName = await greeter();
    const error = await rejected(client.scheduleWf({ wfSpecName, cronExpression: '* * * * *', variables: { count: 'three', colour: 'red' } }));
    expect(error?.code).toBe('ValidationError');
    expect(error?.problems.map((p) => [p.at, p.code]).sort()).toEqual([
      ['input.variables.colour', 'UNKNOWN_VARIABLE'],
      ['input.variables.count', 'TYPE_MISMATCH'],
      ['input.variables.greeting', 'MISSING_REQUIRED_VARIABLE'],
    ]);
  });

  it('refuses an id that is taken, or not a name', async () => {
    const wfSpecName = await greeter();
    const id = unique('taken');
    await client.scheduleWf({ id, wfSpecName, cronExpression: '0 0 1 1 *', variables: { greeting: 'x' } });
    expect(await rejected(client.scheduleWf({ id, wfSpecName, cronExpression: '0 0 1 1 *', variables: { greeting: 'x' } }))).toMatchObject({ code: 'AlreadyExistsError' });
    const bad = await rejected(client.scheduleWf({ id: 'not_a_name', wfSpecName, cronExpression: '0 0 1 1 *', variables: { greeting: 'x' } }));
    expect(bad?.problems.map((p) => p.at)).toEqual(['input.id']);
    await client.deleteScheduledWfRun(id);
  });
});

describe('scheduledWfRun and scheduledWfRuns', () => {
  it('gets one schedule by id and lists them by id, for one WfSpec or all, a page at a time', async () => {
    const [a, b] = [await greeter(), await greeter()];
    const prefix = unique('listed');
    const cronExpression = '30 6 * * MON-FRI';
    const ids = [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`];
    await client.scheduleWf({ id: ids[1], wfSpecName: a, cronExpression, variables: { greeting: 'b' } });
    await client.scheduleWf({ id: ids[0], wfSpecName: a, majorVersion: 0, revision: 0, cronExpression, variables: { greeting: 'a' } });
    await client.scheduleWf({ id: ids[2], wfSpecName: b, cronExpression, variables: { greeting: 'c' } });

    const one = await client.scheduledWfRun(ids[0]!);
    expect(one).toMatchObject({ id: ids[0], wfSpecName: a, majorVersion: 0, revision: 0, cronExpression, variables: { greeting: 'a' }, lastWfRunId: null });
    const next = new Date(one!.nextFireAt);
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCDay() >= 1 && next.getUTCDay() <= 5]).toEqual([6, 30, true]);
    expect(Date.parse(one!.nextFireAt)).toBeGreaterThan(clock());
    expect(await client.scheduledWfRun(unique('ghost'))).toBeNull();

    const first = await client.scheduledWfRuns({ wfSpecName: a }, { first: 1 });
    expect(first.items.map((s) => s.id)).toEqual([ids[0]]);
    expect(first.hasNextPage).toBe(true);
    const second = await client.scheduledWfRuns({ wfSpecName: a }, { first: 1, after: first.endCursor! });
    expect(second.items.map((s) => s.id)).toEqual([ids[1]]);
    expect((await client.scheduledWfRuns({ wfSpecName: b })).items.map((s) => s.id)).toEqual([ids[2]]);
    const all = (await client.scheduledWfRuns({}, { first: 500 })).items.map((s) => s.id);
    expect(all.filter((id) => id.startsWith(prefix))).toEqual(ids);
    for (const id of ids) await client.deleteScheduledWfRun(id);
  });
});

describe('deleteScheduledWfRun', () => {
  it('stops the firings; a schedule due at the same time fires, so the scheduler did look', async () => {
    const [doomed, kept] = [await greeter(), await greeter()];
    const minute = nearNextMinute(60_000);
    const gone = await client.scheduleWf({ wfSpecName: doomed, cronExpression: '* * * * *', variables: { greeting: 'no' } });
    const sentinel = await client.scheduleWf({ wfSpecName: kept, cronExpression: '* * * * *', variables: { greeting: 'yes' } });
    expect(await client.deleteScheduledWfRun(gone.id)).toEqual({ id: gone.id });
    expect(await client.scheduledWfRun(gone.id)).toBeNull();

    setClock(minute + 1_000);
    await waitFor(async () => (await client.wfRun(`${sentinel.id}-${minute}`)) ?? undefined, { timeoutMs: 5_000, what: 'the sentinel schedule to fire' });
    expect((await client.searchWfRuns({ wfSpecName: doomed })).items).toEqual([]);
    expect(await rejected(client.deleteScheduledWfRun(gone.id))).toMatchObject({ code: 'NotFoundError' });
    await client.deleteScheduledWfRun(sentinel.id);
  });
});

describe('a ScheduledWfRun whose firing cannot start a WfRun', () => {
  it('says when and why on the schedule, goes on, and clears it once a firing starts one again', async () => {
    const wfSpecName = await greeter();
    const minute = nearNextMinute(60_000);
    const scheduled = await client.scheduleWf({ wfSpecName, cronExpression: '* * * * *', variables: { greeting: 'hi' } });
    expect(scheduled).toMatchObject({ lastSkippedAt: null, lastSkipReason: null });
    // A new major version needs a variable the schedule does not give: its firings start nothing.
    await client.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        wf.declareStr('greeting').required();
        wf.declareInt('extra').required();
      }).compile(),
    );
    setClock(minute + 1_000);
    const skipped = await waitFor(async () => {
      const row = await client.scheduledWfRun(scheduled.id);
      return row?.lastSkippedAt ? row : undefined;
    }, { timeoutMs: 5_000, what: 'the firing to be skipped' });
    expect(Date.parse(skipped.lastSkippedAt ?? '')).toBe(minute);
    expect(skipped.lastSkipReason).toMatch(new RegExp(`^Its WfRun could not start on ${wfSpecName} 1\\.0: .*'extra' \\(INT\\) is required`));
    expect(skipped.lastWfRunId).toBeNull();
    expect(Date.parse(skipped.nextFireAt)).toBe(minute + MINUTE);

    // A version that no longer requires it: the next firing starts a WfRun and the skip is cleared.
    await client.putWfSpec(
      new Workflow(wfSpecName, (wf) => {
        wf.declareStr('greeting').required();
        wf.declareInt('extra');
      }).compile(),
    );
    setClock(minute + MINUTE + 1_000);
    const fired = await firstFiring(client, scheduled.id);
    expect(fired).toMatchObject({ lastWfRunId: `${scheduled.id}-${minute + MINUTE}`, lastSkippedAt: null, lastSkipReason: null });
    await client.deleteScheduledWfRun(scheduled.id);
  });
});

/** Waits until the schedule has fired at least once since it was made, and returns it as it is then. */
function firstFiring(c: GallopClient, id: string) {
  return waitFor(async () => {
    const row = await c.scheduledWfRun(id);
    return row?.lastWfRunId ? row : undefined;
  }, { timeoutMs: 5_000, what: `ScheduledWfRun ${id} to fire` });
}

describe('a ScheduledWfRun after a gap', () => {
  it('runs once, for the latest time it missed, not once for each, and moves next past now', async () => {
    const wfSpecName = await greeter();
    const minute = nearNextMinute(30_000);
    const scheduled = await client.scheduleWf({ wfSpecName, cronExpression: '* * * * *', variables: { greeting: 'late' } });
    expect(Date.parse(scheduled.nextFireAt)).toBe(minute);

    // Ten minutes and a half pass at once, as when the server was stopped: ten times are missed, and the eleventh.
    setClock(minute + 10 * MINUTE + 30_000);
    const moved = await firstFiring(client, scheduled.id);
    const latest = minute + 10 * MINUTE;
    expect(moved.lastWfRunId).toBe(`${scheduled.id}-${latest}`);
    expect(Date.parse(moved.nextFireAt)).toBe(latest + MINUTE);
    expect(Date.parse(moved.nextFireAt)).toBeGreaterThan(clock());
    expect((await client.searchWfRuns({ wfSpecName })).items.map((r) => r.id)).toEqual([`${scheduled.id}-${latest}`]);
    expect(server.logs.some((l) => l.msg.includes('missed times') && l.scheduledWfRunId === scheduled.id)).toBe(true);
    await client.deleteScheduledWfRun(scheduled.id);
  });

  // On PGlite this makes a data directory from scratch (seconds of initdb), so it is the slowest test here.
  it('catches up the same way when a server starts again after downtime', async () => {
    const data = await isolatedStore(inject('databaseUrl'), { restartable: true });
    try {
      const before = await startTestServer(data.databaseUrl, { clock, dataDir: data.dataDir });
      const wfSpecName = await greeter(before.client);
      const scheduled = await before.client.scheduleWf({ wfSpecName, cronExpression: '*/5 * * * *', variables: { greeting: 'back' } });
      await before.close();

      // Twenty minutes down: four times missed, and the fifth just come.
      setClock(Date.parse(scheduled.nextFireAt) + 20 * MINUTE);
      const after = await startTestServer(data.databaseUrl, { clock, dataDir: data.dataDir });
      try {
        const moved = await firstFiring(after.client, scheduled.id);
        const latest = Date.parse(scheduled.nextFireAt) + 20 * MINUTE;
        expect(moved.lastWfRunId).toBe(`${scheduled.id}-${latest}`);
        expect(Date.parse(moved.nextFireAt)).toBe(latest + 5 * MINUTE);
        expect((await after.client.searchWfRuns({ wfSpecName })).items.map((r) => r.id)).toEqual([moved.lastWfRunId]);
      } finally {
        await after.close();
      }
    } finally {
      await data.drop();
    }
  });
});
