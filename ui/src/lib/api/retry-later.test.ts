import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RETRY_MS, RetryLater } from './retry-later.ts';

describe('RetryLater', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('tries again once, after 5 s', () => {
    const again = vi.fn();
    const retry = new RetryLater(again);
    retry.schedule();
    expect(retry.waiting).toBe(true);
    vi.advanceTimersByTime(RETRY_MS - 1);
    expect(again).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(again).toHaveBeenCalledTimes(1);
    expect(retry.waiting).toBe(false);
    vi.advanceTimersByTime(RETRY_MS * 3);
    expect(again).toHaveBeenCalledTimes(1);
    expect(RETRY_MS).toBe(5_000);
  });

  it('keeps one try waiting: a new failure restarts the wait', () => {
    const again = vi.fn();
    const retry = new RetryLater(again, 1_000);
    retry.schedule();
    vi.advanceTimersByTime(600);
    retry.schedule();
    vi.advanceTimersByTime(600);
    expect(again).not.toHaveBeenCalled();
    vi.advanceTimersByTime(400);
    expect(again).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(again).toHaveBeenCalledTimes(1);
  });

  it('can be scheduled again from the try itself, as a follow lost again is', () => {
    let tries = 0;
    const retry: RetryLater = new RetryLater(() => {
      tries++;
      if (tries < 3) retry.schedule();
    }, 1_000);
    retry.schedule();
    vi.advanceTimersByTime(10_000);
    expect(tries).toBe(3);
    expect(retry.waiting).toBe(false);
  });

  it('drops the try waiting on cancel, and schedules again afterwards', () => {
    const again = vi.fn();
    const retry = new RetryLater(again, 1_000);
    retry.schedule();
    retry.cancel();
    expect(retry.waiting).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(again).not.toHaveBeenCalled();
    retry.schedule();
    vi.advanceTimersByTime(1_000);
    expect(again).toHaveBeenCalledTimes(1);
  });

  it('tries nothing once stopped, neither the try waiting nor a later one', () => {
    const again = vi.fn();
    const retry = new RetryLater(again, 1_000);
    expect(retry.stopped).toBe(false);
    retry.schedule();
    retry.stop();
    expect(retry.stopped).toBe(true);
    retry.schedule();
    expect(retry.waiting).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(again).not.toHaveBeenCalled();
  });

  it('doubles each wait up to maxMs, and starts over after reset', () => {
    const again = vi.fn();
    const retry = new RetryLater(again, 1_000, 3_000);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      retry.schedule();
      let waited = 0;
      while (again.mock.calls.length === i) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1_000, 2_000, 3_000, 3_000]);
    retry.reset();
    retry.schedule();
    vi.advanceTimersByTime(1_000);
    expect(again).toHaveBeenCalledTimes(5);
  });
});
