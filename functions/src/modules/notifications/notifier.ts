import { randomUUID } from 'node:crypto';
import type { NotificationResult, PendingAction } from '@app/shared';
import { creditCrossedEmail, creditForecastEmail, type CreditForecastAlert, dnsChangedEmail, pendingCancelledEmail, pendingFinishedEmail, pendingRequestedEmail, testEmail, type CreditCrossing, type DnsChange } from './notification-messages.ts';
import { makeRetryOutbox } from './retry-outbox.ts';
import { makeSendNotification, type Notification, type SendDeps } from './send-notification.ts';

const NOTHING: NotificationResult = { sent: [], skipped: [], queued: [] };
const requestedEventId = (action: PendingAction) => `pending-requested:${action.id}`;

/**
 * The notifications other capabilities call. Every method is safe to call twice for the same trigger
 * (event ids are deterministic, sends are claimed per recipient) and never throws: a mail or store
 * failure is logged and left to the outbox, so it can never block the action that triggered it.
 *
 * @example
 * await deps.notify.pendingRequested(action); // after the pending action is saved
 */
export function makeNotifier(deps: SendDeps & { panelUrl: string }) {
  const sendNow = makeSendNotification(deps);
  const send = async (n: Notification): Promise<NotificationResult> => {
    try {
      return await sendNow(n);
    } catch (err) {
      deps.logger.error('notification failed', { eventId: n.eventId, error: err instanceof Error ? err.message : String(err) });
      return NOTHING;
    }
  };
  return {
    send,
    pendingRequested: (action: PendingAction) => send({ eventId: requestedEventId(action), ...pendingRequestedEmail(action, deps.panelUrl) }),
    /**
     * For an action an admin cancelled: only to those the "Deletion scheduled" email went (or is still going)
     * to, read from its send records — not to an admin added since, nor to one it was given up on.
     */
    async pendingCancelled(action: PendingAction): Promise<NotificationResult> {
      let told: string[];
      try {
        told = (await deps.sends.listForEvent(requestedEventId(action))).filter((r) => r.status !== 'failed').map((r) => r.recipient);
      } catch (err) {
        deps.logger.error('notification failed', { eventId: `pending-cancelled:${action.id}`, error: err instanceof Error ? err.message : String(err) });
        return NOTHING;
      }
      if (told.length === 0) return NOTHING;
      return send({ eventId: `pending-cancelled:${action.id}`, ...pendingCancelledEmail(action, deps.panelUrl), to: told });
    },
    /** For an action that reached `done` or `failed`. */
    pendingFinished: (action: PendingAction) => send({ eventId: `pending-${action.status}:${action.id}`, ...pendingFinishedEmail(action, deps.panelUrl) }),
    /** `key` identifies this one transition (e.g. the health record's version after it). */
    dnsChanged: (change: DnsChange, key: string) => send({ eventId: `dns-${change.to}:${change.domain}:${key}`, ...dnsChangedEmail(change, deps.panelUrl) }),
    /** `key` identifies this one crossing (e.g. the credit alert's version after it). */
    creditCrossed: (crossing: CreditCrossing, key: string) => send({ eventId: `credit-${crossing.level}:${key}`, ...creditCrossedEmail(crossing, deps.panelUrl) }),
    /** The credit forecast dropped below the setting; `key` names the crossing (one email per crossing). */
    creditForecast: (alert: CreditForecastAlert, key: string) => send({ eventId: `credit-forecast:${key}`, ...creditForecastEmail(alert, deps.panelUrl) }),
    /** "Send test email": a fresh event every time, to one address or to every recipient. */
    sendTest: (requestedBy: string, to?: string) => send({ eventId: `test:${randomUUID()}`, ...testEmail(deps.panelUrl, requestedBy, deps.clock.now().toISOString()), ...(to ? { to: [to] } : {}) }),
    retryOutbox: makeRetryOutbox(deps),
  };
}
export type Notifier = ReturnType<typeof makeNotifier>;
