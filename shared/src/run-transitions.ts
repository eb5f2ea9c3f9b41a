/**
 * The life of a migration run, in one table: state × event → state. Every change of a run's state is one of
 * these rows: the run store's conditional write takes the event and derives both its condition (the run is in a
 * state the event leaves) and the new state from here (functions/src/adapters/dynamodb/dynamodb-migration-run-store.ts),
 * and the UI labels each state from RUN_STATE_LABELS below. A change that is not in the table cannot happen.
 *
 * Events are named after what happened. Two rows with the same event lead to the same state (tested), so an
 * event alone says where the run goes; the states it may leave are those whose row names it.
 */
export const RUN_STATES = ['queued', 'starting', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
type State = (typeof RUN_STATES)[number];

export const RUN_TRANSITIONS = {
  queued: {
    /** The dispatcher took a slot (and the mailbox lease) and is starting a worker. */
    dispatched: 'starting',
    /** An admin cancelled it before it started (or the dispatcher found the cancel). */
    cancelled: 'cancelled',
    /** Its id never reached the queue; nothing was started. */
    queueUnreachable: 'failed',
  },
  starting: {
    /** The worker is up and holds the mailbox lease; imapsync starts next. */
    workerStarted: 'running',
    /** No worker could be started (capacity, throttling): back in the queue, offered again later. */
    startFailed: 'queued',
    /** No worker could be started after the last attempt. */
    startGaveUp: 'failed',
    /** The worker found the cancel before starting imapsync. */
    cancelSeenAtStart: 'cancelled',
    /** The worker went away (process exited, task stopped, never started) before recording an end. */
    workerGone: 'interrupted',
    /** The same, after a cancel was asked. */
    workerGoneAfterCancel: 'cancelled',
  },
  running: {
    succeeded: 'succeeded',
    /** imapsync failed, or the run could not start it (credentials, a refused address, a deleted job). */
    failed: 'failed',
    /** The watchdog: past the maximum run time, or no heartbeat for too long. */
    timedOut: 'failed',
    /** imapsync was stopped for an admin's cancel. */
    stoppedForCancel: 'cancelled',
    /** imapsync was stopped by SIGTERM (StopTask, Spot) or because the run was taken away from this worker. */
    interrupted: 'interrupted',
    workerGone: 'interrupted',
    workerGoneAfterCancel: 'cancelled',
  },
  succeeded: {},
  failed: {},
  cancelled: {},
  interrupted: {},
} as const satisfies Record<State, Readonly<Record<string, State>>>;

type Rows = typeof RUN_TRANSITIONS;
/** Everything that can happen to a run. */
export type RunEvent = { [S in keyof Rows]: keyof Rows[S] }[keyof Rows];
/** Where `E` leads. */
export type RunEventTarget<E extends RunEvent> = { [S in keyof Rows]: E extends keyof Rows[S] ? Rows[S][E] : never }[keyof Rows];
/** States with no way out. */
export type TerminalRunState = { [S in keyof Rows]: keyof Rows[S] extends never ? S : never }[keyof Rows];
/** Events that end a run. */
export type EndingRunEvent = { [E in RunEvent]: RunEventTarget<E> extends TerminalRunState ? E : never }[RunEvent];

const rows = RUN_TRANSITIONS as Record<State, Readonly<Partial<Record<RunEvent, State>>>>;

/** The state `event` leads to from `state`, or undefined when it cannot happen there. */
export function nextRunState(state: State, event: RunEvent): State | undefined {
  return rows[state][event];
}

/** The states `event` may leave (the condition of its write). */
export function runEventSources(event: RunEvent): State[] {
  return RUN_STATES.filter((s) => rows[s][event] !== undefined);
}

/** The state `event` leads to (the same from every state it may leave). */
export function runEventTarget<E extends RunEvent>(event: E): RunEventTarget<E> {
  const from = runEventSources(event)[0];
  if (from === undefined) throw new Error(`Unknown run event: ${String(event)}`);
  return rows[from][event] as RunEventTarget<E>;
}

/** A run in one of these states has ended: no event leads out of it. */
export const TERMINAL_RUN_STATES: readonly State[] = RUN_STATES.filter((s) => Object.keys(rows[s]).length === 0);
export const isTerminalRunState = (s: State): s is TerminalRunState => TERMINAL_RUN_STATES.includes(s);

/** Plain words and badge tones for run states: the UI's labels for the same states the table moves between. */
export const RUN_STATE_LABELS: Readonly<Record<State, { label: string; tone: 'neutral' | 'success' | 'warning' | 'danger' | 'info' }>> = {
  queued: { label: 'Queued', tone: 'neutral' },
  starting: { label: 'Starting', tone: 'info' },
  running: { label: 'Running', tone: 'info' },
  succeeded: { label: 'Succeeded', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'warning' },
  interrupted: { label: 'Interrupted', tone: 'warning' },
};
