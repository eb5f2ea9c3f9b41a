import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoAuditStore } from '../../src/adapters/dynamodb/dynamodb-audit-store.ts';
import { createDynamoCacheStore } from '../../src/adapters/dynamodb/dynamodb-cache-store.ts';
import { createDynamoNotificationSendStore } from '../../src/adapters/dynamodb/dynamodb-notification-send-store.ts';
import { createDynamoNotificationSettingsStore } from '../../src/adapters/dynamodb/dynamodb-notification-settings-store.ts';
import { createDynamoPendingActionStore } from '../../src/adapters/dynamodb/dynamodb-pending-action-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { createLocalScheduler } from '../../src/adapters/local-scheduler/local-scheduler.ts';
import { createLocalMailer } from '../../src/adapters/local-mailer/local-mailer.ts';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { startSandbox, type Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { makeAudit } from '../../src/modules/audit/audit.ts';
import { makeRefreshCache } from '../../src/modules/cache/refresh-cache.ts';
import { makeMailSettings } from '../../src/modules/notifications/mail-settings.ts';
import { makeNotifier } from '../../src/modules/notifications/notifier.ts';
import type { PendingActionEvents } from '../../src/modules/pending-actions/events.ts';
import { makePendingActions } from '../../src/modules/pending-actions/pending-actions.ts';
import { createEventBus } from '../../src/platform/events.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { FakeClock } from '../support/test-runtime.ts';

/**
 * The pending-actions module wired as in production, minus HTTP: dynalite in memory, the PurelyMail sandbox
 * over real HTTP (seeded), the real audit and cache stores, a fake clock and a local scheduler that is never
 * started (tests fire actions themselves), and the real notifier writing .eml files to a temp outbox.
 */
export async function startPendingFixture() {
  const dynamo = await startLocalDynamo({ tableName: 'pending-test' });
  const sandbox: Sandbox = await startSandbox({ token: 'pending-test-token', seed: true });
  const purelymail = new PurelyMailHttpClient({ baseUrl: sandbox.url, token: sandbox.token, sleep: async () => {} });
  const clock = new FakeClock();
  const cache = createDynamoCacheStore(dynamo.table);
  const auditStore = createDynamoAuditStore(dynamo.table);
  const audit = makeAudit({ store: auditStore, clock });
  const store = createDynamoPendingActionStore(dynamo.table);
  const scheduler = createLocalScheduler({ clock });
  const logs: string[] = [];
  const logger = createJsonLogger({ level: 'debug', write: (l) => logs.push(l) });
  const outboxDir = mkdtempSync(join(tmpdir(), 'pm-pending-outbox-'));
  /** Who the notifier mails as "every admin"; a test may add one. */
  const admins = ['owner@example.com', 'second@example.com'];
  const notify = makeNotifier({
    mailer: createLocalMailer({ outboxDir }),
    sends: createDynamoNotificationSendStore(dynamo.table),
    admins: { emails: async () => [...admins] },
    mailSettings: makeMailSettings({ store: createDynamoNotificationSettingsStore(dynamo.table), defaultFrom: 'panel@example.com' }),
    clock,
    logger,
    panelUrl: 'https://panel.example',
  });
  /** Domains the executor told DNS health to forget. */
  const untracked: string[] = [];
  // The pending-actions subscribers of platform/composition/subscriptions.ts, with DNS health stood in for.
  const events = createEventBus<PendingActionEvents>(logger);
  events.on('PendingActionRequested', ({ action }) => notify.pendingRequested(action));
  events.on('PendingActionCancelled', ({ action }) => notify.pendingCancelled(action));
  events.on('PendingActionFinished', ({ action }) => notify.pendingFinished(action));
  events.on('DomainDeleted', async ({ domain }) => void untracked.push(domain));
  const pending = makePendingActions({
    store,
    scheduler,
    purelymail,
    cache,
    audit,
    delayHours: async () => 24,
    emit: events.emit,
    clock,
    logger,
  });
  const refreshCache = makeRefreshCache({ purelymail, cache, clock, audit });
  /** Audit entries written by the executor for one action. */
  const executionEntries = async () => (await audit.query({ action: 'pending.execute', limit: 200 })).entries;
  return {
    admins,
    dynamo,
    sandbox,
    purelymail,
    clock,
    cache,
    audit,
    store,
    scheduler,
    pending,
    refreshCache,
    logs,
    executionEntries,
    untracked,
    /** The .eml files the notifier wrote, by file name. */
    outbox: () => new Map(readdirSync(outboxDir).filter((f) => f.endsWith('.eml')).map((f) => [f, readFileSync(join(outboxDir, f), 'utf8')])),
    deleteCalls: (op: string) => sandbox.requests().filter((r) => r.op === op),
    async close() {
      await sandbox.close();
      await dynamo.close();
      rmSync(outboxDir, { recursive: true, force: true });
    },
  };
}
export type PendingFixture = Awaited<ReturnType<typeof startPendingFixture>>;
