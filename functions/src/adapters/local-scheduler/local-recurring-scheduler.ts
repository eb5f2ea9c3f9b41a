import type { ScheduledEvent } from '../scheduler/scheduled-event.ts';
import type { RecurringScheduler } from '../../modules/domain-moves/ports.ts';
import type { Clock } from '../../platform/clock.ts';

interface Entry {
  everyMinutes: number;
  until: Date | undefined;
  event: ScheduledEvent;
  nextAt: number;
}

export interface LocalRecurringScheduler extends RecurringScheduler {
  /** Starts ticking: every `tickMs` of real time, each schedule whose next time (by the app's Clock) has come fires once. */
  start(fire: (event: ScheduledEvent) => Promise<unknown>): void;
  stop(): Promise<void>;
  /** The schedules and when each fires next (tests, diagnostics). */
  scheduled(): { name: string; everyMinutes: number; nextAt: string }[];
  /** One tick now (what the timer does); resolves when the firings it started have ended. */
  tick(): Promise<void>;
}

/**
 * The RecurringScheduler port in one process, driven by the app's Clock rather than by timers per schedule: a
 * short real-time tick compares the Clock with each schedule's next time, so a test that moves its FakeClock six
 * hours on sees the pass fire at the next tick, and a laptop that slept fires once on waking (not once per missed
 * interval, as EventBridge would not either). A firing never overlaps the previous one of the same schedule.
 * Schedules live in memory: the local runtime re-arms them from the moves at start.
 */
export function createLocalRecurringScheduler(deps: { clock: Clock; tickMs: number; onError?: (name: string, err: unknown) => void }): LocalRecurringScheduler {
  const entries = new Map<string, Entry>();
  const running = new Map<string, Promise<void>>();
  let fire: ((event: ScheduledEvent) => Promise<unknown>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const now = () => deps.clock.now().getTime();

  const tick = async () => {
    const t = now();
    const started: Promise<void>[] = [];
    for (const [name, e] of entries) {
      if (e.until && t > e.until.getTime()) {
        entries.delete(name);
        continue;
      }
      if (e.nextAt > t || running.has(name) || !fire) continue;
      e.nextAt = t + e.everyMinutes * 60_000;
      const p = fire(e.event)
        .then(() => undefined)
        .catch((err: unknown) => deps.onError?.(name, err))
        .finally(() => running.delete(name));
      running.set(name, p);
      started.push(p);
    }
    await Promise.all(started);
  };

  return {
    async put(name, spec) {
      const prev = entries.get(name);
      // Same interval: keep the rhythm (a put that only re-states it must not push the next firing away).
      const nextAt = prev && prev.everyMinutes === spec.everyMinutes ? prev.nextAt : now() + spec.everyMinutes * 60_000;
      entries.set(name, { everyMinutes: spec.everyMinutes, until: spec.until, event: spec.event, nextAt });
    },
    async remove(name) {
      entries.delete(name);
    },
    start(fn) {
      fire = fn;
      timer = setInterval(() => void tick(), deps.tickMs);
      timer.unref();
    },
    async stop() {
      fire = undefined;
      clearInterval(timer);
      await Promise.all(running.values());
    },
    scheduled: () => [...entries].map(([name, e]) => ({ name, everyMinutes: e.everyMinutes, nextAt: new Date(e.nextAt).toISOString() })),
    tick,
  };
}
