import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { JobStore, MailboxLeaseStore, RunPatch, RunRecord, RunStore, ServerStore } from './ports.ts';

/** What a queued run shows while another run writes into the same mailbox. */
export const WAITING_FOR_MAILBOX = 'Waiting for another migration into the same mailbox to end.';

/**
 * The destination mailbox as one lease key: host and user as IMAP treats them (host names are
 * case-insensitive, a trailing dot is the same name; PurelyMail users are addresses, also case-insensitive).
 * The port and TLS mode are left out on purpose: two profiles of one server still write into one mailbox.
 * Hashed so any user name makes a short, safe key; `mailbox` keeps the readable form for operators.
 *
 * @example mailboxLeaseKey('IMAP.PurelyMail.com.', ' Ann@Example.com') // same key as ('imap.purelymail.com', 'ann@example.com')
 */
export function mailboxLeaseKey(host: string, user: string): { key: string; mailbox: string } {
  const h = host.trim().toLowerCase().replace(/\.+$/, '');
  const u = user.trim().toLowerCase();
  return { key: createHash('sha256').update(`${h}\n${u}`).digest('hex'), mailbox: `${u} on ${h}` };
}

/** The lease key of a run's destination, or undefined when its job or server is gone (the worker fails such runs). */
export function makeDestinationOf(deps: { jobs: JobStore; servers: ServerStore }) {
  return async (run: Pick<RunRecord, 'jobId'>): Promise<{ key: string; mailbox: string } | undefined> => {
    const job = await deps.jobs.get(run.jobId);
    const server = job ? await deps.servers.get(job.dest.serverId) : undefined;
    return job && server ? mailboxLeaseKey(server.host, job.dest.user) : undefined;
  };
}
export type DestinationOf = ReturnType<typeof makeDestinationOf>;

/**
 * The worker's heartbeat is the lease's renewal: a run store whose heartbeat writes (the worker's periodic
 * `{heartbeatAt}` patch, and its starting → running transition) also renew the run's mailbox lease.
 * - starting → running renews before the write: a worker that lost its lease while starting never runs imapsync
 *   (the run stays starting; its exit makes it interrupted and retried).
 * - while running, a renewal that finds another holder answers `undefined`, which the worker reads as "this run
 *   was taken from me" and stops imapsync: two writers never overlap for longer than one heartbeat.
 * A renewal that fails for another reason (network) is left to the next heartbeat: the lease allows one miss.
 * Runs without a lease (dispatched before leases existed, or whose destination is gone) are untouched.
 */
export function withLeaseRenewal(runs: RunStore, leases: MailboxLeaseStore, clock: Clock): RunStore {
  const renew = async (rec: Pick<RunRecord, 'id' | 'mailboxLease'>): Promise<boolean> => {
    if (!rec.mailboxLease) return true;
    try {
      return await leases.renew(rec.mailboxLease, rec.id, clock.now());
    } catch {
      return true;
    }
  };
  const isHeartbeat = (patch: RunPatch | undefined) => patch?.heartbeatAt !== undefined && patch.progress === undefined;
  return {
    ...runs,
    async transition(id, from, to, patch) {
      if (to === 'running' && isHeartbeat(patch)) {
        const current = await runs.get(id);
        if (current && !(await renew(current))) return undefined;
      }
      return runs.transition(id, from, to, patch);
    },
    async patch(id, inStates, patch) {
      const rec = await runs.patch(id, inStates, patch);
      if (!rec || !isHeartbeat(patch) || rec.state !== 'running') return rec;
      return (await renew(rec)) ? rec : undefined;
    },
  };
}
