import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalScheduler } from './local-scheduler.ts';

describe('local scheduler', () => {
  afterEach(() => vi.useRealTimers());

  it('fires each action at its time, only once started, and not after cancel', async () => {
    // Prepare
    vi.useFakeTimers({ now: Date.parse('2026-11-21T09:00:00Z') });
    const clock = { now: () => new Date() };
    const fired: string[] = [];
    const scheduler = createLocalScheduler({ clock });
    await scheduler.schedule('a', new Date('2026-11-21T10:00:00Z'));
    await scheduler.schedule('b', new Date('2026-11-21T11:00:00Z'));
    await scheduler.schedule('c', new Date('2026-11-21T08:00:00Z'));
    // Act / Assess
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(fired).toEqual([]); // not started yet
    scheduler.start(async (id) => void fired.push(id));
    await scheduler.cancel('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(fired).toEqual(['c']);
    await vi.advanceTimersByTimeAsync(2 * 3600_000);
    expect(fired).toEqual(['c', 'a']);
    expect(scheduler.scheduled()).toEqual([]);
    scheduler.stop();
  });

  it('waits longer than setTimeout allows by re-arming', async () => {
    vi.useFakeTimers({ now: 0 });
    const fired: string[] = [];
    const scheduler = createLocalScheduler({ clock: { now: () => new Date() } });
    scheduler.start(async (id) => void fired.push(id));
    await scheduler.schedule('far', new Date(30 * 24 * 3600_000));
    await vi.advanceTimersByTimeAsync(29 * 24 * 3600_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(fired).toEqual(['far']);
    scheduler.stop();
  });
});
