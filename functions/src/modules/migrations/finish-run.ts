import type { EndingRunEvent } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Emit } from '../events.ts';
import type { MigrationEvents } from './events.ts';
import type { JobStore, MailboxLeaseStore, RunPatch, RunRecord, RunStore, SlotStore } from './ports.ts';

/**
 * Ends a run, from the worker or from whoever noticed the worker is gone.
 * 1. One conditional write moves the run to the end `event` leads to, from a state it may leave (only one ender wins)
 * 2. Give back its slot and its mailbox lease  3. Let go of the job. Steps 2 and 3 are idempotent (each release
 * is conditional on this run being the holder) and run even when step 1 lost, so a crash between them is
 * repaired by the next ender (task-stopped event, reconciler, the next dispatch for that mailbox)
 * 4. RunEnded, whatever step 1 did: the subscribers (platform/composition/subscriptions.ts) are idempotent.
 * With `holdLeaseMs` (the watchdog ending a run whose task is still being stopped), the lease is kept, marked
 * draining, for that long instead: the task-stopped event releases it once the worker is really gone, so no
 * second writer starts into the mailbox while the old one may still be copying.
 */
export function makeFinishRun(deps: { runs: RunStore; jobs: JobStore; slots: SlotStore; leases: MailboxLeaseStore; clock: Clock; emit: Emit<MigrationEvents> }) {
  return async (run: Pick<RunRecord, 'id' | 'jobId'> & { mailboxLease?: string | null }, event: EndingRunEvent, patch: RunPatch = {}, opts: { holdLeaseMs?: number } = {}): Promise<RunRecord | undefined> => {
    const ended = await deps.runs.transition(run.id, event, { ...patch, endedAt: deps.clock.now().toISOString() });
    await deps.slots.release(run.id);
    const lease = ended?.mailboxLease ?? run.mailboxLease ?? (await deps.runs.get(run.id))?.mailboxLease;
    if (lease && opts.holdLeaseMs) {
      // Only the ender that won the write holds it; a losing (concurrent) ender must not release what it holds.
      if (ended) await deps.leases.holdUntil(lease, run.id, new Date(deps.clock.now().getTime() + opts.holdLeaseMs));
    } else if (lease) await deps.leases.release(lease, run.id);
    await deps.jobs.release(run.jobId, run.id);
    await deps.emit('RunEnded', { runId: run.id });
    return ended;
  };
}
export type FinishRun = ReturnType<typeof makeFinishRun>;
