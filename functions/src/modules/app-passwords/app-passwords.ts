import type { AppPassword, AppPasswordPurpose } from '@app/shared';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Audit } from '../audit/audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { PurelyMailApiError } from '../purelymail/errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import type { SecretContext, SecretOpener, SecretSealer } from '../secrets/ports.ts';
import type { AppPasswordRecord, AppPasswordStore } from './ports.ts';

/**
 * The KMS encryption context purpose of the app-password secrets the panel keeps for deleting them later. The api
 * and the scheduled function may seal and open these (they delete app passwords); the migration worker may not, and
 * they still cannot open migration credentials (the job's own sealed copy is a migration credential).
 */
export const APP_PASSWORD_SECRET_PURPOSE = 'panel-app-passwords';
const context = (id: string): SecretContext => ({ purpose: APP_PASSWORD_SECRET_PURPOSE, kind: 'app-password', id });

const DAY_MS = 86_400_000;
/** A migration app password whose job does not exist (yet) is left alone this long: its job may be being written. */
const ORPHAN_GRACE_MS = 60 * 60_000;
/** PurelyMail names app passwords in the owner's settings; keep ours recognisable and short. */
export const migrationAppPasswordName = (jobName: string) => `PurelyManage migration job ${jobName}`.slice(0, 100);

export interface AppPasswordDeps {
  store: AppPasswordStore;
  purelymail: Pick<PurelyMail, 'createAppPassword' | 'deleteAppPassword'>;
  box: SecretSealer & SecretOpener;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  logger: Logger;
  /** Whether a migration job still needs its app password: absent job → no; a run in progress → yes. */
  jobUse(jobId: string): Promise<{ exists: false } | { exists: true; running: boolean; lastActivityAt: string }>;
  /** Migration app passwords unused for this many days are deleted by the sweep (MIGRATION_APP_PASSWORD_MAX_AGE_DAYS). */
  maxAgeDays: number;
  /**
   * Why a migration app password's owner is closed, in words ("its campaign was closed", "its batch finished"), or
   * undefined while open: a job in a closed campaign or a finished batch needs no app password until its next run.
   */
  closedOwner?(r: { jobId: string; campaignId: string | null }): Promise<string | undefined>;
}

export const toAppPasswordView = (r: AppPasswordRecord): AppPassword => ({
  id: r.id,
  mailbox: r.mailbox,
  name: r.name,
  purpose: r.purpose,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  jobId: r.jobId,
  campaignId: r.campaignId,
  deleteError: r.deleteError,
});

/** What PurelyMail says when the app password (or its mailbox, which takes them along) is already gone. */
const alreadyGone = (err: unknown) => err instanceof PurelyMailApiError && /notfound|nosuchuser|doesnotexist/i.test(err.code);
const newAppPasswordId = (now: Date) => `apw_${now.getTime().toString(36)}${randomBytes(10).toString('hex')}`;
export const APP_PASSWORD_ID = /^apw_[0-9a-z]{8,40}$/;

/**
 * App passwords the panel creates at PurelyMail, for people (a phone) and for migration jobs (the destination login),
 * remembered so they can be listed and deleted. The secret is returned once by `create` and otherwise only ever
 * opened to delete it at PurelyMail; it is never logged, audited or listed.
 */
