import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/**
 * Why an imapsync run ended, derived from its exit status, the signal it died by and whether we asked it to stop.
 * The API stores it, the UI explains it with exitClassInfo, the worker decides retries with retryable.
 */
export const ExitClass = lazySchema(() =>
  z.enum([
    'succeeded',
    'cancelled',
    'interrupted',
    'auth_source',
    'auth_dest',
    'connect_source',
    'connect_dest',
    'tls',
    'quota',
    'append',
    'transfer_limit',
    'locked',
    'usage',
    'config',
    'partial',
    'unknown',
    /** The worker refused a server address (private, loopback, link-local, metadata) before starting imapsync. */
    'blocked_address',
    /** The watchdog stopped the run: over the maximum run time, or no heartbeat from its worker for too long. */
    'timed_out',
  ]),
);
export type ExitClass = z.infer<typeof ExitClass>;

/** Live progress of one run. Totals are null when imapsync printed none (--nofoldersizes, or before sizing). */
export const RunProgress = lazySchema(() =>
  z.object({
    currentFolder: z.string().nullable(),
    folderIndex: z.number().int().nonnegative(),
    folderCount: z.number().int().nonnegative().nullable(),
    /** Messages processed so far: copied, already present, skipped or ignored. */
    messagesDone: z.number().int().nonnegative(),
    messagesTotal: z.number().int().nonnegative().nullable(),
    /**
     * Bytes of the mailbox done: copied in this run, plus (once imapsync reports them at the end) the bytes it
     * skipped as already on the destination, so a resumed run ends at the mailbox's total, not at this run's copies.
     */
    bytesDone: z.number().int().nonnegative(),
    bytesTotal: z.number().int().nonnegative().nullable(),
    /**
     * Seconds left, computed by the worker from this run's observed rate (messages processed per second since
     * the copy loop began), never imapsync's own estimate; null until enough of the run has been seen.
     */
    etaSeconds: z.number().int().nonnegative().nullable(),
    errors: z.number().int().nonnegative(),
    lastErrors: z.array(z.string()),
  }),
);
export type RunProgress = z.infer<typeof RunProgress>;

/**
 * What a dry run found. imapsync counts what it would copy ("0 (could be N without dry mode)"), but it only
 * simulates the messages of folders that already exist on the destination: the others are listed here.
 */
export const DryRunReport = lazySchema(() =>
  z.object({
    /** Messages on the source that are not on the destination ("could be N"); null when imapsync printed none. */
    wouldCopy: z.number().int().nonnegative().nullable(),
    /** Their size: the source's total minus what imapsync skipped as already there; null when unknown. */
    wouldCopyBytes: z.number().int().nonnegative().nullable(),
    /** Destination folders that do not exist yet, so their messages were not simulated (readable names, capped). */
    notSimulatedFolders: z.array(z.string()),
    /** How many source messages those folders hold (from imapsync's sizing); null when it printed no sizes. */
    notSimulatedMessages: z.number().int().nonnegative().nullable(),
  }),
);
export type DryRunReport = z.infer<typeof DryRunReport>;

/**
 * Final figures of a run. They come from imapsync's Statistics block when it printed one,
 * otherwise from the per-message lines (then the fields only the block knows are null).
 */
export const RunStats = lazySchema(() =>
  z.object({
    transferred: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    bytesTransferred: z.number().int().nonnegative(),
    bytesSkipped: z.number().int().nonnegative(),
    foundInHost1NotInHost2: z.number().int().nonnegative().nullable(),
    reconnections1: z.number().int().nonnegative(),
    reconnections2: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    foldersSynced: z.number().int().nonnegative(),
    foldersTotal: z.number().int().nonnegative().nullable(),
    transferTimeSec: z.number().nonnegative().nullable(),
    cpuSec: z.number().nonnegative().nullable(),
    /**
     * A copy: imapsync said "The sync looks good", reported no error and ignored no folder that was asked for.
     * A dry run: it ran to its Statistics without an error or an ignored folder (it never says "looks good").
     */
    verdictOk: z.boolean(),
    /**
     * Folders the job asked for (--folder) that imapsync ignored because the source has none by that name
     * ("warning! ignoring folder … not in host1 whole folders list"), in readable form. Absent on older runs.
     */
    ignoredFolders: z.array(z.string()).optional(),
    /** What a dry run could tell; absent for copies and older runs. */
    dry: DryRunReport.nullable().optional(),
  }),
);
export type RunStats = z.infer<typeof RunStats>;

