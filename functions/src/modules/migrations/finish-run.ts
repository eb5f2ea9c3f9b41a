import type { RunState } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { JobStore, MailboxLeaseStore, RunPatch, RunRecord, RunStore, SlotStore } from './ports.ts';

export type TerminalState = 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/**
 * Ends a run, from the worker or from whoever noticed the worker is gone.
 * 1. One conditional write moves the run from one of `from` to the terminal state (only one ender wins)
 * 2. Give back its slot and its mailbox lease  3. Let go of the job. Steps 2 and 3 are idempotent (each release
 * is conditional on this run being the holder) and run even when step 1 lost, so a crash between them is
 * repaired by the next ender (task-stopped event, reconciler, the next dispatch for that mailbox).
 */
export function makeFinishRun(deps: { runs: RunStore; jobs: JobStore; slots: SlotStore; leases: MailboxLeaseStore; clock: Clock }) {
  return async (run: Pick<RunRecord, 'id' | 'jobId'> & { mailboxLease?: string | null }, to: TerminalState, from: readonly RunState[], patch: RunPatch = {}): Promise<RunRecord | undefined> => {
    const ended = await deps.runs.transition(run.id, from, to, { ...patch, endedAt: deps.clock.now().toISOString() });
    await deps.slots.release(run.id);
    const lease = ended?.mailboxLease ?? run.mailboxLease ?? (await deps.runs.get(run.id))?.mailboxLease;
    if (lease) await deps.leases.release(lease, run.id);
    await deps.jobs.release(run.jobId, run.id);
    return ended;
  };
}
export type FinishRun = ReturnType<typeof makeFinishRun>;
