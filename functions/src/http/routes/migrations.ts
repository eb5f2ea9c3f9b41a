import { CreateJobInput, SetJobSyncInput, StartRunInput, UpdateJobCredentialsInput, UpdateMigrationSettingsInput } from '@app/shared';
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import { NotFoundError } from '../../modules/errors.ts';
import { ID_PATTERN } from '../../modules/migrations/ids.ts';
import { toRunView } from '../../modules/migrations/views.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson, readParam, readQuery } from '../read-input.ts';

const Id = lazySchema(() => z.string().regex(ID_PATTERN, 'is not a valid id'));
const TailQuery = lazySchema(() => z.strictObject({ tail: z.coerce.number().int().min(1).max(1000).default(200) }));

// JSON with a strong ETag (a hash of the body); a matching If-None-Match gets 304 and no body, so polling an
// unchanged job is cheap. Only on these reads: the full log download is a stream, never hashed whole.
const withEtag = etag();

/** Text chunks as a byte stream, read one chunk per pull: a long log goes out as it is read, never whole. */
function textStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/** Jobs, runs, logs and the concurrency setting. Responses never carry a password, sealed or not. */
export const migrationRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/jobs', withEtag, async (c) => c.json({ jobs: await deps.migrations.jobs.list() }))
    .post('/jobs', audited(deps, 'migration.job.create'), async (c) => {
      const input = await readJson(c, CreateJobInput);
      c.set('auditTarget', `${input.name}: ${input.source.user} → ${input.dest.user}`);
      const detail = await deps.migrations.jobs.create(input, c.get('admin').email);
      c.set('auditTarget', `${detail.job.id} ${input.name}: ${input.source.user} → ${input.dest.user}`);
      if (input.start !== 'none') c.set('auditDetails', `first run: ${input.start}`);
      return c.json(detail, 201);
    })
    .get('/jobs/:id', withEtag, async (c) => c.json(await deps.migrations.jobs.detail(readParam(c, 'id', Id))))
    .put('/jobs/:id/credentials', audited(deps, 'migration.job.credentials.replace'), async (c) => {
      const id = readParam(c, 'id', Id);
      const input = await readJson(c, UpdateJobCredentialsInput);
      c.set('auditDetails', ['source', 'dest'].filter((s) => input[s as 'source' | 'dest']).join(', ') + ' changed');
      return c.json(await deps.migrations.jobs.updateCredentials(id, input));
    })
    .delete('/jobs/:id', audited(deps, 'migration.job.delete'), async (c) => {
      const job = await deps.migrations.jobs.delete(readParam(c, 'id', Id), c.get('admin').email);
      c.set('auditTarget', `${job.id} ${job.name}`);
      // Its "keep in sync" schedule goes with it (a failure here leaves it to remove itself at its next firing).
      await deps.jobSync.onJobDeleted(job.id, c.get('admin').email).catch((err: unknown) => deps.logger.warn('job sync schedule not removed with its job; its next firing removes it', { jobId: job.id, error: (err as Error).message }));
      return c.body(null, 204);
    })
    // "Keep this job in sync every N hours until <date>" (issue 19): one recurring schedule per job.
    .get('/jobs/:id/sync', async (c) => c.json(await deps.jobSync.view(readParam(c, 'id', Id))))
    .post('/jobs/:id/sync', audited(deps, 'migration.sync_schedule.create'), async (c) => {
      const id = readParam(c, 'id', Id);
      const input = await readJson(c, SetJobSyncInput);
      c.set('auditTarget', id);
      const schedule = await deps.jobSync.create(id, input, c.get('admin').email);
      c.set('auditDetails', `every ${schedule.everyHours} h until ${schedule.until}`);
      return c.json(schedule, 201);
    })
    .put('/jobs/:id/sync', audited(deps, 'migration.sync_schedule.update'), async (c) => {
      const id = readParam(c, 'id', Id);
      const input = await readJson(c, SetJobSyncInput);
      c.set('auditTarget', id);
      const schedule = await deps.jobSync.update(id, input);
      c.set('auditDetails', `every ${schedule.everyHours} h until ${schedule.until}`);
      return c.json(schedule);
    })
    .delete('/jobs/:id/sync', audited(deps, 'migration.sync_schedule.delete'), async (c) => {
      const id = readParam(c, 'id', Id);
      c.set('auditTarget', id);
      const schedule = await deps.jobSync.remove(id);
      c.set('auditDetails', `${schedule.name} (${schedule.state}, ${schedule.passesDone} passes)`);
      return c.body(null, 204);
    })
    .post('/jobs/:id/runs', audited(deps, 'migration.run.start'), async (c) => {
      const id = readParam(c, 'id', Id);
      const { kind } = await readJson(c, StartRunInput);
      const run = await deps.migrations.jobs.start(id, kind, c.get('admin').email);
      c.set('auditTarget', `${id} run ${run.id} (${kind})`);
      return c.json(run, 202);
    })
    .get('/runs/:id', withEtag, async (c) => c.json(await deps.migrations.getRun(readParam(c, 'id', Id))))
    .post('/runs/:id/cancel', audited(deps, 'migration.run.cancel'), async (c) => {
      const run = await deps.migrations.cancelRun(readParam(c, 'id', Id));
      return c.json(toRunView(run), 202);
    })
    .post('/runs/:id/retry', audited(deps, 'migration.run.retry'), async (c) => {
      const id = readParam(c, 'id', Id);
      const run = await deps.migrations.jobs.retry(id, c.get('admin').email);
      c.set('auditTarget', `${id} → ${run.id}`);
      return c.json(run, 202);
    })
    .get('/runs/:id/log', withEtag, async (c) => {
      const id = readParam(c, 'id', Id);
      return c.json(await deps.migrations.runLog(id, readQuery(c, TailQuery).tail));
    })
    .get('/runs/:id/log/download', async (c) => {
      const id = readParam(c, 'id', Id);
      const log = await deps.migrations.fullLog(id);
      if (log === undefined) throw new NotFoundError('This run has no full log: it never started, or its log has expired.');
      c.header('Content-Type', 'text/plain; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${id}.log"`);
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(textStream(log));
    })
    .get('/settings', async (c) => c.json(await deps.migrations.settings.get()))
    .put('/settings', audited(deps, 'migration.settings.update', () => 'migration settings'), async (c) => {
      const input = await readJson(c, UpdateMigrationSettingsInput);
      c.set('auditDetails', `concurrency ${input.concurrency}`);
      return c.json(await deps.migrations.settings.update(input));
    });
