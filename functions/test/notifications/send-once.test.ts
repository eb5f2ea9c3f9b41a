import type { PendingAction } from '@app/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoNotificationSendStore } from '../../src/adapters/dynamodb/dynamodb-notification-send-store.ts';
import { createDynamoNotificationSettingsStore } from '../../src/adapters/dynamodb/dynamodb-notification-settings-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeMailSettings } from '../../src/modules/notifications/mail-settings.ts';
import { makeNotifier, type Notifier } from '../../src/modules/notifications/notifier.ts';
import type { OutgoingEmail } from '../../src/modules/notifications/ports.ts';
import { MAX_SEND_ATTEMPTS } from '../../src/modules/notifications/send-policy.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { FakeClock } from '../support/test-runtime.ts';

const HOUR = 3_600_000;
const action = (over: Partial<PendingAction> = {}): PendingAction => ({
  id: 'pa-1',
  kind: 'delete-domain',
  target: 'old.test',
  label: 'Delete domain old.test',
  requestedBy: 'ann@example.com',
  requestedAt: '2026-11-21T09:00:00.000Z',
  executeAt: '2026-11-22T09:00:00.000Z',
  status: 'pending',
  finishedAt: null,
  cancelledBy: null,
  reason: null,
  version: 1,
  ...over,
});

/** Send records and the outbox on dynalite: one email per (event, recipient), failures retried, never thrown. */
describe('notifications are sent once and never block', () => {
  let close: () => Promise<void>;
  let notify: Notifier;
  let clock: FakeClock;
  const sent: OutgoingEmail[] = [];
  let failures = 0;
  let run = 0;
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'send-once' });
    close = dynamo.close;
  });
  afterAll(async () => close());
  beforeEach(() => {
    // A fresh key space per test: event ids are namespaced by a counter.
    run++;
    sent.length = 0;
    failures = 0;
    clock = new FakeClock(Date.parse('2026-11-21T09:00:00Z'));
    notify = makeNotifier({
      mailer: {
        send: async (e) => {
          if (failures > 0) {
            failures--;
            throw new Error('SES throttled');
          }
          sent.push(e);
        },
      },
      sends: createDynamoNotificationSendStore(dynamo.table),
      admins: { emails: async () => ['ann@example.com', 'Bob@Example.com'] },
      mailSettings: makeMailSettings({ store: createDynamoNotificationSettingsStore(dynamo.table), defaultFrom: 'panel@example.com' }),
      clock,
      logger: createJsonLogger({ level: 'silent' }),
      panelUrl: 'http://panel.test',
    });
  });
  const id = (s: string) => `${s}-${run}`;

  it('pending requested, executed and failed: one email per admin per event, even when each trigger is delivered twice', async () => {
    const a = action({ id: id('pa') });
    await Promise.all([notify.pendingRequested(a), notify.pendingRequested(a)]);
    const done = { ...a, status: 'done' as const, finishedAt: '2026-11-22T09:00:05.000Z' };
    await notify.pendingFinished(done);
    await notify.pendingFinished(done);
    expect(sent.map((e) => `${e.to} ${e.subject}`).sort()).toEqual([
      'ann@example.com Deletion done: Delete domain old.test',
      'ann@example.com Deletion scheduled: Delete domain old.test',
      'bob@example.com Deletion done: Delete domain old.test',
      'bob@example.com Deletion scheduled: Delete domain old.test',
    ]);
    const failed = await notify.pendingFinished({ ...a, id: id('pa-f'), status: 'failed', reason: 'The domain still has 3 users.' });
    expect(failed.sent).toHaveLength(2);
    expect(sent.at(-1)!.text).toContain('Reason: The domain still has 3 users.');
  });

  it('an SES failure does not throw; the sweeper retries from the outbox with backoff and sends it once', async () => {
    // Prepare: SES fails for the first two attempts of both recipients.
    failures = 4;
    const result = await notify.dnsChanged({ domain: 'shop.test', to: 'failing', failing: ['MX'], at: clock.now().toISOString() }, id('v2'));
    expect(result.queued.sort()).toEqual(['ann@example.com', 'bob@example.com']);
    // Not due yet (first retry after 1 minute).
    expect(await notify.retryOutbox()).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
    clock.advance(60_000);
    expect(await notify.retryOutbox()).toEqual({ sent: 0, failed: 2, gaveUp: 0 });
    clock.advance(5 * 60_000);
    // Two sweepers at once: each email is taken by one of them only.
    const [x, y] = await Promise.all([notify.retryOutbox(), notify.retryOutbox()]);
    expect(x.sent + y.sent).toBe(2);
    clock.advance(HOUR);
    expect(await notify.retryOutbox()).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
    expect(sent.map((e) => e.to).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    // Every attempt carries the same Message-ID.
    expect(new Set(sent.map((e) => e.messageId)).size).toBe(2);
  });

  it('gives up after the last attempt instead of retrying forever', async () => {
    failures = 1000;
    await notify.send({ eventId: id('hopeless'), subject: 's', text: 't', html: '<p>h</p>', to: ['x@example.com'] });
    let gaveUp = 0;
    for (let i = 0; i < MAX_SEND_ATTEMPTS + 2; i++) {
      clock.advance(13 * HOUR);
      gaveUp += (await notify.retryOutbox()).gaveUp;
    }
    expect(gaveUp).toBe(1);
    expect(failures).toBe(1000 - MAX_SEND_ATTEMPTS);
  });

  it('a store failure is logged, never thrown at the caller', async () => {
    const broken = makeNotifier({
      mailer: { send: async () => {} },
      sends: createDynamoNotificationSendStore(dynamo.table),
      admins: { emails: async () => Promise.reject(new Error('store down')) },
      mailSettings: makeMailSettings({ store: createDynamoNotificationSettingsStore(dynamo.table), defaultFrom: 'panel@example.com' }),
      clock,
      logger: createJsonLogger({ level: 'silent' }),
      panelUrl: 'http://panel.test',
    });
    await expect(broken.pendingRequested(action({ id: id('pa-x') }))).resolves.toEqual({ sent: [], skipped: [], queued: [] });
  });
});
