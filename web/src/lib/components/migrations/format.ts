import { isTerminalRunState, RUN_STATE_LABELS, type Run, type RunProgress } from '@app/shared';

/** Plain words and badge tones for run states (the labels live beside the run transitions table in shared). */
export const RUN_STATE = RUN_STATE_LABELS;

export const isActiveRun = (run: Run | null | undefined): boolean => !!run && !isTerminalRunState(run.state);

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/**
 * "11.5 MB" (binary multiples, the way imapsync counts).
 * @example formatBytes(12_058_624) // "11.5 MB"
 */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}

/**
 * "about 3 min", "under a minute", "1 h 20 min".
 * @example formatEta(200) // "about 4 min"
 */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `about ${h} h ${m} min` : `about ${h} h`;
}

/** "2 min 5 s" for a finished run's duration. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Whole percent done, by messages when the total is known, else by bytes; null when nothing says. */
export function percentDone(p: RunProgress | null | undefined): number | null {
  if (!p) return null;
  if (p.messagesTotal) return Math.min(100, Math.floor((p.messagesDone / p.messagesTotal) * 100));
  if (p.bytesTotal) return Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100));
  return null;
}

export const count = (n: number): string => n.toLocaleString();

/** Folders the job asked for that imapsync ignored (the source has none by that name); empty for older runs. */
export const ignoredFoldersOf = (run: Run | null | undefined): string[] => run?.outcome?.stats?.ignoredFolders ?? [];

/** "303 messages (24.1 MB)": what a dry run says it would copy; null when imapsync printed no count. */
export function wouldCopyText(run: Run | null | undefined): string | null {
  const dry = run?.outcome?.stats?.dry;
  if (!dry || dry.wouldCopy === null) return null;
  const n = `${count(dry.wouldCopy)} ${dry.wouldCopy === 1 ? 'message' : 'messages'}`;
  return dry.wouldCopyBytes === null ? n : `${n} (${formatBytes(dry.wouldCopyBytes)})`;
}

/** A list of names for a sentence: "A, B and 3 more". */
export function nameList(names: readonly string[], max = 4): string {
  if (names.length <= max) return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
