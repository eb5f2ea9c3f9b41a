import type { Emit } from '../modules/events.ts';
import type { Logger } from './logger.ts';

type Subscriber<P> = (payload: P) => Promise<unknown>;

/** The subscribers of every event of `Events`, and the `emit` modules receive (see modules/events.ts). */
export interface EventBus<Events> {
  emit: Emit<Events>;
  on<K extends keyof Events & string>(name: K, subscriber: Subscriber<Events[K]>): void;
}

/** Subscribers run one after another in the order they were added; a failure is logged and never thrown. */
export function createEventBus<Events>(logger: Logger): EventBus<Events> {
  const subscribers = new Map<string, Subscriber<unknown>[]>();
  const emit = async (name: string, payload: unknown): Promise<void> => {
    for (const subscriber of subscribers.get(name) ?? []) {
      await subscriber(payload).catch((err: unknown) => logger.error('event subscriber failed', { event: name, error: err instanceof Error ? err.message : String(err) }));
    }
  };
  return {
    emit: emit as Emit<Events>,
    on(name, subscriber) {
      subscribers.set(name, [...(subscribers.get(name) ?? []), subscriber as Subscriber<unknown>]);
    },
  };
}
