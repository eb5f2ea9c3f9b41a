/**
 * Which items of the one table each runtime besides the api may touch, by partition key (see the key design in
 * table-definition.ts). The CDK app turns each grant into IAM statements conditioned on `dynamodb:LeadingKeys`
 * (infra/lib/constructs/table-access-grant.ts), and tests record every request each runtime sends while it does its
 * work and check it against the same grant (functions/test/hardening/table-access.test.ts), so a grant is neither
 * missing (a denied request in production) nor wider than what the code does.
 *
 * Patterns are IAM StringLike patterns: `*` is any run of characters. The api is not listed: it is the panel and
 * reaches every item (sessions and admins only through it, apart from the admin list the mailing runtimes read).
 */

/** The table operations the stores use (no Scan anywhere). */
export const READ_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query'] as const;
export const WRITE_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'] as const;
export type TableOperation = (typeof READ_OPERATIONS)[number] | (typeof WRITE_OPERATIONS)[number];

export interface TableGrant {
  /** Partition keys it may read (GetItem, BatchGetItem, Query on the table); what it may write it may read too. */
  readonly read: readonly string[];
  /** Partition keys it may write (PutItem, UpdateItem, DeleteItem, BatchWriteItem). */
  readonly write: readonly string[];
  /** Index partitions (gsi1pk) it may query. */
  readonly indexRead: readonly string[];
}

/** One request as IAM sees it: the operation, the index when it queries one, and the partition key it names. */
export interface TableAccess {
  readonly operation: string;
  readonly index?: string;
  readonly key: string;
}

// The migration records a worker or the engine ends, releases and renews: its run, its job, the destination
// mailbox's lease and the concurrency slots.
const RUN_ITEMS = ['MIGRUN#*', 'MIGJOB#*', 'MIGLEASE#*', 'MIGSLOTS'];

export const TABLE_ACCESS = {
  /**
   * The migration worker (Fargate task): its run, its job (to load the sealed passwords), the mailbox lease its
   * heartbeats renew and the slot and lease it gives back, and the job's two server profiles (host, port, TLS: read
   * only). No admin, session, settings, cache or campaign item, and no index.
   */
  worker: {
    read: ['MIGSERVER#*'],
    write: RUN_ITEMS,
    indexRead: [],
  },
  /**
   * The dispatch function: starts, re-offers, retries and ends runs (the run records above; the migration settings for
   * the concurrency limit and the servers for the mailbox lease, read only; the wait list of runs it turned away, which
   * the end of a run offers again), and sends the run-end emails: batch
   * state, the batch a job is in, the mail settings, the admin list (read through the index only) and send records.
   */
  dispatch: {
    read: ['MIGSERVER#*', 'SETTINGS', 'MIGBATCHJOB#*'],
    write: [...RUN_ITEMS, 'MIGWAIT', 'MIGBATCH#*', 'NOTIFY#*'],
    indexRead: ['BATCH#*', 'ADMINS'],
  },
  /**
   * The scheduled function: due pending actions (and the cache and DNS health they update, their audit entries),
   * the PurelyMail cache refresh and its drift entries, DNS health, the notification outbox and credit alerts, the
   * day's credit reading (the forecast and its alert), the campaign purge, the app-password sweep (its app passwords,
   * and the jobs, runs, batch memberships and batches it reads to tell whether one is still used or its batch finished,
   * and the moves (index MOVES) to keep those of a batch a domain move still runs), the off-boarding record a user deletion it ran
   * finishes (OFFBOARD#: deleted or failed), the off-boarding archive copies it settles (listed through the index,
   * OFFBOARD_ARCHIVING; their jobs and runs read, their app passwords deleted), and a domain move's schedule firing: its
   * move (MOVE#) and the delta runs of its mailboxes it queues (a run, and its job claimed for it); a job's "keep in
   * sync" firing: its schedule item beside the job (MIGJOB#<id>, sk SYNC), the run it queues and counts, and in the
   * sweep the active ones (index JOBSYNCS) to end those past their date. Settings and the
   * admin list (through the index) read only; no session or throttle item.
   */
  scheduled: {
    read: ['SETTINGS', 'PACTIONID#*', 'MIGBATCHJOB#*', 'MIGBATCH#*'],
    write: ['PACTION#*', 'CACHE', 'AUDIT#*', 'DNSHEALTH#*', 'NOTIFY#*', 'NOTIFY_STATE', 'CREDITHIST', 'CAMPAIGN#*', 'APPPW#*', 'OFFBOARD#*', 'MOVE#*', 'MIGJOB#*', 'MIGRUN#*'],
    indexRead: ['PENDING', 'DNSHEALTH', 'OUTBOX', 'ADMINS', 'CAMPAIGNS', 'APPPWS', 'OFFBOARD_ARCHIVING', 'MOVES', 'JOBSYNCS'],
  },
} as const satisfies Record<string, TableGrant>;

export type TableRuntime = keyof typeof TABLE_ACCESS;

/** IAM StringLike: `*` matches any run of characters, `?` one character; the rest literally. */
export function stringLike(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(value);
}

/** Whether `grant` lets a request through, as IAM would evaluate the statements the CDK app builds from it. */
export function grantAllows(grant: TableGrant, access: TableAccess): boolean {
  const any = (patterns: readonly string[]) => patterns.some((p) => stringLike(p, access.key));
  if (access.index) return access.operation === 'Query' && any(grant.indexRead);
  if ((READ_OPERATIONS as readonly string[]).includes(access.operation)) return any([...grant.read, ...grant.write]);
  if ((WRITE_OPERATIONS as readonly string[]).includes(access.operation)) return any(grant.write);
  return false;
}
