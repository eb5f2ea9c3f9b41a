import { ARCHIVE_ENDED_STATES, isTerminalRunState, type OffboardArchive, type Offboarding, type OffboardInput, type OffboardStep, type OffboardStepName, type PendingAction, type RoutingRuleInput, type Run } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditInput } from '../audit/audit.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { OffboardingStore } from './ports.ts';

export interface OffboardingDeps {
  store: OffboardingStore;
  /** Whether PurelyMail has the user (no off-boarding record for an address that is not a user). */
  userExists(address: string): Promise<boolean>;
  /** Sets the mailbox password (users.setPassword: PurelyMail's modifyUser newPassword). */
  setPassword(address: string, password: string): Promise<void>;
  /** A strong random mailbox password (generate-password.ts); never shown, stored, logged or audited. */
  generatePassword(): string;
  appPasswords: {
    list(mailbox: string): Promise<{ id: string; name: string }[]>;
    revoke(mailbox: string, id: string): Promise<unknown>;
  };
  /** The routing create path (fresh checks against PurelyMail, write-through, undo window). */
  createRule(input: RoutingRuleInput, createdBy: string): Promise<{ label: string }>;
  /** The users deletion request (pending queue, `delete-user`), after `delayHours`. */
  requestDeletion(address: string, requestedBy: string, delayHours: number): Promise<{ action: PendingAction; created: boolean }>;
  /** The archive copy: a migration job inside the account (migrations), signing in with app passwords on both ends. */
  archive: {
    /** ValidationError when the IMAP server is not a saved one. */
    checkServer(serverId: string): Promise<void>;
    /** Makes the job (an app password on each mailbox, sealed for it) and queues its full run. */
    start(input: { name: string; serverId: string; sourceUser: string; destUser: string }, actor: string): Promise<{ jobId: string; runId: string | null }>;
    /** The job's latest run; undefined when the job no longer exists, null before its first run. */
    latestRun(jobId: string): Promise<Run | null | undefined>;
    /** Cancels the job's run if it has not ended; whether there was one to cancel. */
    cancel(jobId: string): Promise<boolean>;
    /** Deletes the job's app passwords at PurelyMail (failures stay recorded for the app-password sweep). */
    release(jobId: string, actor: string): Promise<{ deleted: number; failed: number }>;
    /** The job a run belongs to (a RunEnded names only the run). */
    jobOfRun(runId: string): Promise<string | undefined>;
  };
  audit: { record(input: AuditInput): Promise<unknown> };
  clock: Clock;
  logger: Logger;
}

/** An off-boarding still in progress after this long died midway (a crash): another may start. */
export const STALE_OFFBOARDING_MS = 10 * 60_000;

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);
export const archiveJobName = (address: string, archive: string) => `Off-boarding archive: ${address} → ${archive}`;

/** What a copy's latest run says, in the record's words (messages: imapsync's count when ended, progress before). */
function fromRun(a: OffboardArchive, run: Run | null): OffboardArchive {
  if (!run) return { ...a, state: 'queued', runState: null };
  const stats = run.outcome?.stats ?? null;
  const live = { runId: run.id, runState: run.state, messagesCopied: stats ? stats.transferred : (run.progress?.messagesDone ?? null), messagesTotal: run.progress?.messagesTotal ?? null };
  if (!isTerminalRunState(run.state)) return { ...a, ...live, state: run.state === 'queued' ? 'queued' : 'running' };
  const good = run.state === 'succeeded' && run.outcome?.verdictOk === true;
  const state = good ? 'succeeded' : run.state === 'cancelled' ? 'cancelled' : 'failed';
  const verdict = good
    ? `imapsync: the sync looks good (${stats?.transferred ?? 0} copied, ${stats?.skipped ?? 0} already there${stats?.errors ? `, ${stats.errors} errors` : ''}).`
    : run.state === 'cancelled'
      ? 'The copy was cancelled before it ended.'
      : `The copy did not succeed (${run.state}${run.state === 'succeeded' ? ', but imapsync did not say the sync looks good' : ''}): ${run.failureReason ?? run.outcome?.mostFrequentError ?? run.outcome?.errors.at(-1) ?? run.outcome?.exitClass ?? 'no reason recorded'}`;
  return { ...a, ...live, state, verdict: verdict.slice(0, 500), endedAt: run.endedAt };
}

