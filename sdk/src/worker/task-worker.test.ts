import { describe, expect, it } from 'vitest';
import { GallopClient } from '../client/client.ts';
import { TaskWorker } from './task-worker.ts';
import { TaskException } from './task-exception.ts';

describe('TaskWorker options', () => {
  const client = new GallopClient({ url: 'http://127.0.0.1:9/graphql' });
  const make = (options: { concurrency?: number; pollWaitMs?: number; leaseMs?: number }) => () =>
    new TaskWorker({ client, taskDefName: 'any', fn: () => null, ...options });

  it('refuses at once what every claim would be refused for, naming the option and its range', () => {
    expect(make({ concurrency: 0 })).toThrow('concurrency must be an integer from 1 to 100; got 0.');
    expect(make({ concurrency: 101 })).toThrow('concurrency must be an integer from 1 to 100; got 101.');
    expect(make({ concurrency: 2.5 })).toThrow(RangeError);
    expect(make({ pollWaitMs: 60_001 })).toThrow('pollWaitMs must be from 0 to 60000; got 60001.');
    expect(make({ leaseMs: 999 })).toThrow('leaseMs must be from 1000 to 86400000 (a day); got 999.');
    expect(make({ concurrency: 100, pollWaitMs: 0, leaseMs: 86_400_000 })).not.toThrow();
  });
});

describe('TaskException', () => {
  it('refuses at once a name the server would refuse, so the attempt fails as an ERROR saying why', () => {
    expect(() => new TaskException('card declined', 'The card was declined.')).toThrow(/TaskException name "card declined" is not a failure name/);
    expect(() => new TaskException('', 'empty')).toThrow(TypeError);
    expect(() => new TaskException('x'.repeat(129), 'long')).toThrow(TypeError);
    expect(new TaskException('card-declined', 'The card was declined.', { card: '4000' })).toMatchObject({ exceptionName: 'card-declined', content: { card: '4000' } });
  });
});