/** Everything known about a finished run. */
export const RunResult = lazySchema(() =>
  z.object({
    exitClass: ExitClass,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    /** The N of "Exiting with return value N"; it says 6 when the process really died by a signal. */
    reportedReturnValue: z.number().int().nullable(),
    verdictOk: z.boolean(),
    /** Whether the Statistics block was printed; false means stats were derived from the message lines. */
    statisticsPresent: z.boolean(),
    dryRun: z.boolean(),
    stats: RunStats,
    /** Error lines (capped), most recent last. */
    errors: z.array(z.string()),
    /** e.g. ERR_OVERQUOTA, from "The most frequent error is ...". */
    mostFrequentError: z.string().nullable(),
  }),
);
export type RunResult = z.infer<typeof RunResult>;

export type ExitClassInfo = { title: string; cause: string; fix: string };

/** How a run's two servers are named in explanations, e.g. `PurelyMail lab (127.0.0.1)`; generic words when unknown. */
export type RunServerNames = { source?: string; dest?: string };

const quoted = (name: string | undefined, side: string) => (name ? `The ${side} server ${name}` : `The ${side} server`);

function info(cls: ExitClass, names: RunServerNames): ExitClassInfo {
  const source = quoted(names.source, 'source');
  const dest = quoted(names.dest, 'destination');
  switch (cls) {
    case 'succeeded': return { title: 'Succeeded', cause: 'The migration finished.', fix: 'Nothing to do.' };
    case 'cancelled': return { title: 'Cancelled', cause: 'The run was stopped on request.', fix: 'Start it again to resume; already copied messages are not copied twice.' };
    case 'interrupted': return { title: 'Interrupted', cause: 'The copy process stopped unexpectedly (killed or restarted).', fix: 'Retry; the next run resumes where this one stopped.' };
    case 'auth_source': return { title: 'Source login failed', cause: `${source} rejected the user name or password.`, fix: 'Check the password; Gmail and Outlook need an app password.' };
    case 'auth_dest': return { title: 'Destination login failed', cause: `${dest} rejected the user name or password.`, fix: 'Check the destination user name and its password.' };
    case 'connect_source': return { title: 'Cannot connect to the source server', cause: `${source} refused the connection, timed out or failed the SSL handshake.`, fix: 'Check the host name, the port and the SSL/STARTTLS setting.' };
    case 'connect_dest': return { title: 'Cannot connect to the destination server', cause: `${dest} refused the connection or timed out.`, fix: 'Retry later; check the destination host and port.' };
    case 'tls': return { title: 'STARTTLS failed', cause: 'The server does not support STARTTLS or the TLS handshake failed.', fix: 'Use SSL on port 993, or check the server certificate.' };
    case 'quota': return { title: 'Destination mailbox is over quota', cause: 'The destination refused messages because the mailbox is full.', fix: 'Free space or raise the quota, then run again.' };
    case 'append': return { title: 'Some messages were refused', cause: 'The destination refused to store some messages (often: too large).', fix: 'Check the error list; exclude or shrink the refused messages.' };
    case 'transfer_limit': return { title: 'Transfer limit reached', cause: 'The run stopped after the configured maximum number of bytes.', fix: 'Run again to continue.' };
    case 'locked': return { title: 'Already running', cause: 'Another migration of this mailbox is still running.', fix: 'Wait for it to finish, then retry.' };
    case 'usage': return { title: 'Invalid options', cause: 'imapsync rejected its command line.', fix: 'This is a bug in PurelyManage; report it.' };
    case 'config': return { title: 'Worker configuration problem', cause: 'A password file or a program module was missing, or a folder option was wrong.', fix: 'Check the worker installation and the job settings.' };
    case 'partial': return { title: 'Finished with errors', cause: 'Some folders or messages could not be read or written.', fix: 'Check the error list, then run again.' };
    case 'unknown': return { title: 'Failed', cause: 'The copy process ended with an unexpected status.', fix: 'Check the log, then retry.' };
    case 'timed_out': return { title: 'Timed out', cause: 'The run was stopped because it took too long or its worker stopped responding.', fix: 'Retry: messages already copied are skipped. For a very large mailbox, split it with folder filters or raise MIGRATION_MAX_RUN_HOURS.' };
    case 'blocked_address': return { title: 'Server address not allowed', cause: 'A server name points to a private, loopback, link-local or cloud metadata address, so nothing was copied.', fix: 'Check the server\'s host name and its DNS records; only public addresses are allowed.' };
  }
}

/** Why a run ended, in plain words; `names` puts the job's own servers into the sentences that concern them. */
export function exitClassInfo(cls: ExitClass, names: RunServerNames = {}): ExitClassInfo {
  return info(cls, names);
}

// Auth, usage and configuration problems fail identically on every retry; only transient causes are worth one.
const RETRYABLE: ReadonlySet<ExitClass> = new Set<ExitClass>([
  'interrupted',
  'connect_source',
  'connect_dest',
  'transfer_limit',
  'locked',
  'partial',
  'unknown',
]);

export function retryable(cls: ExitClass): boolean {
  return RETRYABLE.has(cls);
}
