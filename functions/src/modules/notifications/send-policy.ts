import { createHash } from 'node:crypto';

/** How long a claimed send may take before the sweeper treats it as lost (a crash between claim and send). */
export const SEND_LEASE_MS = 10 * 60_000;
/** After this many failed attempts the email is given up on (and logged); about a day of retries. */
export const MAX_SEND_ATTEMPTS = 8;
const BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360, 720];

/** When to try again after `attempts` failed attempts; null when it is time to give up. */
export function nextRetryAt(now: Date, attempts: number): string | null {
  if (attempts >= MAX_SEND_ATTEMPTS) return null;
  const minutes = BACKOFF_MINUTES[Math.min(attempts - 1, BACKOFF_MINUTES.length - 1)]!;
  return new Date(now.getTime() + minutes * 60_000).toISOString();
}

/** A Message-ID that is the same for every attempt of one (event, recipient), so mail clients dedupe retries. */
export const messageIdFor = (eventId: string, recipient: string): string =>
  `${createHash('sha256').update(`${eventId}\n${recipient.toLowerCase()}`).digest('hex').slice(0, 32)}@purelymanage`;
