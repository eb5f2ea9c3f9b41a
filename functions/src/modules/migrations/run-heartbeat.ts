import type { Clock } from '../../platform/clock.ts';
import type { MailboxLeaseStore, RunRecord, RunStore } from './ports.ts';

/**
 * The worker's heartbeat is its mailbox lease's renewal (the lease keeps a second writer out of the mailbox).
 * - start: the lease is renewed before starting → running, so a worker that lost its lease while starting never
 *   runs imapsync (the run stays starting; its exit makes it interrupted and retried)
 * - beat: while running, a renewal that finds another holder answers `undefined`, which the worker reads as "this
 *   run was taken from me" and stops imapsync: two writers never overlap for longer than one heartbeat.
 * A renewal that fails for another reason (network) is left to the next heartbeat: the lease allows one miss.
 * Runs without a lease (dispatched before leases existed, or whose destination is gone) are not renewed.
 */
export function makeRunHeartbeat(deps: { runs: RunStore; leases: MailboxLeaseStore; clock: Clock }) {
  const renew = async (run: Pick<RunRecord, 'id' | 'mailboxLease'>): Promise<boolean> => {
    if (!run.mailboxLease) return true;
    try {
      return await deps.leases.renew(run.mailboxLease, run.id, deps.clock.now());
    } catch {
      return true;
    }
  };
  return {
    /** starting → running (workerStarted); undefined when the lease or the run is no longer this worker's. */
    async start(run: Pick<RunRecord, 'id' | 'mailboxLease'>): Promise<RunRecord | undefined> {
      if (!(await renew(run))) return undefined;
      return deps.runs.transition(run.id, 'workerStarted', { heartbeatAt: deps.clock.now().toISOString() });
    },
    /** One heartbeat of a running run; undefined when it is no longer running or its lease went to another run. */
    async beat(runId: string): Promise<RunRecord | undefined> {
      const run = await deps.runs.patch(runId, ['running'], { heartbeatAt: deps.clock.now().toISOString() });
      if (!run || run.state !== 'running') return run;
      return (await renew(run)) ? run : undefined;
    },
  };
}
export type RunHeartbeat = ReturnType<typeof makeRunHeartbeat>;
