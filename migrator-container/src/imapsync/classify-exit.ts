import type { ExitClass } from '@app/shared/schemas/imapsync';

export type ProcessExit = { code: number | null; signal: string | null };
export type StopFlags = { stopRequested: boolean };

const CODE_CLASSES: ReadonlyMap<number, ExitClass> = new Map<number, ExitClass>([
  [0, 'succeeded'],
  [2, 'config'], // Perl compile error: a module is missing
  [6, 'interrupted'], // EXIT_BY_SIGNAL, only if the process survived its own kill
  [7, 'cancelled'], // EXIT_BY_FILE: the abort file, which only we write
  [8, 'locked'],
  [10, 'connect_source'],
  [12, 'tls'],
  [16, 'auth_source'],
  [21, 'config'], // --subfolder1 missing
  [64, 'usage'],
  [66, 'config'], // passfile unreadable
  [101, 'connect_source'],
  [102, 'connect_dest'],
  [111, 'partial'],
  [112, 'partial'],
  [113, 'quota'],
  [114, 'append'],
  [115, 'partial'], // fetch on host1 failed
  [116, 'partial'], // create folder failed
  [117, 'partial'], // select folder failed
  [118, 'transfer_limit'],
  [119, 'append'], // virus
  [120, 'partial'], // flags
  [161, 'auth_source'],
  [162, 'auth_dest'],
]);

const SIGNALS = new Map<string, number>([
  ['SIGHUP', 1], ['SIGINT', 2], ['SIGQUIT', 3], ['SIGKILL', 9], ['SIGUSR1', 10], ['SIGSEGV', 11],
  ['SIGUSR2', 12], ['SIGPIPE', 13], ['SIGALRM', 14], ['SIGTERM', 15],
]);

/**
 * Maps how imapsync ended to an ExitClass. A stop we requested ends either by the abort file (7) or by a
 * signal; any signal death then counts as cancelled, including a SIGKILL escalation, so a user's cancel is
 * never auto-retried. Without a request, a signal death means something else killed it: interrupted.
 */
export function classifyExit(exit: ProcessExit, flags: StopFlags = { stopRequested: false }): ExitClass {
  if (exit.code === null) {
    if (exit.signal === null) return 'unknown';
    return flags.stopRequested ? 'cancelled' : 'interrupted';
  }
  if (flags.stopRequested && exit.code === 6) return 'cancelled';
  return CODE_CLASSES.get(exit.code) ?? 'unknown';
}

/** Shell-style status (the fixtures' `.exit` files): 128+n means death by signal n. */
export function exitFromShellStatus(status: number): ProcessExit {
  if (status > 128 && status < 160) {
    for (const [name, no] of SIGNALS) if (no === status - 128) return { code: null, signal: name };
  }
  return { code: status, signal: null };
}
