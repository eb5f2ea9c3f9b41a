import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import type { Table } from '../../src/adapters/dynamodb/table.ts';
import { createLocalJobQueue, type LocalJobQueue } from '../../src/adapters/local-queue/local-job-queue.ts';
import type { MigrationEvents } from '../../src/modules/migrations/events.ts';
import type { JobQueue, JobRecord, TaskRunner } from '../../src/modules/migrations/ports.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildMigrationEngine, type MigrationEngine } from '../../src/platform/composition/migration-engine.ts';
import { buildMigrationStores, type MigrationStores } from '../../src/platform/composition/migration-stores.ts';
import { createEventBus } from '../../src/platform/events.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';

export const quietLogger = createJsonLogger({ level: 'silent' });

export const testConfig = { MIGRATION_CONCURRENCY: 3, MIGRATION_MAX_ATTEMPTS: 3, MIGRATION_RETRY_DELAY_SECONDS: 0.02, MIGRATION_HEARTBEAT_SECONDS: 15, ALLOW_PRIVATE_IMAP_HOSTS: true };

/** The run engine as the dispatch Lambda builds it, without the run-end emails: RunEnded offers the next waiting run. */
export function buildTestEngine(opts: Omit<Parameters<typeof buildMigrationEngine>[0], 'emit'>): MigrationEngine {
  const events = createEventBus<MigrationEvents>(opts.logger);
  const engine = buildMigrationEngine({ ...opts, emit: events.emit });
  events.on('RunEnded', engine.offerWaitingRun);
  return engine;
}

export async function startStore() {
  const dynamo = await startLocalDynamo({ tableName: 'migrations-test' });
  return { ...dynamo, stores: buildMigrationStores(dynamo.table) };
}

/** A dispatcher of its own (queue + engine) over a shared table, as a second Lambda would be. */
export function dispatcher(table: Table, runner: TaskRunner, queueFor: (q: LocalJobQueue) => JobQueue = (q) => q): { engine: MigrationEngine; queue: LocalJobQueue; outcomes: string[] } {
  const queue = createLocalJobQueue({ logger: quietLogger, consumers: 2, redeliverAfterMs: 20 });
  const engine = buildTestEngine({ stores: buildMigrationStores(table), queue: queueFor(queue), runner, config: testConfig, clock: systemClock, logger: quietLogger });
  const outcomes: string[] = [];
  queue.consume(async (runId, message) => {
    const out = await engine.dispatch(runId);
    outcomes.push(`${out.action}: ${'why' in out ? out.why : ''}`);
    // As the dispatch Lambda and the local runtime do: an offer that found no room is dropped.
    return out.action === 'retry' && !message.offer ? { retryAfterSeconds: out.delaySeconds } : undefined;
  });
  return { engine, queue, outcomes };
}

let n = 0;
/** A job record with placeholder sealed blobs (the engine never opens them), stored; `fields` override any part. */
export async function makeJob(stores: MigrationStores, fields: Partial<JobRecord> = {}): Promise<JobRecord> {
  const now = new Date().toISOString();
  const job: JobRecord = {
    id: `job_${Date.now().toString(36)}${(++n).toString().padStart(8, '0')}`,
    name: `job ${n}`,
    source: { serverId: 'srv_x', user: 'a', sealedPassword: 'v1:local:x:y' },
    dest: { serverId: 'srv_y', user: 'b', sealedPassword: 'v1:local:x:y' },
    options: { includeFolders: [], excludeFolders: [], maxSizeBytes: null },
    createdAt: now,
    createdBy: 'test',
    updatedAt: now,
    version: 1,
    latestRunId: null,
    activeRunId: null,
    ...fields,
  };
  await stores.jobs.create(job);
  return job;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
