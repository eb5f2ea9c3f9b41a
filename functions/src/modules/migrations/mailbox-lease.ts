import { createHash } from 'node:crypto';
import type { JobStore, RunRecord, ServerStore } from './ports.ts';

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
