import {
  DOMAIN_MOVE_MAX_MAILBOXES,
  DOMAIN_MOVE_REPORT_COLUMNS,
  isDomainMoveCancellable,
  isDomainMoveOver,
  type BatchActionInput,
  type BatchActionResult,
  type BatchDetail,
  type CampaignDetail,
  type CreateDomainMoveInput,
  type DomainMove,
  type DomainMoveMailbox,
  type DomainMoveSchedule,
  type DomainMoveSource,
  type DomainMoveStage,
  type DomainMoveView,
  type Run,
} from '@app/shared';
import { toCsv } from '@app/shared/csv-file';
import type { AuditInput } from '../audit/audit.ts';
import type { JobSnapshot } from '../batches/ports.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Notification } from '../notifications/send-notification.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { adminStageEmail, mailboxPausedEmail, movedUserEmail } from './move-emails.ts';
import { COPY_CHECK_EVERY_MINUTES, countRun, describeNext, finalPassReadiness, finalRunsRecorded, nextOldMx, scheduleNameFor, WATCH_EVERY_MINUTES } from './move-rules.ts';
import type { DnsCutover, DomainMoveStore, RecurringScheduler } from './ports.ts';

export interface DomainMovesDeps {
  store: DomainMoveStore;
  scheduler: RecurringScheduler;
  /** 19b's DNS cutover; absent in a build without it: the DNS steps answer 503 saying so. */
  dnsCutover?: DnsCutover | undefined;
  /** Whether PurelyMail has the domain (a live listing). */
  domainExists(domain: string): Promise<boolean>;
  ownershipCode(): Promise<string | null>;
  batches: { detail(batchId: string): Promise<BatchDetail>; act(batchId: string, input: BatchActionInput, actor: string): Promise<BatchActionResult> };
  campaigns: { detail(id: string): Promise<CampaignDetail>; deactivate(id: string): Promise<unknown> };
  /** Queues a full (delta) run of a job: the migrations module's own start, with its destination credential rules. */
  startRun(jobId: string, actor: string): Promise<{ id: string }>;
  readJobs(ids: readonly string[]): Promise<JobSnapshot[]>;
  readRuns(ids: readonly string[]): Promise<Run[]>;
  /** Deletes the app passwords the panel made for a job's destination (the migration ones). */
  releaseAppPasswords(jobId: string, actor: string): Promise<{ deleted: number; failed: number }>;
  notify(n: Notification): Promise<unknown>;
  audit: { record(input: AuditInput): Promise<unknown> };
  clock: Clock;
  logger: Logger;
  panelUrl: string;
}

/** The DNS steps in a build without the DNS cutover module. */
export class DnsCutoverUnavailableError extends Error {
  override name = 'DnsCutoverUnavailableError';
  constructor() {
    super('DNS cutover not available in this build: publish the records at your DNS host yourself, then use “I published them”.');
  }
}

const SYSTEM = 'system (domain move)';
const MAX_WRITE_ATTEMPTS = 6;

/** The result of a scheduled firing, for the log. */
export type TickResult = { domain: string; stage: DomainMoveStage | 'absent'; did: string };

/**
 * Domain moves (issue 19): one guided move per domain. Every change is a conditional write on the move's
 * `version`: a use case re-reads and re-checks its rule when another request won, so of two parallel requests one
 * acts and the other is told why not. Side effects (runs, schedules, DNS) happen after the move's state has been
 * claimed, and what they did is written back.
 */
