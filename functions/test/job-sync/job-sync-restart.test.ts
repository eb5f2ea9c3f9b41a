import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoJobSyncStore } from '../../src/adapters/dynamodb/dynamodb-job-sync-store.ts';
import { startLocal } from '../../src/local/start-local.ts';
import { LocalConfig } from '../../src/platform/config/local-config.ts';
import { parseConfig } from '../../src/platform/config/parse-config.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import { FakeClock } from '../support/test-runtime.ts';

const HOUR = 3_600_000;
const dataDir = mkdtempSync(join(tmpdir(), 'pm-jobsync-restart-'));
const clock = new FakeClock();
const start = () =>
  startLocal(parseConfig(LocalConfig, { DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', PASSWORD_SCRYPT_LOG_N: '12', LOG_LEVEL: 'error', LOCAL_SCHEDULE_TICK_MS: '30', DNS_TIER_INTERVAL_MINUTES: '0' }), {
    logger: createJsonLogger({ level: 'error', write: () => {} }),
    clock,
  });

// The local scheduler keeps schedules in memory: a restarted panel re-arms every active job sync from the table.
describe('a job sync schedule across a restart', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is re-armed at start with its end date, and a firing for a job that is gone removes it and says so', async () => {
    const first = await start();
    const at = clock.now().toISOString();
    const until = new Date(clock.now().getTime() + 24 * HOUR).toISOString();
    await createDynamoJobSyncStore(first.table).create({
      jobId: 'job_restart0001', name: 'sync-job_restart0001', everyHours: 6, until, stopAfterFailures: 3, state: 'active', createdAt: at, createdBy: 'owner@example.com', updatedAt: at,
      nextAt: null, passesDone: 0, consecutiveFailures: 0, lastPassAt: null, lastSkip: null, currentRunId: null, lastRun: null, stoppedAt: null, stoppedReason: null, version: 1,
    });
    await first.close();

    const second = await start();
    try {
      expect(second.recurringScheduler.scheduled()).toEqual([{ name: 'sync-job_restart0001', everyMinutes: 360, nextAt: new Date(clock.now().getTime() + 6 * HOUR).toISOString() }]);
      clock.advance(6 * HOUR);
      // This test wrote no job: the firing removes the schedule and its item instead of failing every 6 hours.
      const store = createDynamoJobSyncStore(second.table);
      await waitFor('the schedule of a job that is gone removed', async () => (await store.get('job_restart0001')) === undefined && second.recurringScheduler.scheduled().length === 0);
    } finally {
      await second.close();
    }
  }, 60_000);
});