/**
 * Off-boarding one user: the person's access stops now, their mail goes on to a colleague if asked, and the mailbox
 * is deleted after N days unless someone cancels the pending deletion (the Pending page's Cancel).
 * 1. Refuse an unknown user, a forward to the address itself, and a second off-boarding while one is running or
 *    scheduled (one conditional write: two admins at once, one goes ahead).
 * 2. Rotate the password to a generated one nobody sees: the person's devices stop signing in.
 * 3. Revoke every app password the panel created for the mailbox (those made elsewhere PurelyMail cannot list).
 * 4. Forward: an exact routing rule address → colleague. A rule on a mailbox address takes its mail: intended here.
 * 4. Archive copy (optional): a migration job inside the account copies the mailbox to an archive mailbox, signing
 *    in with an app password the panel makes on each mailbox. It is made after steps 2 and 3, so neither the new
 *    password nor the revoke can take its logins away, and its app passwords are excluded from any later revoke
 *    (they belong to a job). The copy runs in the background; when it ends (a RunEnded here, the scheduled sweep,
 *    or reading the record) it is settled once: state, messages copied, verdict, and its app passwords deleted.
 * 5. Forward: an exact routing rule address → colleague. A rule on a mailbox address takes its mail: intended here.
 * 6. Schedule the deletion in the pending queue after N days, only if step 2 worked (a mailbox whose owner can still
 *    sign in is not put on a timer as if it were closed) and, when a copy was asked for, it was started. When the
 *    deletion comes due it is refused (`deletionBlocker`) unless the copy succeeded: a mailbox whose archive copy
 *    failed, was cancelled or still runs is never deleted.
 * A failed step is kept with its reason and the others go on (except 6 after a failed 2 or 4). Each step is audited
 * and the record is written after each, so a crash midway leaves what did happen. Cancelling the pending deletion
 * cancels a copy still running.
 */
