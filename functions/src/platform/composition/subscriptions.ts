import type { AppPasswords } from '../../modules/app-passwords/app-passwords.ts';
import type { BatchFinish } from '../../modules/batches/batch-finish.ts';
import type { BatchEvents } from '../../modules/batches/events.ts';
import type { DnsHealth } from '../../modules/dns-health/dns-health.ts';
import type { MigrationEvents } from '../../modules/migrations/events.ts';
import type { OfferWaitingRun } from '../../modules/migrations/offer-waiting-run.ts';
import type { Notifier } from '../../modules/notifications/notifier.ts';
import type { PendingActionEvents } from '../../modules/pending-actions/events.ts';
import type { OffboardingModule } from '../../modules/offboarding/offboarding.ts';
import type { DomainMoves } from '../../modules/domain-moves/domain-moves.ts';
import type { JobSync } from '../../modules/job-sync/job-sync.ts';
import type { EventBus } from '../events.ts';

/** Every event a module tells, by name (each declared in modules/<capability>/events.ts). */
export type AppEvents = MigrationEvents & PendingActionEvents & BatchEvents;

/**
 * When a run ends (RunEnded), in this order:
 * 1. the slot it freed goes to the oldest waiting run at once (the engine's offer)
 * 2. its batch is rolled up and summarised once all of the batch's runs have settled, or a single job's
 *    result is mailed (batches). Both are idempotent: RunEnded may be told more than once for one run.
 * The api, the dispatch Lambda and the local runtime subscribe the same two.
 */
export function subscribeRunEnded(bus: Pick<EventBus<MigrationEvents>, 'on'>, reactors: { offerWaitingRun: OfferWaitingRun; batches: Pick<BatchFinish, 'onRunEnded'> }): void {
  bus.on('RunEnded', reactors.offerWaitingRun);
  bus.on('RunEnded', ({ runId }) => reactors.batches.onRunEnded(runId));
}

/**
 * Every cross-module reaction of the app, in one place: which capability reacts to which module's event.
 * - RunEnded: see subscribeRunEnded
 * - PendingActionRequested / PendingActionFinished: every admin gets an email (notifications)
 * - PendingActionCancelled: the admins who were told it was scheduled get an email (notifications)
 * - DomainDeleted: the domain leaves DNS health tracking at once, not at the next tier run (dns-health)
 * - PendingActionCancelled / PendingActionFinished of a user deletion an off-boarding scheduled: its record says
 *   cancelled, deleted or failed, and a cancel also cancels its archive copy still running (offboarding)
 * - BatchFinished: the app passwords the panel made for the batch's jobs are deleted (app-passwords; the api and the
 *   local runtime; on AWS a batch mostly finishes in the dispatch function, and the app-password sweep deletes them),
 *   unless a domain move in progress still runs the batch's passes (its Finish removes them)
 * - RunEnded of an off-boarding's archive copy: the copy is settled (state, verdict) and its app passwords deleted
 *   (offboarding; in the api and the local runtime; on AWS the run ends elsewhere and the scheduled sweep settles it)
 * - RunEnded of a run a domain move waits for: the move counts the pass (failures in a row, pause, copy → sync)
 *   now rather than at its schedule's next firing (domain moves)
 * - RunEnded of a run a job's "keep in sync" schedule waits for: counted (failures in a row, stop + email at K) (job sync)
 */
export function subscribe(
  bus: EventBus<AppEvents>,
  reactors: { offerWaitingRun: OfferWaitingRun; batches: Pick<BatchFinish, 'onRunEnded'>; notify: Pick<Notifier, 'pendingRequested' | 'pendingCancelled' | 'pendingFinished'>; dnsHealth: Pick<DnsHealth, 'untrack'>; offboarding?: Pick<OffboardingModule, 'onDeletion' | 'onRunEnded'>; appPasswords?: Pick<AppPasswords, 'releaseForOwner'>; domainMoves?: Pick<DomainMoves, 'onRunEnded' | 'keepsBatch'>; jobSync?: Pick<JobSync, 'onRunEnded'> },
): void {
  subscribeRunEnded(bus, reactors);
  bus.on('PendingActionRequested', ({ action }) => reactors.notify.pendingRequested(action));
  bus.on('PendingActionCancelled', ({ action }) => reactors.notify.pendingCancelled(action));
  bus.on('PendingActionFinished', ({ action }) => reactors.notify.pendingFinished(action));
  bus.on('DomainDeleted', ({ domain }) => reactors.dnsHealth.untrack(domain));
  const { offboarding, appPasswords, domainMoves, jobSync } = reactors;
  if (appPasswords) {
    bus.on('BatchFinished', async ({ batchId, jobIds }) => {
      // A domain move's copy batch finishes a round between its delta passes: its app passwords stay until Finish.
      if (await domainMoves?.keepsBatch(batchId)) return;
      await appPasswords.releaseForOwner({ jobIds }, `batch ${batchId} finished`, 'system');
    });
  }
  if (domainMoves) bus.on('RunEnded', ({ runId }) => domainMoves.onRunEnded(runId));
  if (jobSync) bus.on('RunEnded', ({ runId }) => jobSync.onRunEnded(runId));
  if (offboarding) {
    bus.on('PendingActionCancelled', ({ action }) => offboarding.onDeletion(action));
    bus.on('PendingActionFinished', ({ action }) => offboarding.onDeletion(action));
    bus.on('RunEnded', ({ runId }) => offboarding.onRunEnded(runId));
  }
}
