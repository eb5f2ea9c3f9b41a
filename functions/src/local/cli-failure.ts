/**
 * The one line a command-line tool prints when it fails: the error's own message when it was written for a
 * person (our error classes, configuration), a plain sentence for the usual system failures, and never a
 * stack trace. Multi-line messages are cut to their first line.
 */
export function cliFailureSentence(err: unknown): string {
  const e = (err ?? {}) as { name?: string; code?: string; message?: string; path?: string };
  const first = (s: string) => s.split('\n')[0]!.trim();
  const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return `Permission denied${e.path ? ` on ${e.path}` : ''}: run the command as the user that owns the data directory.`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${e.path ?? 'DATA_DIR'} is not a usable directory: point DATA_DIR at a directory.`;
    case 'ENOSPC':
      return 'The disk is full: free some space and try again.';
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EPIPE':
      return 'The running panel stopped answering while the command ran: check that it is still running, then try again.';
  }
  const message = typeof e.message === 'string' && e.message ? first(e.message) : typeof err === 'string' ? first(err) : '';
  // LevelDB refuses a second opener of the same data: another process has it open without serving the socket.
  if (/\bLOCK\b|already held by process|Database is (not open|closed)/i.test(message)) {
    return 'The data in DATA_DIR is in use by another process (an older PurelyManage without the private socket?); stop it, then try again.';
  }
  return message ? sentence(message) : 'The command failed for an unknown reason.';
}
