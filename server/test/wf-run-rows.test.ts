import { describe, expect, it } from 'vitest';
import { WfRunRows } from '../src/runtime/wf-run-rows.ts';
import type { WfRunRow } from '../src/store/queries/wf-runs.ts';

/** A row that says which read or commit it came from. */
const rowOf = (id: string, status: string) => ({ id, status }) as unknown as WfRunRow;

/** A reader whose reads wait until released, and which counts them. */
function slowReader(status: () => string) {
  const reads: { release: () => void }[] = [];
  const read = (_tenantId: string, wfRunId: string) =>
    new Promise<WfRunRow | undefined>((resolve) => {
      const seen = status();
      reads.push({ release: () => resolve(rowOf(wfRunId, seen)) });
    });
  return { read, reads };
}

describe('WfRunRows', () => {
  it('reads a WfRun that changed once for every subscriber asking, and not at all for a change committed with its row', async () => {
    const reader = slowReader(() => 'RUNNING');
    const rows = new WfRunRows(reader.read);
    rows.changed('t', 'a', 3);
    const asks = [rows.get('t', 'a'), rows.get('t', 'a'), rows.get('t', 'a')];
    expect(reader.reads).toHaveLength(1);
    reader.reads[0]!.release();
    expect((await Promise.all(asks)).map((r) => r?.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect((await rows.get('t', 'a'))?.status).toBe('RUNNING');
    expect(reader.reads).toHaveLength(1);

    rows.changed('t', 'a', 4, rowOf('a', 'COMPLETED'));
    expect((await rows.get('t', 'a'))?.status).toBe('COMPLETED');
    expect(reader.reads).toHaveLength(1);
  });

  it('never gives a row read before the latest change it was told of', async () => {
    let status = 'RUNNING';
    const reader = slowReader(() => status);
    const rows = new WfRunRows(reader.read);
    rows.changed('t', 'a', 3);
    const early = rows.get('t', 'a');
    // The WfRun changes again (elsewhere) while that read is on its way: a later ask reads again.
    status = 'COMPLETED';
    rows.changed('t', 'a', 5);
    const late = rows.get('t', 'a');
    expect(reader.reads).toHaveLength(2);
    reader.reads[0]!.release();
    reader.reads[1]!.release();
    expect([(await early)?.status, (await late)?.status]).toEqual(['RUNNING', 'COMPLETED']);
    expect((await rows.get('t', 'a'))?.status).toBe('COMPLETED');
    // News of an older seq arriving late (a NOTIFY overtaken by a commit here) keeps the newer row.
    rows.changed('t', 'a', 4);
    expect((await rows.get('t', 'a'))?.status).toBe('COMPLETED');
    expect(reader.reads).toHaveLength(2);
  });

  it('forgets a deleted WfRun, and everything when told to', async () => {
    const reader = slowReader(() => 'RUNNING');
    const rows = new WfRunRows(reader.read);
    rows.changed('t', 'a', 1, rowOf('a', 'COMPLETED'));
    rows.changed('t', 'b', 1, rowOf('b', 'COMPLETED'));
    rows.forget('t', 'a');
    const asked = rows.get('t', 'a');
    expect(reader.reads).toHaveLength(1);
    reader.reads[0]!.release();
    expect((await asked)?.status).toBe('RUNNING');
    rows.clear();
    expect(rows.size).toBe(0);
  });

  it('keeps no failed read, keeps WfRuns of other tenants apart, and forgets the changed longest ago past its capacity', async () => {
    let fail = true;
    let reads = 0;
    const rows = new WfRunRows(async (tenantId, wfRunId) => {
      reads++;
      if (fail) throw new Error('connection lost');
      return rowOf(`${tenantId}/${wfRunId}`, 'RUNNING');
    }, 2);
    rows.changed('t', 'a', 1);
    await expect(rows.get('t', 'a')).rejects.toThrow('connection lost');
    fail = false;
    expect((await rows.get('t', 'a'))?.id).toBe('t/a');
    expect(reads).toBe(2);
    expect((await rows.get('u', 'a'))?.id).toBe('u/a');

    rows.changed('t', 'b', 1);
    rows.changed('t', 'c', 1);
    expect(rows.size).toBe(2);
    // 'a' is forgotten: asked for, it is read again (and, not told changed since, not kept).
    await rows.get('t', 'a');
    await rows.get('t', 'a');
    expect(reads).toBe(5);
  });
});