export function makeOffboarding(deps: OffboardingDeps) {
  const now = () => deps.clock.now().toISOString();
  const audit = (actor: string, action: string, target: string, step: OffboardStep) =>
    deps.audit
      .record({ actor, action, target, result: step.state === 'failed' ? 'failed' : 'ok', ...(step.state === 'failed' ? { reason: step.detail } : {}), details: step.state === 'skipped' ? `skipped: ${step.detail}` : step.detail, ip: '', userAgent: '' })
      .catch((err: unknown) => deps.logger.error('audit entry for an off-boarding step not written', { target, action, error: reasonOf(err) }));

  async function start(address: string, input: OffboardInput, actor: string): Promise<Offboarding> {
    if (input.forwardTo === address) throw new ValidationError(`Forward ${address}'s mail to someone else: not to the address itself.`, [{ path: 'forwardTo', message: 'is the address being off-boarded' }]);
    if (input.archive?.mailbox === address) throw new ValidationError(`Copy ${address}'s mail to another mailbox: not to itself.`, [{ path: 'archive.mailbox', message: 'is the address being off-boarded' }]);
    const previous = await deps.store.get(address);
    if (previous?.status === 'scheduled') {
      throw new ConflictError(`${address} is already being off-boarded: its deletion is scheduled for ${previous.deletionExecuteAt}. Cancel that pending deletion first to start again.`, 'offboarding_scheduled');
    }
    if (!(await deps.userExists(address))) throw new NotFoundError(`There is no user ${address} on PurelyMail. Refresh the list.`);
    if (input.archive) {
      if (!(await deps.userExists(input.archive.mailbox))) {
        throw new ValidationError(`There is no mailbox ${input.archive.mailbox} in this PurelyMail account to copy into: create it first.`, [{ path: 'archive.mailbox', message: 'is not a mailbox of this account' }]);
      }
      await deps.archive.checkServer(input.archive.serverId);
    }

    const record: Offboarding = {
      address,
      startedBy: actor,
      startedAt: now(),
      forwardTo: input.forwardTo ?? null,
      deleteAfterDays: input.deleteAfterDays,
      status: 'in_progress',
      steps: [],
      deletionActionId: null,
      deletionExecuteAt: null,
      cancelledAt: null,
      cancelledBy: null,
      archive: null,
    };
    const staleBefore = new Date(deps.clock.now().getTime() - STALE_OFFBOARDING_MS).toISOString();
    if (!(await deps.store.begin(record, staleBefore))) {
      throw new ConflictError(`${address} is being off-boarded right now (or its deletion was just scheduled). Reload to see its steps.`, 'offboarding_scheduled');
    }
    const step = async (name: OffboardStepName, action: string, run: () => Promise<{ state: 'done' | 'skipped'; detail: string }>): Promise<OffboardStep> => {
      let s: OffboardStep;
      try {
        s = { name, ...(await run()), at: now() };
      } catch (err) {
        s = { name, state: 'failed', detail: reasonOf(err), at: now() };
      }
      record.steps.push(s);
      await deps.store.put(record);
      await audit(actor, action, address, s);
      return s;
    };

    const rotated = await step('rotate_password', 'user.offboard.password.rotate', async () => {
      await deps.setPassword(address, deps.generatePassword());
      return { state: 'done', detail: 'Password changed to a random one nobody was shown: devices using the old password stop signing in.' };
    });

    await step('revoke_app_passwords', 'user.offboard.app_passwords.revoke', async () => {
      const mine = await deps.appPasswords.list(address);
      if (mine.length === 0) return { state: 'skipped', detail: 'The panel created no app passwords for this mailbox (ones made in PurelyMail settings cannot be listed).' };
      const failures: string[] = [];
      for (const p of mine) {
        await deps.appPasswords.revoke(address, p.id).catch((err: unknown) => failures.push(`"${p.name}": ${reasonOf(err)}`));
      }
      const revoked = mine.length - failures.length;
      if (failures.length > 0) throw new Error(`${revoked} of ${mine.length} revoked; not revoked: ${failures.join('; ')}`);
      return { state: 'done', detail: `${revoked} app password${revoked === 1 ? '' : 's'} revoked: ${mine.map((p) => `"${p.name}"`).join(', ')}.` };
    });

    const archived = await step('archive_copy', 'user.offboard.archive.start', async () => {
      if (!input.archive) return { state: 'skipped', detail: 'No archive mailbox was chosen: the mail is not copied before the deletion.' };
      const { mailbox, serverId } = input.archive;
      const name = archiveJobName(address, mailbox);
      record.archive = { mailbox, serverId, jobId: null, runId: null, state: 'starting', runState: null, messagesCopied: null, messagesTotal: null, verdict: null, endedAt: null, appPasswords: 'held' };
      const started = await deps.archive.start({ name, serverId, sourceUser: address, destUser: mailbox }, actor);
      record.archive = { ...record.archive, jobId: started.jobId, runId: started.runId, state: 'queued', runState: 'queued' };
      await deps.store.markArchiving(address, started.jobId);
      return {
        state: 'done',
        detail: `Copy of all mail to ${mailbox} started (migration job "${name}"), signing in with app passwords the panel made on both mailboxes; they are deleted when the copy ends. The deletion runs only if the copy succeeds.`,
      };
    });
    if (archived.state === 'failed' && record.archive) record.archive = { ...record.archive, state: 'failed', verdict: `The copy could not be started: ${archived.detail}`.slice(0, 500), appPasswords: 'deleted' };

    await step('forward', 'user.offboard.forward.create', async () => {
      if (!input.forwardTo) return { state: 'skipped', detail: 'No colleague to forward to was given.' };
      const at = address.lastIndexOf('@');
      const rule = await deps.createRule({ domainName: address.slice(at + 1), preset: 'exact', matchUser: address.slice(0, at), targetAddresses: [input.forwardTo] }, actor);
      return { state: 'done', detail: `Routing rule added: ${rule.label}. Mail to ${address} now goes to ${input.forwardTo} instead of the mailbox.` };
    });

    await step('schedule_deletion', 'user.offboard.delete.request', async () => {
      if (rotated.state !== 'done') return { state: 'skipped', detail: 'Not scheduled because the password could not be changed: the person may still sign in. Fix that and off-board again.' };
      if (archived.state === 'failed') return { state: 'skipped', detail: 'Not scheduled because the archive copy could not be started: the mailbox is not deleted without its copy. Fix that and off-board again.' };
      const { action, created } = await deps.requestDeletion(address, actor, input.deleteAfterDays * 24);
      record.deletionActionId = action.id;
      record.deletionExecuteAt = action.executeAt;
      record.status = 'scheduled';
      const gate = record.archive ? ' It runs only if the archive copy has succeeded by then; otherwise it is refused and the mailbox kept.' : '';
      return { state: 'done', detail: `${created ? 'Deletion scheduled' : 'A deletion was already pending'} after ${input.deleteAfterDays} day${input.deleteAfterDays === 1 ? '' : 's'}, unless cancelled (the time is below, in your time zone).${gate}` };
    });
    if (record.status === 'in_progress') {
      record.status = 'incomplete';
      await deps.store.put(record);
    }
    return record;
  }

  /**
   * Brings the archive copy's state up to date from its job's latest run. Once the run has ended (the first time it is
   * seen ended): the state, messages copied and verdict are written, the copy's two app passwords deleted at
   * PurelyMail, and one audit entry written (a fixed id: settled twice at once, it is still one entry). Idempotent.
   */
  async function settleArchive(record: Offboarding): Promise<Offboarding> {
    const a = record.archive;
    if (!a?.jobId || ARCHIVE_ENDED_STATES.includes(a.state)) return record;
    const run = await deps.archive.latestRun(a.jobId);
    const next: OffboardArchive =
      run === undefined ? { ...a, state: 'failed', verdict: 'The copy\'s migration job was deleted before the copy ended.', endedAt: now() } : fromRun(a, run);
    if (!ARCHIVE_ENDED_STATES.includes(next.state)) return { ...record, archive: next };
    const released = await deps.archive.release(a.jobId, 'off-boarding').catch(() => ({ deleted: 0, failed: 2 }));
    const ended: Offboarding = { ...record, archive: { ...next, appPasswords: released.failed > 0 ? 'delete_failed' : 'deleted' } };
    await deps.store.put(ended);
    await deps.store.unmarkArchiving(record.address);
    const keys = released.failed > 0 ? `${released.failed} of its app passwords could not be deleted yet (the app-password sweep retries)` : 'its app passwords were deleted';
    await deps.audit
      .record({
        id: `offboard:${a.jobId}:archive-end`,
        actor: 'system',
        action: 'user.offboard.archive.finish',
        target: record.address,
        result: next.state === 'succeeded' ? 'ok' : 'failed',
        ...(next.state === 'succeeded' ? {} : { reason: next.verdict ?? next.state }),
        details: `copy to ${a.mailbox} ${next.state} (job ${a.jobId}${next.runId ? `, run ${next.runId}` : ''}, ${next.messagesCopied ?? 0} messages copied): ${next.verdict ?? ''} ${keys}.`,
        ip: '',
        userAgent: '',
      })
      .catch((err: unknown) => deps.logger.error('audit entry for an archive copy not written', { error: reasonOf(err) }));
    return ended;
  }

  const settleAddress = async (address: string) => {
    const record = await deps.store.get(address);
    if (!record?.archive) return deps.store.unmarkArchiving(address);
    await settleArchive(record);
  };

  /** A run ended: if it is an archive copy's, settle that off-boarding now (AWS: the sweep settles what this missed). */
  async function onRunEnded(runId: string): Promise<void> {
    const open = await deps.store.listArchiving();
    if (open.length === 0) return;
    const jobId = await deps.archive.jobOfRun(runId);
    for (const o of open.filter((x) => x.jobId === jobId)) await settleAddress(o.address);
  }

  /** The scheduled sweep: every archive copy not yet settled is looked at (its run may have ended in another process). */
  async function settleArchives(): Promise<{ settled: number; open: number }> {
    let settled = 0;
    const open = await deps.store.listArchiving();
    for (const o of open) {
      try {
        const before = await deps.store.get(o.address);
        await settleAddress(o.address);
        const after = await deps.store.get(o.address);
        if (before?.archive?.state !== after?.archive?.state) settled++;
      } catch (err) {
        deps.logger.warn('archive copy not settled; tried again at the next sweep', { address: o.address, error: reasonOf(err) });
      }
    }
    return { settled, open: open.length - settled };
  }

  /**
   * Asked by the pending queue just before it deletes a user: a deletion an off-boarding with an archive copy scheduled
   * runs only once that copy succeeded. The reason it is refused otherwise, in words; undefined to go ahead.
   */
  async function deletionBlocker(action: { id: string; kind: string; target: string }): Promise<string | undefined> {
    if (action.kind !== 'delete-user') return undefined;
    const stored = await deps.store.get(action.target);
    if (!stored?.archive || stored.deletionActionId !== action.id) return undefined;
    const record = await settleArchive(stored);
    const a = record.archive!;
    if (a.state === 'succeeded') return undefined;
    const why =
      a.state === 'failed'
        ? `it failed (${a.verdict ?? 'no reason recorded'})`
        : a.state === 'cancelled'
          ? 'it was cancelled'
          : `it has not ended yet (${a.runState ?? a.state}${a.messagesCopied !== null ? `, ${a.messagesCopied} messages copied so far` : ''})`;
    return `Not deleted: the off-boarding's archive copy of ${record.address} to ${a.mailbox} has not succeeded: ${why}. The mailbox is kept; copy it again (or off-board again) before deleting it.`;
  }

  /** The pending deletion an off-boarding scheduled was cancelled, ran or failed: the record says so (a step). */
  async function onDeletion(action: PendingAction): Promise<void> {
    if (action.kind !== 'delete-user') return;
    const record = await deps.store.get(action.target);
    if (!record || record.deletionActionId !== action.id || record.status !== 'scheduled') return;
    if (action.status === 'cancelled') {
      const actor = action.cancelledBy ?? 'system';
      let copy = '';
      if (record.archive?.jobId && !ARCHIVE_ENDED_STATES.includes(record.archive.state)) {
        const cancelled = await deps.archive.cancel(record.archive.jobId).catch((err: unknown) => {
          deps.logger.error('archive copy of a cancelled off-boarding not cancelled', { error: reasonOf(err) });
          return false;
        });
        copy = cancelled ? '; the archive copy still running was cancelled' : '';
        await deps.audit
          .record({ actor, action: 'user.offboard.archive.cancel', target: record.address, result: cancelled ? 'ok' : 'failed', details: `copy to ${record.archive.mailbox} (job ${record.archive.jobId}) ${cancelled ? 'cancelled' : 'had already ended'}`, ip: '', userAgent: '' })
          .catch((err: unknown) => deps.logger.error('audit entry for a cancelled archive copy not written', { error: reasonOf(err) }));
      }
      await deps.store.put({ ...record, status: 'cancelled', cancelledAt: action.finishedAt ?? now(), cancelledBy: action.cancelledBy });
      await deps.audit
        .record({ actor, action: 'user.offboard.cancel', target: record.address, result: 'ok', details: `pending deletion ${action.id} cancelled; the password stays rotated and any forwarding rule stays${copy}`, ip: '', userAgent: '' })
        .catch((err: unknown) => deps.logger.error('audit entry for a cancelled off-boarding not written', { error: reasonOf(err) }));
      if (copy) await settleAddress(record.address).catch(() => undefined);
    } else if (action.status === 'done' || action.status === 'failed') {
      const s: OffboardStep =
        action.status === 'done'
          ? { name: 'delete_mailbox', state: 'done', detail: `The mailbox was deleted${action.reason ? `: ${action.reason}` : '.'}`, at: action.finishedAt ?? now() }
          : { name: 'delete_mailbox', state: 'failed', detail: action.reason ?? 'The deletion failed.', at: action.finishedAt ?? now() };
      await deps.store.put({ ...record, status: action.status === 'done' ? 'deleted' : 'deletion_failed', steps: [...record.steps.filter((x) => x.name !== 'delete_mailbox'), s] });
      await audit('system', 'user.offboard.mailbox.delete', record.address, s);
    }
  }

  return {
    start,
    /** The latest off-boarding; its archive copy's state read from its run (and settled if the run ended). */
    async get(address: string): Promise<Offboarding | null> {
      const record = await deps.store.get(address);
      return record ? settleArchive(record) : null;
    },
    onDeletion,
    onRunEnded: (runId: string) => onRunEnded(runId).catch((err: unknown) => deps.logger.error('run end not observed by off-boarding', { runId, error: reasonOf(err) })),
    settleArchives,
    deletionBlocker,
  };
}
export type OffboardingModule = ReturnType<typeof makeOffboarding>;
