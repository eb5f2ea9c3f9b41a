import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoDomainMoveStore } from '../../src/adapters/dynamodb/dynamodb-domain-move-store.ts';
import { startLocal } from '../../src/local/start-local.ts';
import { LocalConfig } from '../../src/platform/config/local-config.ts';
import { parseConfig } from '../../src/platform/config/parse-config.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import { FakeClock } from '../support/test-runtime.ts';

const HOUR = 3_600_000;
const dataDir = mkdtempSync(join(tmpdir(), 'pm-move-restart-'));
const clock = new FakeClock();
const start = () =>
  startLocal(parseConfig(LocalConfig, { DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', PASSWORD_SCRYPT_LOG_N: '12', LOG_LEVEL: 'error', LOCAL_SCHEDULE_TICK_MS: '30', DNS_TIER_INTERVAL_MINUTES: '0' }), {
    logger: createJsonLogger({ level: 'error', write: () => {} }),
    clock,
  });

// The local scheduler keeps schedules in memory: a restarted panel re-arms every move's schedule from the table.
describe('a domain move’s schedule across a restart', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is re-armed at start and fires its pass once the clock passes the interval', async () => {
    const first = await start();
    const at = clock.now().toISOString();
    await createDynamoDomainMoveStore(first.table).create({
      domain: 'lumen.example', stage: 'sync', createdAt: at, createdBy: 'owner@example.com', updatedAt: at, source: { kind: 'batch', batchId: 'bat_restart0001' }, batchId: 'bat_restart0001',
      syncEveryHours: 6, pauseAfterFailures: 3, schedule: { name: 'move-lumen.example', everyMinutes: 360, purpose: 'pass', nextAt: null }, passesDone: 0, lastPassAt: null, oldMx: null,
      dns: { applied: null, appliedAt: null, savedRecords: false, switchedEverywhereAt: null, lastWatch: null }, finalPassAt: null, finishedAt: null, cancelledAt: null,
      mailboxes: [{ address: 'ann@lumen.example', sourceUser: 'ann@old.example', jobId: 'job_restart0001', passes: 1, consecutiveFailures: 0, paused: false, pausedReason: null, lastRun: null, currentRunId: null, skippedReason: null, messagesCopied: 0, bytesCopied: 0, verdict: 'unknown' }],
      next: { action: '', waitingFor: null }, version: 1,
    });
    await first.close();

    const second = await start();
    try {
      expect(second.recurringScheduler.scheduled()).toEqual([{ name: 'move-lumen.example', everyMinutes: 360, nextAt: new Date(clock.now().getTime() + 6 * HOUR).toISOString() }]);
      clock.advance(6 * HOUR);
      const store = createDynamoDomainMoveStore(second.table);
      const moved = await waitFor('the pass after the restart', async () => {
        const m = await store.get('lumen.example');
        return m && m.passesDone === 1 && m.mailboxes[0]!.skippedReason !== null && m;
      });
      // Its job no longer exists (this test wrote none): a failed pass, said, not skipped silently.
      expect(moved.mailboxes[0]).toMatchObject({ consecutiveFailures: 1, skippedReason: 'its migration job no longer exists' });
    } finally {
      await second.close();
    }
  }, 60_000);
});
