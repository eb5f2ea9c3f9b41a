import type { SendDeps } from './send-notification.ts';
import { nextRetryAt, SEND_LEASE_MS } from './send-policy.ts';

const OUTBOX_BATCH = 50;

/**
 * The sweeper's outbox pass: retries emails whose send failed (or whose sender crashed mid-send).
 *
 * 1. Read due records from the outbox index (bounded batch).
 * 2. Take each with a conditional update on its attempt count (two sweepers never send one twice).
 * 3. Send; mark it sent, or schedule the next attempt with backoff, giving up after the last attempt.
 */
export const makeRetryOutbox =
  (deps: Pick<SendDeps, 'mailer' | 'sends' | 'clock' | 'logger'>) =>
  async (): Promise<{ sent: number; failed: number; gaveUp: number }> => {
    const now = deps.clock.now();
    const counts = { sent: 0, failed: 0, gaveUp: 0 };
    for (const record of await deps.sends.listDue(now, OUTBOX_BATCH)) {
      const lease = new Date(now.getTime() + SEND_LEASE_MS).toISOString();
      if (!(await deps.sends.takeForRetry(record.eventId, record.recipient, record.attempts, lease))) continue;
      const attempts = record.attempts + 1;
      try {
        await deps.mailer.send({ ...record.email, date: new Date(record.email.date) });
        await deps.sends.markSent(record.eventId, record.recipient, attempts);
        counts.sent++;
      } catch (err) {
        const retryAt = nextRetryAt(now, attempts);
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        await deps.sends.markFailed(record.eventId, record.recipient, attempts, message, retryAt);
        if (retryAt) counts.failed++;
        else {
          counts.gaveUp++;
          deps.logger.error('notification given up after the last attempt', { eventId: record.eventId, attempts });
        }
      }
    }
    return counts;
  };
