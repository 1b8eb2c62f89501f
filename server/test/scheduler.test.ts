import type { Command } from '@gallop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observability/logger.ts';
import type { CommandOutcome } from '../src/runtime/execute-command.ts';
import { Scheduler } from '../src/runtime/scheduler.ts';
import { openStore } from '../src/store/db.ts';
import type { Store } from '../src/store/db.ts';
import { timers } from '../src/store/schema.ts';

// The scheduler alone on an in-memory PGlite of its own: no server's scheduler competes for the rows it claims.
describe('Scheduler', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
  });
  afterAll(() => store?.close());

  it('fires the timers a failed pass claimed in the next pass, not once their claim runs out', async () => {
    const now = Date.now();
    await store.db.insert(timers).values(
      ['t1', 't2', 't3'].map((timerId, i) => ({
        tenantId: 'default',
        wfRunId: 'w1',
        timerId,
        fireAt: new Date(now - 1_000 + i),
        purpose: { type: 'SLEEP' as const, threadRunNumber: 0, position: i },
      })),
    );
    const fired: string[] = [];
    let failed = false;
    // As a dropped connection does: the command for t2 fails once.
    const execute = async (_tenantId: string, _wfRunId: string, command: Command): Promise<CommandOutcome> => {
      if (command.type === 'FireTimer' && command.timerId === 't2' && !failed) {
        failed = true;
        throw new Error('write CONNECTION_CLOSED');
      }
      if (command.type === 'FireTimer') fired.push(command.timerId);
      // A rejection makes the scheduler delete the timer itself.
      return { ok: false, rejection: { code: 'STALE_TIMER', message: 'done' } };
    };
    const scheduler = new Scheduler({ db: store.db, clock: Date.now, execute, log: createLogger({ level: 'silent' }) });
    scheduler.start();
    try {
      // Far sooner than the 30 s claim lease that held t2 and t3 before.
      const deadline = Date.now() + 10_000;
      while (fired.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(failed).toBe(true);
      expect(fired).toEqual(['t1', 't2', 't3']);
    } finally {
      await scheduler.close();
    }
  });
});
