import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger, imapPolicy } from '@app/functions/worker';
import {
  buildMigrationStores,
  createLocalSecretOpener,
  createLocalSecretSealer,
  emitNowhere,
  makeFinishRun,
  makeHandleWorkerGone,
  makeQueueRun,
  makeRunHeartbeat,
  makeRunMigration,
  resolveImapTarget,
  SEALED_KIND,
  startLocalDynamo,
  systemClock,
  type JobRecord,
  type LookupAll,
  type ResolvedTarget,
  type RunRecord,
} from '@app/functions/testing';
import type { LogSink } from '../../src/adapters/file-log-sink.ts';
import { createImapsyncRunner } from '../../src/imapsync/imapsync-runner.ts';
import { STAND_IN } from '../stand-in-path.ts';

const logger = createJsonLogger({ level: 'silent' });
let seq = 0;

describe('worker: makeRunMigration against dynalite and the imapsync stand-in', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let stores: ReturnType<typeof buildMigrationStores>;
  let dir: string;
  let keyFile: string;
  const lines: string[] = [];
  const log: LogSink = { line: (l) => void lines.push(l), close: () => {} };

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'worker-test' });
    stores = buildMigrationStores(dynamo.table);
    dir = mkdtempSync(join(tmpdir(), 'worker-test-'));
    keyFile = join(dir, 'master.key');
    const now = new Date().toISOString();
    for (const id of ['srv_source0001', 'srv_dest000001']) await stores.servers.create({ id, name: id, host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false, notes: '', createdAt: now, updatedAt: now, version: 1 });
  });
  afterAll(async () => {
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const finishRun = () => makeFinishRun({ ...stores, clock: systemClock, emit: emitNowhere });
  const localResolve = (h: string, p: number) => resolveImapTarget(h, p, { allowPrivate: true, allowedPorts: 'any' });
  const worker = (env: Record<string, string>, resolveTarget: (h: string, p: number) => Promise<ResolvedTarget> = localResolve) =>
    makeRunMigration({
      ...stores,
      heartbeat: makeRunHeartbeat({ ...stores, clock: systemClock }),
      opener: createLocalSecretOpener(keyFile),
      finishRun: finishRun(),
      resolveTarget,
      imapsync: createImapsyncRunner({
        command: STAND_IN,
        env: { IMAPSYNC_STANDIN_ARGV_LOG: join(dir, `argv-${seq}.json`), ...env },
        workDir: join(dir, 'work', String(++seq)),
        progressIntervalMs: 100,
        graceMs: 2000,
      }),
      log,
      logger,
      clock: systemClock,
      heartbeatMs: 200,
    });

  /** A job with sealed passwords, and a run in `starting` holding a slot, as the dispatcher leaves it. */
  async function prepared(servers: { source: string; dest: string } = { source: 'srv_source0001', dest: 'srv_dest000001' }): Promise<{ job: JobRecord; run: RunRecord }> {
    const id = `job_worker${String(++seq).padStart(8, '0')}`;
    const sealer = createLocalSecretSealer(keyFile);
    const now = new Date().toISOString();
    const job: JobRecord = {
      id,
      name: id,
      source: { serverId: servers.source, user: 'alice', sealedPassword: await sealer.seal('src-secret', { kind: SEALED_KIND.source, id }) },
      dest: { serverId: servers.dest, user: 'alice', sealedPassword: await sealer.seal('dst-secret', { kind: SEALED_KIND.dest, id }) },
      options: { includeFolders: [], excludeFolders: [], maxSizeBytes: null },
      createdAt: now,
      createdBy: 'test',
      updatedAt: now,
      version: 1,
      latestRunId: null,
      activeRunId: null,
    };
    await stores.jobs.create(job);
    const queued = await makeQueueRun({ ...stores, queue: { enqueue: async () => {} }, clock: systemClock })(job, 'full', { createdBy: 'test' });
    expect(await stores.slots.take(queued.id, 10, new Date())).toBe('taken');
    const run = (await stores.runs.transition(queued.id, 'dispatched', { startedAt: now }))!;
    return { job, run };
  }

  it('SIGTERM mid-run (Spot, StopTask): imapsync stops gracefully, the run is interrupted, slot and job released', async () => {
    const { job, run } = await prepared();
    const terminate = new AbortController();
    const done = worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0.3' })(run.id, terminate.signal);
    await expect.poll(async () => (await stores.runs.get(run.id))?.progress?.messagesDone ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    terminate.abort();
    const { run: ended, progressWrites } = await done;
    expect(ended).toMatchObject({ state: 'interrupted', outcome: { exitClass: 'cancelled', exitCode: 7 } });
    expect(progressWrites).toBeGreaterThan(0);
    expect(ended!.logTail.join('\n')).toMatch(/Exiting with return value 7/);
    expect(await stores.slots.holders()).toEqual([]);
    expect((await stores.jobs.get(job.id))!.activeRunId).toBeNull();
  });

  it('a cancel seen on the heartbeat ends the run as cancelled', async () => {
    const { run } = await prepared();
    const done = worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0.3' })(run.id, new AbortController().signal);
    await expect.poll(async () => (await stores.runs.get(run.id))?.state, { timeout: 20_000 }).toBe('running');
    await stores.runs.patch(run.id, ['running'], { cancelRequested: true });
    expect((await done).run).toMatchObject({ state: 'cancelled', outcome: { exitClass: 'cancelled' } });
  });

  it('an authentication failure ends as failed and is never retried automatically', async () => {
    const { run } = await prepared();
    const { run: ended } = await worker({ IMAPSYNC_STANDIN_FIXTURE: '03-wrong-source-password', IMAPSYNC_STANDIN_SPEED: '0' })(run.id, new AbortController().signal);
    expect(ended).toMatchObject({ state: 'failed', outcome: { exitClass: 'auth_source', exitCode: 161 } });
    expect(ended!.failureReason).toMatch(/^Source login failed/);
    const gone = makeHandleWorkerGone({ ...stores, finishRun: finishRun(), queueRun: makeQueueRun({ ...stores, queue: { enqueue: async () => {} }, clock: systemClock }), maxAttempts: 3, logger, emit: emitNowhere });
    expect((await gone(run.id, 'exited'))!.retriedBy).toBeNull();
  });

  it('a destination login failure names the destination server the job uses, not always PurelyMail', async () => {
    const now = new Date().toISOString();
    await stores.servers.create({ id: 'srv_labdest001', name: 'Lab Dovecot', host: '127.0.0.1', port: 2143, tls: 'none', verifyCert: false, notes: '', createdAt: now, updatedAt: now, version: 1 });
    const { run } = await prepared({ source: 'srv_source0001', dest: 'srv_labdest001' });
    const { run: ended } = await worker({ IMAPSYNC_STANDIN_FIXTURE: '04-wrong-dest-password', IMAPSYNC_STANDIN_SPEED: '0' })(run.id, new AbortController().signal);
    expect(ended).toMatchObject({ state: 'failed', outcome: { exitClass: 'auth_dest', exitCode: 162 } });
    expect(ended!.failureReason).toBe('Destination login failed: The destination server Lab Dovecot (127.0.0.1) rejected the user name or password. Check the destination user name and its password.');
    expect(ended!.failureReason).not.toMatch(/PurelyMail/);
  });

  it('a folder asked for that imapsync ignored: the run succeeds but the verdict is not clean and names the folder', async () => {
    const { job, run } = await prepared();
    await stores.jobs.replace({ ...job, options: { includeFolders: ['Проекты', 'Archvie'], excludeFolders: [], maxSizeBytes: null }, version: job.version + 1 }, { version: job.version, activeRunId: run.id });
    const { run: ended } = await worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0' })(run.id, new AbortController().signal);
    expect(ended).toMatchObject({ state: 'succeeded', outcome: { exitClass: 'succeeded', verdictOk: false, stats: { transferred: 20, ignoredFolders: ['Archvie'] } } });
  });

  it('CS-2: a sealed password copied from another job does not open; the run fails closed and imapsync never starts', async () => {
    const a = await prepared();
    const b = await prepared();
    await stores.jobs.replace({ ...b.job, source: { ...b.job.source, sealedPassword: a.job.source.sealedPassword } }, { version: b.job.version, activeRunId: b.run.id });
    const argvLog = join(dir, `argv-${seq}.json`);
    const { run: ended } = await worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0' })(b.run.id, new AbortController().signal);
    expect(ended).toMatchObject({ state: 'failed', failureReason: expect.stringMatching(/could not be opened/) });
    expect(existsSync(argvLog)).toBe(false);
    // a's run was never started here: it is still waiting for its worker.
    expect((await stores.runs.get(a.run.id))!.state).toBe('starting');
    expect(lines.join('\n')).not.toContain('src-secret');
    expect(readFileSync(keyFile).length).toBeGreaterThan(0);
  });

  /** A server profile with a DNS name (the worker resolves it through the test's lookup, never the system's). */
  async function namedServer(id: string, host: string): Promise<string> {
    const now = new Date().toISOString();
    await stores.servers.create({ id, name: id, host, port: 993, tls: 'ssl', verifyCert: true, notes: '', createdAt: now, updatedAt: now, version: 1 });
    return id;
  }

  it('BI-4: a name resolving to a private address fails the run before imapsync is spawned', async () => {
    const { run } = await prepared({ source: await namedServer('srv_private001', 'imap.inside.test'), dest: 'srv_dest000001' });
    const argvLog = join(dir, `argv-${seq}.json`);
    // One public answer and one private one: every record is checked, so the private one refuses the host.
    const lookup: LookupAll = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }];
    const strict = (h: string, p: number) => resolveImapTarget(h, p, imapPolicy(false), lookup);
    const { run: ended } = await worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0' }, strict)(run.id, new AbortController().signal);
    expect(ended).toMatchObject({ state: 'failed', outcome: { exitClass: 'blocked_address', exitCode: null, stats: null } });
    expect(ended!.failureReason).toBe('Source server: imap.inside.test points to a private, loopback, link-local or metadata address (10.1.2.3); connections there are not allowed.');
    expect(existsSync(argvLog)).toBe(false);
    expect(JSON.stringify(await stores.slots.holders())).not.toContain(run.id);
  });

  it('BI-4: a name that does not resolve fails as a connection problem, before imapsync', async () => {
    const { run } = await prepared({ source: 'srv_source0001', dest: await namedServer('srv_nodns00001', 'imap.gone.test') });
    const lookup: LookupAll = async () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
    const { run: ended } = await worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success' }, (h, p) => resolveImapTarget(h, p, imapPolicy(true), lookup))(run.id, new AbortController().signal);
    expect(ended).toMatchObject({ state: 'failed', failureReason: 'Destination server: The name imap.gone.test does not resolve.', outcome: { exitClass: 'connect_dest' } });
  });

  it('BI-4: imapsync connects to the address that was checked; the name only travels as SNI and the certificate name', async () => {
    const { run } = await prepared({ source: await namedServer('srv_named00001', 'imap.source.test'), dest: 'srv_dest000001' });
    const argvLog = join(dir, `argv-${seq}.json`);
    // A rebinding resolver: the first answer is the one checked; any later lookup would point elsewhere.
    let lookups = 0;
    const lookup: LookupAll = async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    const { run: ended } = await worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0' }, (h, p) => resolveImapTarget(h, p, imapPolicy(true), lookup))(run.id, new AbortController().signal);
    expect(ended).toMatchObject({ state: 'succeeded' });
    expect(lookups).toBe(1);
    const { argv } = JSON.parse(readFileSync(argvLog, 'utf8')) as { argv: string[] };
    expect(argv.slice(0, 23)).toEqual([
      '--host1', '127.0.0.1', '--port1', '993', '--user1', 'alice', '--passfile1', expect.stringMatching(/source\.pass$/),
      '--ssl1', '--sslargs1', 'SSL_verify_mode=1', '--sslargs1', 'SSL_hostname=imap.source.test', '--sslargs1', 'SSL_verifycn_name=imap.source.test',
      '--sslargs1', 'SSL_verifycn_scheme=imap', '--timeout1', '60',
      '--host2', '127.0.0.1', '--port2', '1143',
    ]);
    expect(argv).not.toContain('imap.source.test');
  });

  it('a run that is not starting (duplicate worker, or already ended) is left alone', async () => {
    const { run } = await prepared();
    await stores.runs.transition(run.id, 'workerStarted', {});
    const out = await worker({ IMAPSYNC_STANDIN_FIXTURE: '01-success' })(run.id, new AbortController().signal);
    expect(out).toMatchObject({ run: { state: 'running' }, progressWrites: 0 });
  });
});
