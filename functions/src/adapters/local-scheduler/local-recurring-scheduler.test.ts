import { describe, expect, it } from 'vitest';
import type { ScheduledEvent } from '../scheduler/scheduled-event.ts';
import { createLocalRecurringScheduler } from './local-recurring-scheduler.ts';

class Clock {
  t = Date.parse('2026-11-21T09:00:00Z');
  now = () => new Date(this.t);
}
const HOUR = 3_600_000;
const event = (domain: string): ScheduledEvent => ({ kind: 'domain-move', domain });

describe('the local recurring scheduler', () => {
  it('fires a schedule once when the app clock passes its next time, then every interval after that firing', async () => {
    const clock = new Clock();
    const s = createLocalRecurringScheduler({ clock, tickMs: 1_000_000 });
    const fired: string[] = [];
    s.start(async (e) => void fired.push(e.kind === 'domain-move' ? e.domain : e.kind));
    await s.put('move-a.example', { everyMinutes: 360, event: event('a.example') });
    await s.tick();
    expect(fired).toEqual([]);
    clock.t += 6 * HOUR - 1;
    await s.tick();
    expect(fired).toEqual([]);
    clock.t += 1;
    await s.tick();
    await s.tick();
    expect(fired).toEqual(['a.example']);
    // A machine that slept two days fires once on waking, not once per missed interval.
    clock.t += 48 * HOUR;
    await s.tick();
    expect(fired).toEqual(['a.example', 'a.example']);
    expect(s.scheduled()).toEqual([{ name: 'move-a.example', everyMinutes: 360, nextAt: new Date(clock.t + 6 * HOUR).toISOString() }]);
    await s.stop();
  });

  it('keeps the rhythm when a put only restates the interval, restarts it on a new interval, and forgets a removed one', async () => {
    const clock = new Clock();
    const s = createLocalRecurringScheduler({ clock, tickMs: 1_000_000 });
    const fired: number[] = [];
    s.start(async () => void fired.push(clock.t));
    await s.put('m', { everyMinutes: 60, event: event('a.example') });
    clock.t += 30 * 60_000;
    await s.put('m', { everyMinutes: 60, event: event('a.example') });
    expect(s.scheduled()[0]!.nextAt).toBe('2026-11-21T10:00:00.000Z');
    await s.put('m', { everyMinutes: 5, event: event('a.example') });
    expect(s.scheduled()[0]!.nextAt).toBe('2026-11-21T09:35:00.000Z');
    await s.remove('m');
    await s.remove('m');
    clock.t += HOUR;
    await s.tick();
    expect(fired).toEqual([]);
    expect(s.scheduled()).toEqual([]);
  });

  it('never overlaps a firing with the previous one of the same schedule, stops after its end date, and reports a failure without stopping', async () => {
    const clock = new Clock();
    const errors: string[] = [];
    const s = createLocalRecurringScheduler({ clock, tickMs: 1_000_000, onError: (name, err) => errors.push(`${name}: ${(err as Error).message}`) });
    let release: () => void = () => {};
    let calls = 0;
    s.start(() => {
      calls++;
      if (calls === 1) return new Promise<void>((r) => (release = r));
      return Promise.reject(new Error('boom'));
    });
    await s.put('slow', { everyMinutes: 1, until: new Date('2026-11-21T09:10:00Z'), event: event('a.example') });
    clock.t += 60_000;
    const first = s.tick();
    clock.t += 60_000;
    await s.tick();
    expect(calls).toBe(1);
    release();
    await first;
    await s.tick();
    expect(calls).toBe(2);
    expect(errors).toEqual(['slow: boom']);
    clock.t += HOUR;
    await s.tick();
    expect(calls).toBe(2);
    expect(s.scheduled()).toEqual([]);
  });

  it('ticks on its own in real time once started', async () => {
    const clock = new Clock();
    const s = createLocalRecurringScheduler({ clock, tickMs: 10 });
    const fired: string[] = [];
    await s.put('m', { everyMinutes: 5, event: event('a.example') });
    s.start(async () => void fired.push('x'));
    clock.t += 5 * 60_000;
    await new Promise((r) => setTimeout(r, 60));
    expect(fired).toEqual(['x']);
    await s.stop();
  });
});