export function makeAppPasswords(deps: AppPasswordDeps) {
  const audit = (action: string, r: AppPasswordRecord, actor: string, result: 'ok' | 'failed', details: string, reason?: string) =>
    deps.audit
      .record({ actor, action, target: r.mailbox, result, ...(reason ? { reason } : {}), details, ip: '', userAgent: '' })
      .catch((err: unknown) => deps.logger.error('audit entry for an app password not written', { id: r.id, error: (err as Error).message }));

  /**
   * Deletes it at PurelyMail, then forgets it. PurelyMail not knowing it (deleted with its mailbox, or by its owner)
   * counts as deleted. A failure is kept on the record (shown in the list, retried by the sweep) and thrown.
   */
  const remove = async (r: AppPasswordRecord): Promise<'deleted' | 'already_gone'> => {
    let outcome: 'deleted' | 'already_gone' = 'deleted';
    try {
      const secret = await deps.box.open(r.sealedSecret, context(r.id));
      try {
        await deps.purelymail.deleteAppPassword({ userName: r.mailbox, appPassword: secret });
      } catch (err) {
        if (!alreadyGone(err)) throw err;
        outcome = 'already_gone';
      }
    } catch (err) {
      const message = (err as Error).message;
      await deps.store.markDeleteFailed(r.id, deps.clock.now().toISOString(), message);
      throw err;
    }
    await deps.store.delete(r.id);
    return outcome;
  };

  return {
    /**
     * 1. createAppPassword at PurelyMail (its only answer with the secret)  2. seal it bound to a new record id
     * 3. remember it. If 2 or 3 fail, the panel could never delete it: it is deleted at PurelyMail at once.
     */
    async create(input: { mailbox: string; name: string; purpose: AppPasswordPurpose; actor: string; jobId?: string; campaignId?: string }): Promise<{ record: AppPasswordRecord; secret: string }> {
      const now = deps.clock.now();
      const id = newAppPasswordId(now);
      const { appPassword: secret } = await deps.purelymail.createAppPassword({ userHandle: input.mailbox, name: input.name });
      let record: AppPasswordRecord;
      try {
        record = {
          id,
          mailbox: input.mailbox,
          name: input.name,
          purpose: input.purpose,
          createdBy: input.actor,
          createdAt: now.toISOString(),
          sealedSecret: await deps.box.seal(secret, context(id)),
          jobId: input.jobId ?? null,
          campaignId: input.campaignId ?? null,
          deleteRequestedAt: null,
          deleteError: null,
          deleteAttempts: 0,
        };
        await deps.store.put(record);
      } catch (err) {
        deps.logger.error('app password created but not remembered; deleting it at PurelyMail', { mailbox: input.mailbox, error: (err as Error).message });
        await deps.purelymail.deleteAppPassword({ userName: input.mailbox, appPassword: secret }).catch((e: unknown) =>
          deps.logger.error('app password could not be deleted again; its owner can delete it in PurelyMail settings', { mailbox: input.mailbox, name: input.name, error: (e as Error).message }),
        );
        throw err;
      }
      if (input.purpose === 'migration') await audit('migration.app_password.create', record, input.actor, 'ok', `"${record.name}" for job ${record.jobId ?? '?'}`);
      return { record, secret };
    },
    async list(mailbox: string): Promise<AppPassword[]> {
      return (await deps.store.listForMailbox(mailbox)).map(toAppPasswordView);
    },
    async exists(id: string): Promise<boolean> {
      const r = await deps.store.get(id);
      return r !== undefined && r.deleteRequestedAt === null;
    },
    /** Revoke from a user's page: immediate (see the route for why it does not wait in the 24-hour queue). */
    async revoke(mailbox: string, id: string): Promise<{ record: AppPasswordRecord; outcome: 'deleted' | 'already_gone' }> {
      const r = await deps.store.get(id);
      if (!r || r.mailbox !== mailbox) throw new NotFoundError('The panel has no such app password for this user.');
      if (r.purpose === 'migration' && r.jobId && (await deps.jobUse(r.jobId)).exists) {
        throw new ConflictError('This app password belongs to a migration job: delete the job, and the panel deletes it.', 'app_password_in_use');
      }
      try {
        return { record: r, outcome: await remove(r) };
      } catch (err) {
        throw err instanceof PurelyMailApiError ? err : new ConflictError(`PurelyMail could not delete it (${(err as Error).message}); the panel tries again at its next sweep.`, 'app_password_delete_failed');
      }
    },
    /** A job was deleted: its app passwords go at once; a failure stays on the record for the sweep. */
    async releaseForJob(jobId: string, actor: string): Promise<{ deleted: number; failed: number }> {
      const mine = (await deps.store.listAll()).filter((r) => r.jobId === jobId);
      let deleted = 0;
      let failed = 0;
      for (const r of mine) {
        try {
          const outcome = await remove(r);
          deleted++;
          await audit('migration.app_password.delete', r, actor, 'ok', `"${r.name}": job ${jobId} deleted${outcome === 'already_gone' ? ' (already gone at PurelyMail)' : ''}`);
        } catch (err) {
          failed++;
          await audit('migration.app_password.delete', r, actor, 'failed', `"${r.name}": job ${jobId} deleted; retried at the next sweep`, (err as Error).message);
        }
      }
      return { deleted, failed };
    },
    /**
     * A campaign was closed, or a batch finished (its round ended): the app passwords of its jobs are deleted at once,
     * except those of a job whose run is in progress (the sweep deletes them once it has ended). A later run of such a
     * job gets a fresh one (manage-jobs). Each deletion is audited; a failure stays on the record for the sweep.
     */
    async releaseForOwner(owner: { campaignId: string } | { jobIds: readonly string[] }, why: string, actor: string): Promise<{ deleted: number; failed: number; kept: number }> {
      const jobIds = 'jobIds' in owner ? new Set(owner.jobIds) : undefined;
      const mine = (await deps.store.listAll()).filter((r) => r.purpose === 'migration' && r.jobId && (jobIds ? jobIds.has(r.jobId) : r.campaignId === (owner as { campaignId: string }).campaignId));
      const result = { deleted: 0, failed: 0, kept: 0 };
      for (const r of mine) {
        const use = await deps.jobUse(r.jobId!);
        if (use.exists && use.running) {
          result.kept++;
          continue;
        }
        try {
          const outcome = await remove(r);
          result.deleted++;
          await audit('migration.app_password.delete', r, actor, 'ok', `"${r.name}": ${why}${outcome === 'already_gone' ? ' (already gone at PurelyMail)' : ''}`);
        } catch (err) {
          result.failed++;
          await audit('migration.app_password.delete', r, actor, 'failed', `"${r.name}": ${why}; retried at the next sweep`, (err as Error).message);
        }
      }
      return result;
    },
    /**
     * The regular sweep (the scheduled `sweep`, every 5 minutes on AWS; hourly locally): retries every deletion
     * that failed before (a revoke included), and deletes migration app passwords no longer used: a job that no
     * longer exists (after an hour's grace), a job idle for `maxAgeDays` whose app password is older than that, or an
     * idle job whose campaign is closed or whose batch finished (what `releaseForOwner` kept while a run went on). A
     * later run of that job gets a fresh one (manage-jobs). A person's app password is only ever deleted by a revoke.
     */
    async sweep(): Promise<{ deleted: number; failed: number; kept: number }> {
      const now = deps.clock.now().getTime();
      const all = (await deps.store.listAll()).filter((r) => r.purpose === 'migration' || r.deleteRequestedAt !== null);
      const result = { deleted: 0, failed: 0, kept: 0 };
      for (const r of all) {
        const age = now - Date.parse(r.createdAt);
        let why: string | undefined;
        if (r.deleteRequestedAt) why = 'an earlier deletion failed';
        else if (!r.jobId) why = 'no job';
        else {
          const use = await deps.jobUse(r.jobId);
          if (!use.exists) why = age > ORPHAN_GRACE_MS ? 'its job no longer exists' : undefined;
          else if (!use.running && age > deps.maxAgeDays * DAY_MS && now - Date.parse(use.lastActivityAt) > deps.maxAgeDays * DAY_MS) why = `unused for more than ${deps.maxAgeDays} days`;
          else if (!use.running && deps.closedOwner) why = await deps.closedOwner({ jobId: r.jobId, campaignId: r.campaignId });
        }
        if (!why) {
          result.kept++;
          continue;
        }
        try {
          const outcome = await remove(r);
          result.deleted++;
          await audit(r.purpose === 'person' ? 'user.app_password.revoke' : 'migration.app_password.delete', r, 'scheduled cleanup', 'ok', `"${r.name}": ${why}${outcome === 'already_gone' ? ' (already gone at PurelyMail)' : ''}`);
        } catch (err) {
          result.failed++;
          deps.logger.warn('app password not deleted; retried at the next sweep', { id: r.id, error: (err as Error).message });
        }
      }
      return result;
    },
  };
}
export type AppPasswords = ReturnType<typeof makeAppPasswords>;