export function makeDomainMoves(deps: DomainMovesDeps) {
  const { store, clock, logger } = deps;
  const now = () => clock.now();
  const iso = () => now().toISOString();

  const load = async (domain: string): Promise<DomainMove> => {
    const move = await store.get(domain);
    if (!move) throw new NotFoundError(`There is no move of ${domain}. Start one from the domain's page.`);
    return move;
  };

  /** Applies `change` to the current move and writes it with the version condition; re-reads and re-applies when another write won. */
  const update = async (domain: string, change: (m: DomainMove) => DomainMove): Promise<DomainMove> => {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await load(domain);
      const changed = change(current);
      if (changed === current) return current;
      const next: DomainMove = { ...changed, updatedAt: iso(), version: current.version + 1 };
      next.next = describeNext(next, now());
      if (await store.replace(next, current.version)) return next;
    }
    throw new ConflictError('The move kept changing while this request tried to save; reload and try again.', 'stale_version');
  };

  const record = (action: string, target: string, details: string, actor = SYSTEM, result: 'ok' | 'failed' = 'ok') =>
    deps.audit.record({ actor, action, target, result, ip: '-', userAgent: 'domain move', details: details.slice(0, 1000) }).catch((err: unknown) => logger.warn('domain move audit failed', { error: (err as Error).message }));

  const tellAdmins = (move: DomainMove, what: string, facts: [string, string][] = []) =>
    deps.notify({ eventId: `move-stage:${move.domain}:${move.createdAt}:${move.stage}:v${move.version}`, ...adminStageEmail(move, what, facts, deps.panelUrl) }).catch((err: unknown) => logger.warn('domain move email failed', { error: (err as Error).message }));

  const needDns = (): DnsCutover => {
    if (!deps.dnsCutover) throw new DnsCutoverUnavailableError();
    return deps.dnsCutover;
  };

  const putSchedule = async (move: DomainMove, purpose: DomainMoveSchedule['purpose'], everyMinutes: number): Promise<DomainMoveSchedule> => {
    const name = scheduleNameFor(move.domain);
    await deps.scheduler.put(name, { everyMinutes, event: { kind: 'domain-move', domain: move.domain } });
    return { name, everyMinutes, purpose, nextAt: new Date(now().getTime() + everyMinutes * 60_000).toISOString() };
  };
  const removeSchedule = async (move: DomainMove, actor: string, why: string) => {
    if (!move.schedule) return;
    await deps.scheduler.remove(move.schedule.name);
    await record('domain_move.schedule.delete', move.domain, `${move.schedule.name}: ${why}`, actor);
  };

  // ---- where the mailboxes come from ----

  const mailboxesFrom = async (domain: string, source: DomainMoveSource): Promise<{ batchId: string; jobs: { id: string; source: string; dest: string }[]; outside: number }> => {
    let details: BatchDetail[];
    if (source.kind === 'batch') {
      details = [await deps.batches.detail(source.batchId)];
    } else {
      const campaign = await deps.campaigns.detail(source.campaignId);
      if (!campaign.batchIds.length) throw new ConflictError('This campaign has no jobs yet: use “Create jobs” on the campaign first (start: none is fine), then start the move.', 'campaign_not_launched');
      details = await Promise.all(campaign.batchIds.map((id) => deps.batches.detail(id)));
    }
    const suffix = `@${domain}`;
    const all = details.flatMap((d) => d.jobs.map((j) => ({ batchId: d.batch.id, id: j.id, source: j.source.user, dest: j.dest.user.toLowerCase() })));
    const inDomain = all.filter((j) => j.dest.endsWith(suffix));
    if (!inDomain.length) throw new ValidationError(`None of the ${all.length} jobs of this ${source.kind} writes to a mailbox of ${domain}.`, [{ path: 'source', message: `has no job for ${domain}` }]);
    const batches = [...new Set(inDomain.map((j) => j.batchId))];
    if (batches.length > 1) throw new ConflictError(`The campaign's jobs for ${domain} are in ${batches.length} batches; a move copies one batch. Choose one of its batches as the source instead.`, 'several_batches');
    const seen = new Set<string>();
    for (const j of inDomain) {
      if (seen.has(j.dest)) throw new ConflictError(`Two jobs of this ${source.kind} write to ${j.dest}; delete one of them first so each mailbox is copied once.`, 'duplicate_mailbox');
      seen.add(j.dest);
    }
    if (inDomain.length > DOMAIN_MOVE_MAX_MAILBOXES) throw new ValidationError(`A move holds at most ${DOMAIN_MOVE_MAX_MAILBOXES} mailboxes; this ${source.kind} has ${inDomain.length} for ${domain}. Split it into smaller batches.`, [{ path: 'source', message: 'has too many mailboxes' }]);
    return { batchId: batches[0]!, jobs: inDomain, outside: all.length - inDomain.length };
  };

  // ---- counting runs ----

  /** Never silently: each newly paused mailbox is audited and mailed to the admins, once per pause. */
  const announcePauses = async (move: DomainMove, paused: readonly DomainMoveMailbox[]) => {
    for (const mb of paused) {
      await record('domain_move.mailbox.pause', `${move.domain} ${mb.address}`, mb.pausedReason ?? 'failed passes');
      await deps
        .notify({ eventId: `move-pause:${move.domain}:${move.createdAt}:${mb.address}:${mb.lastRun?.runId ?? ''}:${mb.passes}`, ...mailboxPausedEmail(move, mb, deps.panelUrl) })
        .catch((err: unknown) => logger.warn('pause email failed', { error: (err as Error).message }));
    }
  };

  /** Counts every run the move waits for that has ended; pauses (with an email) at K failures in a row; moves copy → sync when the copy ended. */
  const reconcileNow = async (domain: string): Promise<DomainMove> => {
    const before = await load(domain);
    const waiting = before.mailboxes.map((m) => m.currentRunId).filter((id): id is string => id !== null);
    if (!waiting.length && before.stage !== 'copy') return before;
    const runs = new Map((await deps.readRuns(waiting)).map((r) => [r.id, r]));
    const paused: DomainMoveMailbox[] = [];
    const moved = await update(domain, (m) => {
      paused.length = 0;
      let changed = false;
      const mailboxes = m.mailboxes.map((mb) => {
        if (!mb.currentRunId) return mb;
        const c = countRun(mb, runs.get(mb.currentRunId), m.pauseAfterFailures, m.stage === 'final');
        if (c.mailbox !== mb) changed = true;
        if (c.pausedNow) paused.push(c.mailbox);
        return c.mailbox;
      });
      const copyEnded = m.stage === 'copy' && m.lastPassAt !== null && mailboxes.every((mb) => mb.currentRunId === null);
      if (!changed && !copyEnded) return m;
      return { ...m, mailboxes, ...(copyEnded ? { stage: 'sync' as const } : {}) };
    });
    await announcePauses(moved, paused);
    if (before.stage === 'copy' && moved.stage === 'sync') return startSyncSchedule(moved, SYSTEM, 'the copy finished');
    return moved;
  };

  /**
   * Counting, one at a time per domain in this process: fifty runs ending together would otherwise be fifty
   * writers racing on one item (each would win in the end, after many conflicting attempts).
   */
  const counting = new Map<string, Promise<unknown>>();
  const reconcile = (domain: string): Promise<DomainMove> => {
    const next = (counting.get(domain) ?? Promise.resolve()).catch(() => undefined).then(() => reconcileNow(domain));
    counting.set(domain, next);
    void next.then(
      () => counting.get(domain) === next && counting.delete(domain),
      () => counting.get(domain) === next && counting.delete(domain),
    );
    return next;
  };

  /** Copy → sync: the one schedule now fires a delta pass every N hours. */
  const startSyncSchedule = async (move: DomainMove, actor: string, why: string): Promise<DomainMove> => {
    const existed = move.schedule !== null;
    const schedule = await putSchedule(move, 'pass', move.syncEveryHours * 60);
    const saved = await update(move.domain, (m) => (isDomainMoveOver(m.stage) ? m : { ...m, stage: m.stage === 'copy' ? 'sync' : m.stage, schedule }));
    await record(existed ? 'domain_move.schedule.update' : 'domain_move.schedule.create', move.domain, `${schedule.name}: a delta pass every ${move.syncEveryHours} h (${why})`, actor);
    if (move.stage !== 'sync' || why === 'the copy finished') await tellAdmins(saved, `The copy has ended; a delta pass of every mailbox now runs every ${saved.syncEveryHours} hours until the switch.`);
    return saved;
  };

  /**
   * One pass: a full (delta) run of every mailbox that is not paused and not running. `final` marks the runs whose
   * result gives each mailbox's verdict. A mailbox whose run cannot be queued counts as a failed pass.
   */
  const runPass = async (move: DomainMove, actor: string, final: boolean): Promise<{ started: number; skipped: number }> => {
    const jobs = new Map((await deps.readJobs(move.mailboxes.flatMap((m) => (m.jobId ? [m.jobId] : [])))).map((j) => [j.id, j]));
    const started = new Map<string, string>();
    const skipped = new Map<string, string>();
    // Not queued for a reason of its own (its job is gone, the queue or PurelyMail refused): a failed pass.
    const failed = new Map<string, string>();
    for (const mb of move.mailboxes) {
      const job = mb.jobId ? jobs.get(mb.jobId) : undefined;
      if (mb.paused) skipped.set(mb.address, `paused: ${mb.pausedReason ?? ''}`.trim());
      else if (mb.currentRunId) skipped.set(mb.address, 'its previous run is still going');
      else if (job?.activeRunId) skipped.set(mb.address, 'a run of its job is still going');
      else if (!job) failed.set(mb.address, 'its migration job no longer exists');
      else {
        try {
          started.set(mb.address, (await deps.startRun(job.id, actor)).id);
        } catch (err) {
          failed.set(mb.address, `the run could not be queued: ${(err as Error).message}`);
        }
      }
    }
    const pausedNow: DomainMoveMailbox[] = [];
    const saved = await update(move.domain, (m) => {
      pausedNow.length = 0;
      return {
        ...m,
        // The final pass's runs are recorded: from now on "finish" may judge whether they have all ended.
        ...(final ? { lastPassAt: iso() } : {}),
        mailboxes: m.mailboxes.map((mb) => {
          const runId = started.get(mb.address);
          if (runId) return { ...mb, currentRunId: runId, passes: mb.passes + 1, skippedReason: null, ...(final ? { verdict: 'unknown' as const } : {}) };
          const why = failed.get(mb.address);
          if (why && !mb.paused) {
            const failures = mb.consecutiveFailures + 1;
            const pause = failures >= m.pauseAfterFailures;
            const next = { ...mb, skippedReason: why, consecutiveFailures: failures, paused: pause, pausedReason: pause ? `${failures} passes in a row failed; the last: ${why}` : null };
            if (pause) pausedNow.push(next);
            return next;
          }
          return { ...mb, skippedReason: skipped.get(mb.address) ?? null };
        }),
      };
    });
    await announcePauses(saved, pausedNow);
    return { started: started.size, skipped: skipped.size + failed.size };
  };

  // ---- use cases ----

  const view = async (move: DomainMove): Promise<DomainMoveView> => {
    let rollup: DomainMoveView['rollup'] = null;
    if (move.batchId) {
      const d = await deps.batches.detail(move.batchId).catch(() => undefined);
      if (d) rollup = { counts: d.counts, progress: d.progress };
    }
    return { ...move, next: describeNext(move, now()), rollup };
  };

  const startCopy = async (domain: string, actor: string): Promise<DomainMove> => {
    const claimed = await update(domain, (m) => {
      if (m.stage !== 'prepare') throw new ConflictError(m.stage === 'cancelled' ? 'This move was cancelled.' : 'The copy of this move has already started.', 'move_stage');
      // lastPassAt stays null until the copy's runs are recorded: until then the copy cannot look "ended".
      return { ...m, stage: 'copy', batchId: m.batchId ?? sourceBatch(m), lastPassAt: null };
    });
    const batchId = claimed.batchId!;
    // Jobs already running (a campaign launched with a first run) are adopted: their run is the copy.
    const jobs = new Map((await deps.readJobs(claimed.mailboxes.flatMap((m) => (m.jobId ? [m.jobId] : [])))).map((j) => [j.id, j]));
    const idle = claimed.mailboxes.filter((m) => m.jobId && !jobs.get(m.jobId)?.activeRunId).map((m) => m.jobId!);
    const result = idle.length ? await deps.batches.act(batchId, { action: 'full', jobIds: idle }, actor) : { done: [], skipped: [] };
    const after = new Map((await deps.readJobs([...jobs.keys()])).map((j) => [j.id, j]));
    // The schedule first (so the pass schedule the copy's end sets cannot be overwritten by this one), then the runs
    // with it; if the schedule could not be made, the runs are still recorded, the error is said, and the next read
    // counts the copy and sets the pass schedule.
    let schedule: DomainMoveSchedule | null = null;
    let scheduleError: unknown;
    try {
      schedule = await putSchedule(claimed, 'copy', COPY_CHECK_EVERY_MINUTES);
    } catch (err) {
      scheduleError = err;
    }
    const saved = await update(domain, (m) => ({
      ...m,
      lastPassAt: iso(),
      ...(schedule ? { schedule } : {}),
      mailboxes: m.mailboxes.map((mb) => {
        const job = mb.jobId ? after.get(mb.jobId) : undefined;
        const skip = result.skipped.find((s) => s.jobId === mb.jobId);
        const runId = job?.activeRunId ?? (skip ? null : (job?.latestRunId ?? null));
        return runId ? { ...mb, currentRunId: runId, passes: mb.passes + 1, skippedReason: null } : { ...mb, skippedReason: skip?.reason ?? 'its migration job no longer exists' };
      }),
    }));
    if (!schedule) throw scheduleError;
    await record('domain_move.schedule.create', domain, `${schedule.name}: checks every ${COPY_CHECK_EVERY_MINUTES} min whether the copy ended`, actor);
    await tellAdmins(saved, `The copy of ${saved.mailboxes.length} mailboxes has started (batch ${batchId}).`);
    return reconcile(domain);
  };

  const sourceBatch = (m: DomainMove) => (m.source.kind === 'batch' ? m.source.batchId : null);

  const watch = async (move: DomainMove, actor: string): Promise<DomainMove> => {
    const dns = needDns();
    const w = await dns.watch(move.domain);
    const watched = await update(move.domain, (m) => {
      if (m.stage !== 'switch') return m;
      const switchedEverywhereAt = w.everywhere ? (m.dns.switchedEverywhereAt ?? w.at) : null;
      return { ...m, dns: { ...m.dns, lastWatch: { at: w.at, resolvers: w.resolvers, everywhere: w.everywhere }, switchedEverywhereAt } };
    });
    if (watched.stage === 'switch' && finalPassReadiness(watched, now()).ready) return startFinal(watched.domain, actor);
    return watched;
  };

  const startFinal = async (domain: string, actor: string): Promise<DomainMove> => {
    let before: DomainMoveSchedule | null = null;
    const move0 = (m: DomainMove): DomainMove => ({ ...m, schedule: before });
    const claimed = await update(domain, (m) => {
      if (m.stage === 'final') throw new ConflictError('The final pass has already started.', 'move_stage');
      if (m.stage !== 'switch') throw new ConflictError('The final pass runs after the DNS switch.', 'move_stage');
      const r = finalPassReadiness(m, now());
      if (!r.ready) throw new ConflictError(`Not yet: ${r.reason}`, 'final_not_ready');
      before = m.schedule;
      return { ...m, stage: 'final', finalPassAt: iso(), schedule: null };
    });
    await removeSchedule(move0(claimed), actor, 'the final pass started');
    const out = await runPass(claimed, actor, true);
    const saved = await load(domain);
    await record('domain_move.final_pass.run', domain, `${out.started} runs queued, ${out.skipped} mailboxes skipped`, actor);
    await tellAdmins(saved, `The final pass has started: ${out.started} mailboxes${out.skipped ? `, ${out.skipped} skipped (paused or running)` : ''}.`);
    return reconcile(domain);
  };

  return {
    /**
     * Whether a move still in progress uses this batch: its delta passes run the batch's jobs again, so a round that
     * finishes between passes must not cost them their migration app passwords (Finish removes them).
     */
    async keepsBatch(batchId: string): Promise<boolean> {
      return (await store.list()).some((m) => m.batchId === batchId && !isDomainMoveOver(m.stage));
    },

    async list(): Promise<DomainMove[]> {
      const t = now();
      return (await store.list()).map((m) => ({ ...m, next: describeNext(m, t) }));
    },

    /**
     * The move as the page shows it. Runs it waits for that have ended are counted first: on AWS a run's end reaches
     * the dispatch function, not this one, so without it the page would wait for the schedule's next firing (and
     * the final pass has none). Counting is idempotent; a move with nothing out is only read.
     */
    async get(domain: string): Promise<DomainMoveView> {
      const move = await load(domain);
      return view(!isDomainMoveOver(move.stage) && (move.stage === 'copy' || move.mailboxes.some((m) => m.currentRunId)) ? await reconcile(domain) : move);
    },

    async create(domain: string, input: CreateDomainMoveInput, actor: string): Promise<DomainMoveView> {
      const existing = await store.get(domain);
      if (existing && !isDomainMoveOver(existing.stage)) throw new ConflictError(`A move of ${domain} is already in progress (${existing.stage}).`, 'move_exists');
      if (!(await deps.domainExists(domain))) throw new ConflictError(`${domain} is not at PurelyMail yet: add it on the Domains page first (its ownership record is shown there).`, 'domain_missing');
      const source = input.source;
      const { batchId, jobs, outside } = await mailboxesFrom(domain, source);
      // The old MX and its TTL, read with our own lookups; without the DNS cutover module the page says it could not.
      const oldMx = deps.dnsCutover ? await deps.dnsCutover.oldMx(domain).catch((err: unknown) => (logger.warn('old MX lookup failed', { domain, error: (err as Error).message }), null)) : null;
      const at = iso();
      const move: DomainMove = {
        domain,
        stage: 'prepare',
        createdAt: at,
        createdBy: actor,
        updatedAt: at,
        source,
        batchId,
        syncEveryHours: input.syncEveryHours ?? 6,
        pauseAfterFailures: input.pauseAfterFailures ?? 3,
        schedule: null,
        passesDone: 0,
        lastPassAt: null,
        oldMx: oldMx ? nextOldMx(null, oldMx) : null,
        dns: { applied: null, appliedAt: null, savedRecords: false, switchedEverywhereAt: null, lastWatch: null },
        finalPassAt: null,
        finishedAt: null,
        cancelledAt: null,
        mailboxes: jobs.map((j) => ({ address: j.dest, sourceUser: j.source, jobId: j.id, passes: 0, consecutiveFailures: 0, paused: false, pausedReason: null, lastRun: null, currentRunId: null, skippedReason: null, messagesCopied: 0, bytesCopied: 0, verdict: 'unknown' })),
        next: { action: '', waitingFor: null },
        version: existing ? existing.version + 1 : 1,
      };
      move.next = describeNext(move, now());
      // A finished or cancelled move of the domain is replaced (its report was there to download); otherwise one winner.
      const written = existing ? await store.replace(move, existing.version) : await store.create(move);
      if (!written) throw new ConflictError(`A move of ${domain} was started meanwhile.`, 'move_exists');
      if (outside) logger.info('domain move left out jobs of other domains', { domain, outside });
      await tellAdmins(move, `A move of ${domain} to PurelyMail was started by ${actor}: ${jobs.length} mailboxes.`);
      return view(move);
    },

    startCopy,

    async startSync(domain: string, input: { everyHours?: number | undefined }, actor: string): Promise<DomainMove> {
      const move = await update(domain, (m) => {
        if (m.stage !== 'copy' && m.stage !== 'sync') throw new ConflictError(m.stage === 'prepare' ? 'Start the copy first.' : 'Delta passes run only before the DNS switch.', 'move_stage');
        return input.everyHours && input.everyHours !== m.syncEveryHours ? { ...m, syncEveryHours: input.everyHours } : m;
      });
      return startSyncSchedule(move, actor, move.stage === 'copy' ? 'started by an admin before the copy ended' : `interval set to ${move.syncEveryHours} h`);
    },

    async resume(domain: string, address: string, actor: string): Promise<DomainMove> {
      const saved = await update(domain, (m) => {
        const mb = m.mailboxes.find((x) => x.address === address);
        if (!mb) throw new NotFoundError(`${address} is not part of this move.`);
        if (!mb.paused) throw new ConflictError(`${address} is not paused.`, 'not_paused');
        if (isDomainMoveOver(m.stage)) throw new ConflictError('This move is over.', 'move_stage');
        return { ...m, mailboxes: m.mailboxes.map((x) => (x === mb ? { ...x, paused: false, pausedReason: null, consecutiveFailures: 0 } : x)) };
      });
      logger.info('domain move mailbox resumed', { domain, address, actor });
      return saved;
    },

    async dnsPlan(domain: string) {
      const move = await load(domain);
      const dns = needDns();
      const code = await deps.ownershipCode();
      return { ...(await dns.plan(move.domain, code)), applied: move.dns.applied, savedRecords: move.dns.savedRecords };
    },

    async applyDns(domain: string, actor: string): Promise<DomainMove> {
      const move = await load(domain);
      const dns = needDns();
      if (move.stage !== 'sync') throw new ConflictError(move.stage === 'switch' || move.stage === 'final' || move.stage === 'finished' ? 'The DNS records were already published.' : 'Apply the DNS once the copy has ended and delta passes run (Keep in sync).', 'move_stage');
      const applied = await dns.apply(domain, await deps.ownershipCode());
      await store.saveDnsRecords(domain, applied.saved);
      return switchTo(domain, actor, applied.provider, true);
    },

    async markPublished(domain: string, actor: string): Promise<DomainMove> {
      return switchTo(domain, actor, 'self', false);
    },

    /**
     * Back to before the switch: the saved records are put back through the provider (or, when the admin published
     * by hand, the old MX the panel read is answered to publish again), the move returns to Keep in sync with its
     * delta passes (mail goes to the old host again, so the copies must continue), and a later switch is possible.
     */
    async rollbackDns(domain: string, actor: string): Promise<{ restored: boolean; move: DomainMove; records: unknown[] | null }> {
      const move = await load(domain);
      if (move.stage !== 'switch' && move.stage !== 'final') throw new ConflictError(move.stage === 'finished' ? 'This move is finished; publish the old records at your DNS host if mail must go back.' : 'There is nothing to roll back: the DNS has not been switched.', 'move_stage');
      const saved = move.dns.savedRecords ? await store.dnsRecords(domain) : undefined;
      if (saved) await needDns().rollback(domain, saved);
      const claimed = await update(domain, (m) => {
        if (m.stage !== 'switch' && m.stage !== 'final') throw new ConflictError('The DNS was rolled back meanwhile.', 'move_stage');
        return { ...m, stage: 'sync', finalPassAt: null, dns: { applied: null, appliedAt: null, savedRecords: false, switchedEverywhereAt: null, lastWatch: null } };
      });
      const after = await startSyncSchedule(claimed, actor, 'the DNS was rolled back');
      await tellAdmins(after, saved ? `${actor} rolled the DNS of ${domain} back: the saved records are restored. Delta passes run again until the next switch.` : `${actor} rolled the switch of ${domain} back; the old MX records must be published again at the DNS host. Delta passes run again until the next switch.`);
      return { restored: Boolean(saved), move: after, records: saved ? null : move.oldMx ? move.oldMx.hosts.map((h) => ({ type: 'MX', name: domain, value: h, ttl: move.oldMx?.ttlSeconds ?? null })) : [] };
    },

    /** Reads the old MX and its TTL again (the admin lowered it): the page then says when the lower TTL takes effect. */
    async recheckOldMx(domain: string): Promise<DomainMove> {
      const before = await load(domain);
      const dns = needDns();
      if (!isDomainMoveCancellable(before.stage)) throw new ConflictError('The old MX matters before the switch only.', 'move_stage');
      const mx = await dns.oldMx(domain);
      return update(domain, (m) => ({ ...m, oldMx: nextOldMx(m.oldMx, mx) }));
    },

    finalPass: (domain: string, actor: string) => startFinal(domain, actor),

    async finish(domain: string, actor: string): Promise<{ move: DomainMove; emailsSent: number; appPasswordsRemoved: number; campaignClosed: boolean }> {
      // Runs that ended since the last count are counted first, so the rule below sees the final pass as it is.
      await reconcile(domain);
      const claimed = await update(domain, (m) => {
        if (m.stage === 'finished') throw new ConflictError('This move is already finished.', 'move_stage');
        if (m.stage !== 'final') throw new ConflictError('Finish comes after the final pass.', 'move_stage');
        const out = m.mailboxes.filter((mb) => mb.currentRunId).length;
        if (out || !finalRunsRecorded(m)) throw new ConflictError(`The final pass is still running for ${out || 'all'} mailboxes.`, 'final_running');
        return { ...m, stage: 'finished', finishedAt: iso() };
      });
      await removeSchedule(claimed, actor, 'the move finished');
      let emailsSent = 0;
      for (const mb of claimed.mailboxes) {
        await deps.notify({ eventId: `move-welcome:${domain}:${claimed.createdAt}:${mb.address}`, to: [mb.address], ...movedUserEmail(mb.address, domain) });
        emailsSent++;
      }
      let appPasswordsRemoved = 0;
      for (const mb of claimed.mailboxes) if (mb.jobId) appPasswordsRemoved += (await deps.releaseAppPasswords(mb.jobId, actor).catch(() => ({ deleted: 0 }))).deleted;
      let campaignClosed = false;
      if (claimed.source.kind === 'campaign') {
        campaignClosed = await deps.campaigns.deactivate(claimed.source.campaignId).then(
          () => true,
          (err: unknown) => (err instanceof ConflictError ? false : Promise.reject(err)),
        );
      }
      const saved = await update(domain, (m) => ({ ...m, schedule: null }));
      await tellAdmins(saved, `The move of ${domain} is finished: ${emailsSent} users were emailed their new settings.`, [['Mailboxes', String(saved.mailboxes.length)], ['All source messages present', String(saved.mailboxes.filter((x) => x.verdict === 'all-present').length)]]);
      return { move: saved, emailsSent, appPasswordsRemoved, campaignClosed };
    },

    async cancel(domain: string, actor: string): Promise<DomainMove> {
      const claimed = await update(domain, (m) => {
        if (m.stage === 'cancelled') throw new ConflictError('This move is already cancelled.', 'move_stage');
        if (!isDomainMoveCancellable(m.stage))
          throw new ConflictError(
            m.stage === 'finished' ? 'This move is finished; there is nothing to cancel.' : 'The DNS has already been switched, so the move can no longer be cancelled: roll back the DNS first if mail should go to the old host again.',
            'move_stage',
          );
        return { ...m, stage: 'cancelled', cancelledAt: iso() };
      });
      await removeSchedule(claimed, actor, 'the move was cancelled');
      const saved = await update(domain, (m) => ({ ...m, schedule: null }));
      await tellAdmins(saved, `The move of ${domain} was cancelled by ${actor}. Nothing was deleted: the jobs, the mailboxes and the copied mail stay.`);
      return saved;
    },

    async reportCsv(domain: string): Promise<string> {
      const move = await load(domain);
      return toCsv(
        DOMAIN_MOVE_REPORT_COLUMNS,
        move.mailboxes.map((m) => [m.address, m.sourceUser, m.messagesCopied, m.bytesCopied, m.passes, m.lastRun?.state ?? '', m.verdict, m.paused ? 'yes' : 'no']),
      );
    },

    /** One firing of the move's schedule: what the stage needs. Idempotent; an over move removes its schedule. */
    async tick(domain: string): Promise<TickResult> {
      const move = await store.get(domain);
      if (!move || isDomainMoveOver(move.stage)) {
        await deps.scheduler.remove(scheduleNameFor(domain));
        return { domain, stage: move?.stage ?? 'absent', did: 'schedule removed: the move is over or gone' };
      }
      const current = await reconcile(domain);
      if (current.stage === 'sync') {
        const sched = current.schedule;
        // A duplicate delivery (a retry) within half an interval is not a new pass.
        const minGapMs = ((sched?.everyMinutes ?? current.syncEveryHours * 60) * 60_000) / 2;
        let mine = false;
        const claimed = await update(domain, (m) => {
          mine = false;
          if (m.stage !== 'sync' || (m.lastPassAt && now().getTime() - Date.parse(m.lastPassAt) < minGapMs)) return m;
          mine = true;
          const everyMinutes = m.schedule?.everyMinutes ?? m.syncEveryHours * 60;
          return { ...m, passesDone: m.passesDone + 1, lastPassAt: iso(), schedule: m.schedule ? { ...m.schedule, nextAt: new Date(now().getTime() + everyMinutes * 60_000).toISOString() } : null };
        });
        if (!mine) return { domain, stage: 'sync', did: 'pass skipped: one ran less than half an interval ago' };
        // The old MX's TTL is read again, so the page says when a lowered TTL has taken effect.
        if (deps.dnsCutover) {
          const mx = await deps.dnsCutover.oldMx(domain).catch(() => null);
          if (mx && mx.hosts.length) await update(domain, (m) => ({ ...m, oldMx: nextOldMx(m.oldMx, mx) }));
        }
        const out = await runPass(claimed, SYSTEM, false);
        await record('domain_move.pass.run', domain, `pass ${claimed.passesDone}: ${out.started} runs queued, ${out.skipped} mailboxes skipped`);
        // A run may have ended before the move recorded it (its RunEnded found no move waiting): counted here.
        await reconcile(domain);
        return { domain, stage: 'sync', did: `pass ${claimed.passesDone}: ${out.started} started, ${out.skipped} skipped` };
      }
      if (current.stage === 'switch') {
        const after = await watch(current, SYSTEM);
        return { domain, stage: after.stage, did: after.stage === 'final' ? 'MX switched everywhere and the old TTL passed: final pass started' : `watched: ${after.dns.lastWatch?.everywhere ? 'switched everywhere' : 'not switched everywhere yet'}` };
      }
      return { domain, stage: current.stage, did: 'runs counted' };
    },

    /** A run ended somewhere: the move waiting for it counts it now (the schedule's tick would count it later). */
    async onRunEnded(runId: string): Promise<void> {
      const moves = await store.list();
      for (const m of moves) if (!isDomainMoveOver(m.stage) && m.mailboxes.some((mb) => mb.currentRunId === runId)) await reconcile(m.domain);
    },

    /** The schedules moves in progress have (the local scheduler re-arms them at start). */
    async schedules(): Promise<{ name: string; everyMinutes: number; domain: string }[]> {
      return (await store.list()).flatMap((m) => (m.schedule && !isDomainMoveOver(m.stage) ? [{ name: m.schedule.name, everyMinutes: m.schedule.everyMinutes, domain: m.domain }] : []));
    },
  };

  async function switchTo(domain: string, actor: string, applied: 'route53' | 'sandbox' | 'self', saved: boolean): Promise<DomainMove> {
    const claimed = await update(domain, (m) => {
      if (m.stage !== 'sync') throw new ConflictError(m.stage === 'copy' || m.stage === 'prepare' ? 'Switch the DNS once the copy has ended and delta passes run.' : 'The DNS switch has already happened.', 'move_stage');
      return { ...m, stage: 'switch', dns: { ...m.dns, applied, appliedAt: iso(), savedRecords: saved, switchedEverywhereAt: null, lastWatch: null } };
    });
    const schedule = await putSchedule(claimed, 'watch', WATCH_EVERY_MINUTES);
    const move = await update(domain, (m) => ({ ...m, schedule }));
    await record('domain_move.schedule.update', domain, `${schedule.name}: watches public DNS every ${WATCH_EVERY_MINUTES} min (delta passes stopped)`, actor);
    await tellAdmins(move, applied === 'self' ? `${actor} says the DNS records are published; the panel now watches public DNS until MX points to PurelyMail everywhere.` : `The DNS records were applied through ${applied === 'route53' ? 'Route 53' : 'the sandbox DNS'}; the old records are saved for a rollback. The panel now watches public DNS.`);
    return deps.dnsCutover ? watch(move, actor).catch((err: unknown) => (logger.warn('first DNS watch failed; the schedule retries', { domain, error: (err as Error).message }), move)) : move;
  }
}
export type DomainMoves = ReturnType<typeof makeDomainMoves>;
