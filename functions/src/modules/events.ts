/**
 * How a module tells the rest of the app that something happened, without knowing who listens: it declares its
 * events next to its code (modules/<capability>/events.ts, name → payload) and receives an `emit` for them.
 * Who reacts to which event is listed in one place, platform/composition/subscriptions.ts.
 *
 * `emit` resolves once every subscriber has run, in the order they are listed, and never rejects: a failing
 * subscriber is logged and the others still run. Subscribers are idempotent (an event may be told twice).
 */
export type Emit<Events> = (...event: { [K in keyof Events & string]: [name: K, payload: Events[K]] }[keyof Events & string]) => Promise<void>;

/** For a runtime where nothing subscribes to a module's events (the worker: its run ends reach the dispatcher when its task stops). */
export const emitNowhere = async (): Promise<void> => {};
