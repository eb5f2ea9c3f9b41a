import type { NotificationResult } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { MailSettingsModule } from './mail-settings.ts';
import type { AdminDirectory, Mailer, SendRecordStore } from './ports.ts';
import { messageIdFor, nextRetryAt, SEND_LEASE_MS } from './send-policy.ts';

export interface Notification {
  /** Names the event, deterministically: the same trigger delivered twice gives the same id. */
  eventId: string;
  subject: string;
  text: string;
  html: string;
  /** Default: every admin plus the configured extra recipients. */
  to?: string[];
}

export interface SendDeps {
  mailer: Mailer;
  sends: SendRecordStore;
  admins: AdminDirectory;
  mailSettings: MailSettingsModule;
  clock: Clock;
  logger: Logger;
}

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * Sends one notification to each recipient at most once, never throwing for a mail failure.
 *
 * 1. Resolve recipients (explicit list, or admins plus extra recipients), lowercased and deduplicated.
 * 2. Per recipient, claim the send record (a conditional put keyed by event id and recipient); a record
 *    that exists means a duplicate trigger or a concurrent sender: skip.
 * 3. Send; mark it sent, or leave it in the outbox with a retry time for the sweeper.
 */
export const makeSendNotification =
  (deps: SendDeps) =>
  async (n: Notification): Promise<NotificationResult> => {
    const result: NotificationResult = { sent: [], skipped: [], queued: [] };
    const settings = await deps.mailSettings.get();
    const to = n.to ?? [...(await deps.admins.emails()), ...settings.extraRecipients];
    const recipients = [...new Set(to.map((r) => r.toLowerCase()))];
    const from = settings.from ?? settings.defaultFrom;
    for (const recipient of recipients) {
      const now = deps.clock.now();
      const email = { from, to: recipient, subject: n.subject, text: n.text, html: n.html, messageId: messageIdFor(n.eventId, recipient), date: now.toISOString() };
      try {
        const claimed = await deps.sends.claim({
          eventId: n.eventId,
          recipient,
          status: 'sending',
          email,
          attempts: 1,
          retryAt: new Date(now.getTime() + SEND_LEASE_MS).toISOString(),
          lastError: null,
        });
        if (!claimed) {
          result.skipped.push(recipient);
          continue;
        }
      } catch (err) {
        deps.logger.error('notification not recorded', { eventId: n.eventId, error: errorText(err) });
        continue;
      }
      try {
        await deps.mailer.send({ ...email, date: now });
        await deps.sends.markSent(n.eventId, recipient, 1);
        result.sent.push(recipient);
      } catch (err) {
        deps.logger.warn('notification send failed; kept in the outbox', { eventId: n.eventId, error: errorText(err) });
        // If even this write fails, the claim's lease still brings the record back to the sweeper.
        await deps.sends.markFailed(n.eventId, recipient, 1, errorText(err), nextRetryAt(now, 1)).catch(() => {});
        result.queued.push(recipient);
      }
    }
    return result;
  };
