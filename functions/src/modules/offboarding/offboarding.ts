import type { Offboarding, OffboardInput, OffboardStep, OffboardStepName, PendingAction, RoutingRuleInput } from '@app/shared';
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
  audit: { record(input: AuditInput): Promise<unknown> };
  clock: Clock;
  logger: Logger;
}

/** An off-boarding still in progress after this long died midway (a crash): another may start. */
export const STALE_OFFBOARDING_MS = 10 * 60_000;

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * Off-boarding one user: the person's access stops now, their mail goes on to a colleague if asked, and the mailbox
 * is deleted after N days unless someone cancels the pending deletion (the Pending page's Cancel).
 * 1. Refuse an unknown user, a forward to the address itself, and a second off-boarding while one is running or
 *    scheduled (one conditional write: two admins at once, one goes ahead).
 * 2. Rotate the password to a generated one nobody sees: the person's devices stop signing in.
 * 3. Revoke every app password the panel created for the mailbox (those made elsewhere PurelyMail cannot list).
 * 4. Forward: an exact routing rule address → colleague. A rule on a mailbox address takes its mail: intended here.
 * 5. Schedule the deletion in the pending queue after N days, only if step 2 worked: a mailbox whose owner can still
 *    sign in is not put on a timer as if it were closed.
 * A failed step is kept with its reason and the others go on (except 5 after a failed 2). Each step is audited and
 * the record is written after each, so a crash midway leaves what did happen.
 */
export function makeOffboarding(deps: OffboardingDeps) {
  const now = () => deps.clock.now().toISOString();
  const audit = (actor: string, action: string, target: string, step: OffboardStep) =>
    deps.audit
      .record({ actor, action, target, result: step.state === 'failed' ? 'failed' : 'ok', ...(step.state === 'failed' ? { reason: step.detail } : {}), details: step.state === 'skipped' ? `skipped: ${step.detail}` : step.detail, ip: '', userAgent: '' })
      .catch((err: unknown) => deps.logger.error('audit entry for an off-boarding step not written', { target, action, error: reasonOf(err) }));

  async function start(address: string, input: OffboardInput, actor: string): Promise<Offboarding> {
    if (input.forwardTo === address) throw new ValidationError(`Forward ${address}'s mail to someone else: not to the address itself.`, [{ path: 'forwardTo', message: 'is the address being off-boarded' }]);
    const previous = await deps.store.get(address);
    if (previous?.status === 'scheduled') {
      throw new ConflictError(`${address} is already being off-boarded: its deletion is scheduled for ${previous.deletionExecuteAt}. Cancel that pending deletion first to start again.`, 'offboarding_scheduled');
    }
    if (!(await deps.userExists(address))) throw new NotFoundError(`There is no user ${address} on PurelyMail. Refresh the list.`);

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

    await step('forward', 'user.offboard.forward.create', async () => {
      if (!input.forwardTo) return { state: 'skipped', detail: 'No colleague to forward to was given.' };
      const at = address.lastIndexOf('@');
      const rule = await deps.createRule({ domainName: address.slice(at + 1), preset: 'exact', matchUser: address.slice(0, at), targetAddresses: [input.forwardTo] }, actor);
      return { state: 'done', detail: `Routing rule added: ${rule.label}. Mail to ${address} now goes to ${input.forwardTo} instead of the mailbox.` };
    });

    await step('schedule_deletion', 'user.offboard.delete.request', async () => {
      if (rotated.state !== 'done') return { state: 'skipped', detail: 'Not scheduled because the password could not be changed: the person may still sign in. Fix that and off-board again.' };
      const { action, created } = await deps.requestDeletion(address, actor, input.deleteAfterDays * 24);
      record.deletionActionId = action.id;
      record.deletionExecuteAt = action.executeAt;
      record.status = 'scheduled';
      return { state: 'done', detail: `${created ? 'Deletion scheduled' : 'A deletion was already pending'} after ${input.deleteAfterDays} day${input.deleteAfterDays === 1 ? '' : 's'}, unless cancelled (the time is below, in your time zone).` };
    });
    if (record.status === 'in_progress') {
      record.status = 'incomplete';
      await deps.store.put(record);
    }
    return record;
  }

  /** The pending deletion an off-boarding scheduled was cancelled, ran or failed: the record says so. */
  async function onDeletion(action: PendingAction): Promise<void> {
    if (action.kind !== 'delete-user') return;
    const record = await deps.store.get(action.target);
    if (!record || record.deletionActionId !== action.id || record.status !== 'scheduled') return;
    if (action.status === 'cancelled') {
      await deps.store.put({ ...record, status: 'cancelled', cancelledAt: action.finishedAt ?? now(), cancelledBy: action.cancelledBy });
      await deps.audit
        .record({ actor: action.cancelledBy ?? 'system', action: 'user.offboard.cancel', target: record.address, result: 'ok', details: `pending deletion ${action.id} cancelled; the password stays rotated and any forwarding rule stays`, ip: '', userAgent: '' })
        .catch((err: unknown) => deps.logger.error('audit entry for a cancelled off-boarding not written', { error: reasonOf(err) }));
    } else if (action.status === 'done' || action.status === 'failed') {
      await deps.store.put({ ...record, status: action.status === 'done' ? 'deleted' : 'deletion_failed' });
    }
  }

  return {
    start,
    async get(address: string): Promise<Offboarding | null> {
      return (await deps.store.get(address)) ?? null;
    },
    onDeletion,
  };
}
export type OffboardingModule = ReturnType<typeof makeOffboarding>;
