import type { JobQueue } from '../../modules/migrations/ports.ts';
import type { Logger } from '../../platform/logger.ts';

/**
 * What a consumer answers for one message: nothing (done) or "offer it again after a delay". `offer` marks a
 * message sent by JobQueue.offer (see there): a consumer should not send such a message back.
 */
export type QueueHandler = (runId: string, message: { offer: boolean }) => Promise<{ retryAfterSeconds?: number } | void>;

export interface LocalJobQueue extends JobQueue {
  /** Sets the consumer (the dispatcher); messages wait until one is set. */
  consume(handler: QueueHandler): void;
  /** Resolves when no message is waiting, delayed or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The in-process stand-in for SQS: at-least-once delivery to `consumers` parallel handlers (two by default,
 * like two dispatcher Lambdas), delays, redelivery after a handler error (up to `maxReceives`, then dropped
 * and logged, as a DLQ would keep it).
 */
export function createLocalJobQueue(opts: { logger: Logger; consumers?: number; redeliverAfterMs?: number; maxReceives?: number }): LocalJobQueue {
  const consumers = opts.consumers ?? 2;
  const ready: { runId: string; receives: number; offer: boolean }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let handler: QueueHandler | undefined;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const checkIdle = () => {
    if (ready.length || timers.size || inFlight) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const resolve of w) resolve();
  };
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
      checkIdle();
    }, ms);
    timers.add(t);
  };
  const push = (runId: string, receives: number, offer = false) => {
    ready.push({ runId, receives, offer });
    pump();
  };
  const pump = () => {
    while (!closed && handler && inFlight < consumers && ready.length) {
      const msg = ready.shift()!;
      inFlight++;
      const h = handler;
      void (async () => {
        try {
          const out = await h(msg.runId, { offer: msg.offer });
          if (out && out.retryAfterSeconds !== undefined && !closed) later(out.retryAfterSeconds * 1000, () => push(msg.runId, 0));
        } catch (err) {
          if (msg.receives + 1 >= (opts.maxReceives ?? 5)) opts.logger.error('migration message dropped after repeated failures', { runId: msg.runId, error: err });
          else if (!closed) later(opts.redeliverAfterMs ?? 2000, () => push(msg.runId, msg.receives + 1, msg.offer));
        } finally {
          inFlight--;
          pump();
          checkIdle();
        }
      })();
    }
  };
  return {
    async enqueue(runId, delaySeconds = 0) {
      if (closed) throw new Error('The local job queue is closed.');
      if (delaySeconds > 0) later(delaySeconds * 1000, () => push(runId, 0));
      else push(runId, 0);
    },
    async offer(runId) {
      if (closed) throw new Error('The local job queue is closed.');
      push(runId, 0, true);
    },
    consume(h) {
      handler = h;
      pump();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      }),
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      ready.length = 0;
      checkIdle();
    },
  };
}
