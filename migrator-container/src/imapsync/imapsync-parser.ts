// The imapsync log parser, by hand: no library reads imapsync's output. Line formats come from the lab report
// (shared/reference/imapsync.md §7) and are checked against every captured run in test/fixtures.
//
// Every expression here runs in linear time on any input: lines are capped at MAX_LINE before parsing, each
// repeated quantifier is bounded or matches a class its neighbours cannot, and names that may hold brackets,
// spaces or slashes are cut out with indexOf instead of lazy `(.*?)` groups. (The report's folder regex took 25 s
// on a 4.5 kB hostile line: each `(.*?)\]` could end at any `]`; test/imapsync/hostile-lines.test.ts keeps it out.)
import type { DryRunReport, RunProgress, RunResult, RunStats } from '@app/shared/schemas/imapsync';
import { decodeMailboxName } from '@app/functions/worker';
import { classifyExit, type ProcessExit, type StopFlags } from './classify-exit.ts';

/** Longer lines are cut to this before parsing; no line the parser needs is near it (folder lines < 6 kB). */
export const MAX_LINE = 16 * 1024;

// "… <seconds> s  <left>/<total> msgs left" at the end of ETA, copied and dry-run lines.
const RE_ETA_TAIL = / {2}(\d{1,12}) s {2}(\d{1,12})\/(\d{1,12}) msgs left ?$/;
// "/UID {SIZE}<spaces>copied to ": the anchor of a copied line (folder names may hold spaces and slashes).
const RE_COPIED = /\/\d{1,12} \{(\d{1,15})\}[ \t]{1,200}copied to /;
const DRY_MARK = '\t(not really since --dry mode)';
const RE_SKIPPED = /\/\d{1,12} skipped \(\d{1,15} (?:exceeds maxsize limit|smaller than minsize) \d{1,15} bytes\)$/;
const RE_IGNORED = /\/\d{1,12} size \d{1,15} ignored \(no wanted headers/;
const RE_FOLDER_HEAD = /^Folder {1,40}(\d{1,6})\/(\d{1,6}) \[/;
const RE_FOLDER_ARROW = /\] {1,400}-> \[/;
const RE_SIZES_HEAD = /^Host([12]) folder {1,40}(\d{1,6})\/(\d{1,6}) \[/;
const RE_SIZES_TAIL = / Size: {1,40}(\d{1,15}) Messages: {1,40}(\d{1,12}) Biggest: {1,40}\d{1,15} *$/;
const RE_HOST_TOTAL = /^Host1 (Nb messages|Total size|Nb folders): {1,60}(\d{1,15}) (?:messages|bytes|folders)/;
const RE_EXITING = /^Exiting with return value (\d{1,4}) \(([A-Z0-9_]{1,60})(?:: [^)]{0,200})?\) (\d{1,9})\/(\d{1,9}) nb_errors\/max_errors/;
const RE_MOST_FREQUENT = /^The most frequent error is (ERR_[A-Za-z0-9_]{1,60})\./;
const RE_COULD_BE = /could be (\d{1,12}) without dry mode/;
const RE_FIRST_INT = /-?\d{1,15}/;
const RE_FIRST_NUM = /\d{1,15}(?:\.\d{1,9})?/;
const IGNORING_HEAD = 'Host1: warning! ignoring folder ';
const IGNORING_TAIL = ' because it is not in host1 whole folders list.';
const NOT_SIMULATED_HEAD = 'Since --dry mode is on and folder [';
const NOT_SIMULATED_TAIL = '] on host2 does not exist yet, syncing messages will not be simulated.';

const LAST_ERRORS = 10;
const MAX_ERRORS_KEPT = 200;
const MAX_ERROR_CHARS = 500;
const MAX_NAMES_KEPT = 200;
/** The panel's ETA needs this much of the copy loop observed before it says anything. */
const ETA_MIN_OBSERVED_MS = 2000;

type StatsBlock = {
  transferred?: number;
  couldBe?: number;
  skipped?: number;
  bytesTransferred?: number;
  bytesSkipped?: number;
  foundInHost1NotInHost2?: number;
  reconnections1?: number;
  reconnections2?: number;
  foldersSynced?: number;
  foldersTotal?: number;
  transferTimeSec?: number;
  cpuSec?: number;
  detectedErrors?: number;
};

/** Figures counted from the per-message lines, independent of the Statistics block. */
export type CountedFigures = {
  copied: number;
  bytesCopied: number;
  skipped: number;
  ignored: number;
  dryCopies: number;
  foldersSeen: number;
  errors: number;
};

function firstInt(s: string): number | undefined {
  const m = RE_FIRST_INT.exec(s);
  return m ? Number(m[0]) : undefined;
}

function clip(line: string): string {
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS)}…` : line;
}

/**
 * A folder name as imapsync printed it, readable. Raw names are modified UTF-7 (decoded); a name we passed as
 * UTF-8 comes back double-encoded (Perl reads argv bytes as Latin-1 and prints them as UTF-8): undone here.
 */
export function readableFolderName(printed: string): string {
  let name = printed;
  const latin1Only = [...name].every((ch) => ch.charCodeAt(0) <= 0xff);
  if (latin1Only && /[\u0080-\u00ff]/.test(name)) {
    const repaired = Buffer.from(name, 'latin1').toString('utf8');
    if (!repaired.includes('\uFFFD')) name = repaired;
  }
  return decodeMailboxName(name);
}

/** "[raw] = [utf8]" or "[raw]" (the text between the outer brackets): the raw name. */
function rawOf(bracketed: string): string {
  const eq = bracketed.indexOf('] = [');
  return eq >= 0 ? bracketed.slice(0, eq) : bracketed;
}

/**
 * Incremental parser of imapsync's stdout+stderr. Feed it one line at a time; most lines are rejected by
 * their first characters, so the per-line cost stays far below imapsync's own per-message CPU.
 */
export class ImapsyncParser {
  private phase: 'start' | 'preflight' | 'looping' | 'after' | 'stats' = 'start';
  private host1Messages: number | null = null;
  private host1Bytes: number | null = null;
  private host1Folders: number | null = null;
  private folderIndex = 0;
  private folderCount: number | null = null;
  private currentFolder: string | null = null;
  private etaDone = 0;
  private etaTotal: number | null = null;
  private loopStart: { at: number; done: number } | null = null;
  private readonly counted: CountedFigures = { copied: 0, bytesCopied: 0, skipped: 0, ignored: 0, dryCopies: 0, foldersSeen: 0, errors: 0 };
  private readonly errorLines: string[] = [];
  private readonly block: StatsBlock = {};
  private statisticsPresent = false;
  private looksGood = false;
  private dryRun = false;
  private reportedReturnValue: number | null = null;
  private reportedErrors: number | null = null;
  private mostFrequentError: string | null = null;
  private readonly ignoredFolders: string[] = [];
  private readonly notSimulated = new Set<string>();
  /** Pre-flight sizes by folder index: host1's messages, and whether host2's folder exists yet. */
  private readonly sizing = new Map<number, { messages?: number; missingOnHost2?: boolean }>();

  /** `now` (ms) times the copy loop for the ETA; tests pass a clock. */
  constructor(private readonly now: () => number = Date.now) {}

  push(rawLine: string): void {
    const capped = rawLine.length > MAX_LINE ? rawLine.slice(0, MAX_LINE) : rawLine;
    const line = capped.endsWith('\r') ? capped.slice(0, -1) : capped;
    const c = line.charCodeAt(0);
    switch (c) {
      case 109: // m
        if (line.startsWith('msg ')) this.onMsg(line);
        return;
      case 69: // E
        if (line.startsWith('ETA: ')) this.onEtaTail(line);
        else if (line.startsWith('Exiting with return value')) this.onExiting(line);
        return;
      case 70: // F
        if (line.startsWith('Folder ')) this.onFolder(line);
        else if (line.startsWith('Failure:')) this.addError(line);
        else if (line.startsWith('Folders sizes before')) this.phase = 'preflight';
        else if (this.phase === 'stats') this.onStatsLine(line);
        return;
      case 45: // -
        if (line.startsWith('- msg ')) this.addError(line);
        return;
      case 43: // +
        if (line.startsWith('++++ Looping')) {
          this.phase = 'looping';
          this.loopStart = { at: this.now(), done: this.etaDone };
        } else if (line.startsWith('++++ End looping')) this.phase = 'after';
        else if (line.startsWith('++++ Statistics')) {
          this.phase = 'stats';
          this.statisticsPresent = true;
        }
        return;
      case 72: // H
        if (line.startsWith('Host1: ')) {
          if (line.startsWith(IGNORING_HEAD)) this.onIgnoringFolder(line);
          else if (line.includes(' ignored (no wanted headers')) this.onIgnored(line);
        } else if (line.startsWith('Host1 failure:') || line.startsWith('Host2 failure:')) this.addError(line);
        else if (this.phase === 'preflight' && (line.startsWith('Host1 ') || line.startsWith('Host2 '))) this.onSizing(line);
        return;
      case 83: // S
        if (line.startsWith(NOT_SIMULATED_HEAD)) this.onNotSimulated(line);
        return;
      case 84: // T
        if (this.phase === 'stats') {
          if (line.startsWith('The sync looks good')) this.looksGood = true;
          else if (line.startsWith('The most frequent error is')) this.onMostFrequent(line);
          else this.onStatsLine(line);
        } else if (line.startsWith('The most frequent error is')) this.onMostFrequent(line);
        return;
      case 77: // M
        // imapsync prints the errorsmax line twice and does not count it as an error itself.
        if (line.startsWith('Maximum number of errors')) this.addErrorOnce(line);
        else if (line.startsWith('Maximum bytes transferred')) this.addError(line);
        else if (this.phase === 'stats') this.onStatsLine(line);
        return;
      case 68: // D
        if (this.phase === 'stats' && line.startsWith('Detected ')) this.block.detectedErrors = firstInt(line.slice(9));
        return;
      case 82: // R
      case 67: // C
        if (this.phase === 'stats') this.onStatsLine(line);
        else if (line.startsWith("Can't locate ")) this.addError(line);
        return;
      default:
        if (line.startsWith('Unknown option:')) this.addError(line);
        else if (line.includes(' another imapsync may be curently running')) this.addError(line);
    }
  }

  progress(): RunProgress {
    const k = this.counted;
    const byLines = k.copied + k.skipped + k.ignored + k.dryCopies;
    const messagesDone = Math.max(this.etaDone, byLines);
    const messagesTotal = this.etaTotal ?? this.host1Messages;
    // Once imapsync has reported what it skipped as already there, the mailbox's bytes are all accounted for.
    const bytesAlreadyThere = this.statisticsPresent && !this.dryRun ? (this.block.bytesSkipped ?? 0) : 0;
    return {
      currentFolder: this.currentFolder,
      folderIndex: this.folderIndex,
      folderCount: this.folderCount ?? this.host1Folders,
      messagesDone,
      messagesTotal,
      bytesDone: k.bytesCopied + bytesAlreadyThere,
      bytesTotal: this.host1Bytes,
      etaSeconds: this.eta(messagesDone, messagesTotal),
      errors: k.errors,
      lastErrors: this.errorLines.slice(-LAST_ERRORS),
    };
  }

  counts(): CountedFigures {
    return { ...this.counted };
  }

  finish(exit: ProcessExit, flags: StopFlags = { stopRequested: false }): RunResult {
    const exitClass = classifyExit(exit, flags);
    const stats = this.statisticsPresent ? this.statsFromBlock() : this.statsFromLines();
    return {
      exitClass,
      exitCode: exit.code,
      signal: exit.signal,
      reportedReturnValue: this.reportedReturnValue,
      verdictOk: stats.verdictOk,
      statisticsPresent: this.statisticsPresent,
      dryRun: this.dryRun,
      stats,
      errors: [...this.errorLines],
      mostFrequentError: this.mostFrequentError,
    };
  }

  /**
   * Seconds left at this run's own pace: messages processed since the copy loop began, over the time since.
   * imapsync's estimate is not used: after a resume it counted against the whole mailbox (622 s shown, 56 s real).
   */
  private eta(done: number, total: number | null): number | null {
    if (total === null || this.loopStart === null || this.phase !== 'looping') return null;
    if (done >= total) return 0;
    const elapsed = this.now() - this.loopStart.at;
    const processed = done - this.loopStart.done;
    if (elapsed < ETA_MIN_OBSERVED_MS || processed <= 0) return null;
    return Math.ceil(((total - done) * elapsed) / processed / 1000);
  }

  private statsFromBlock(): RunStats {
    const b = this.block;
    const k = this.counted;
    const errors = b.detectedErrors ?? Math.max(k.errors, this.reportedErrors ?? 0);
    const clean = errors === 0 && this.ignoredFolders.length === 0;
    return {
      transferred: b.transferred ?? k.copied,
      skipped: b.skipped ?? k.skipped,
      bytesTransferred: b.bytesTransferred ?? k.bytesCopied,
      bytesSkipped: b.bytesSkipped ?? 0,
      foundInHost1NotInHost2: b.foundInHost1NotInHost2 ?? null,
      reconnections1: b.reconnections1 ?? 0,
      reconnections2: b.reconnections2 ?? 0,
      errors,
      foldersSynced: b.foldersSynced ?? k.foldersSeen,
      foldersTotal: b.foldersTotal ?? this.folderCount ?? this.host1Folders,
      transferTimeSec: b.transferTimeSec ?? null,
      cpuSec: b.cpuSec ?? null,
      // A dry run never says "looks good" (nothing was copied): it is clean when it ran through without errors.
      verdictOk: clean && (this.dryRun || this.looksGood),
      ignoredFolders: [...this.ignoredFolders],
      dry: this.dryRun ? this.dryReport() : null,
    };
  }

  // No Statistics block (login/connection failure, --errorsmax, SIGKILL, --justlogin): count what was seen.
  private statsFromLines(): RunStats {
    const k = this.counted;
    return {
      transferred: k.copied,
      skipped: k.skipped,
      bytesTransferred: k.bytesCopied,
      bytesSkipped: 0,
      foundInHost1NotInHost2: null,
      reconnections1: 0,
      reconnections2: 0,
      errors: Math.max(k.errors, this.reportedErrors ?? 0),
      foldersSynced: k.foldersSeen,
      foldersTotal: this.folderCount ?? this.host1Folders,
      transferTimeSec: null,
      cpuSec: null,
      verdictOk: false,
      ignoredFolders: [...this.ignoredFolders],
      dry: this.dryRun ? this.dryReport() : null,
    };
  }

  private dryReport(): DryRunReport {
    const b = this.block;
    let notSimulatedMessages: number | null = null;
    for (const f of this.sizing.values()) {
      if (f.missingOnHost2 && f.messages !== undefined) notSimulatedMessages = (notSimulatedMessages ?? 0) + f.messages;
    }
    const wouldCopyBytes = b.couldBe !== undefined && this.host1Bytes !== null ? Math.max(0, this.host1Bytes - (b.bytesSkipped ?? 0)) : null;
    return {
      wouldCopy: b.couldBe ?? null,
      wouldCopyBytes,
      notSimulatedFolders: [...this.notSimulated],
      notSimulatedMessages: this.notSimulated.size ? notSimulatedMessages : 0,
    };
  }

  private onMsg(line: string): void {
    const copied = RE_COPIED.exec(line);
    if (copied) {
      this.counted.copied++;
      this.counted.bytesCopied += Number(copied[1]);
      this.onEtaTail(line);
      return;
    }
    if (line.includes(' copying to ')) {
      if (line.includes(DRY_MARK)) {
        this.dryRun = true;
        this.counted.dryCopies++;
      }
      this.onEtaTail(line);
      return;
    }
    if (line.includes(' skipped (') && RE_SKIPPED.test(line)) this.counted.skipped++;
  }

  private onEtaTail(line: string): void {
    const m = RE_ETA_TAIL.exec(line);
    if (!m) return;
    const t = Number(m[3]);
    this.etaTotal = t;
    // "msgs left" can jump and is recomputed per folder; progress must never go backwards.
    const done = t - Number(m[2]);
    if (done > this.etaDone) this.etaDone = done;
  }

  private onFolder(line: string): void {
    const head = RE_FOLDER_HEAD.exec(line);
    if (!head) return;
    const rest = line.slice(head[0].length);
    const arrow = RE_FOLDER_ARROW.exec(rest);
    if (!arrow) return;
    this.folderIndex = Number(head[1]);
    this.folderCount = Number(head[2]);
    this.currentFolder = decodeMailboxName(rawOf(rest.slice(0, arrow.index)));
    this.counted.foldersSeen++;
  }

  // "Host1 folder 1/8 [raw] = [utf8] Size: … Messages: …" / "Host2 folder 1/8 [raw]  does not exist yet",
  // and the totals, between "Folders sizes before" and the loop.
  private onSizing(line: string): void {
    const head = RE_SIZES_HEAD.exec(line);
    if (!head) {
      const total = RE_HOST_TOTAL.exec(line);
      if (!total) return;
      const n = Number(total[2]);
      if (total[1] === 'Nb messages') this.host1Messages = n;
      else if (total[1] === 'Total size') this.host1Bytes = n;
      else this.host1Folders = n;
      return;
    }
    const index = Number(head[2]);
    const entry = this.sizing.get(index) ?? {};
    if (head[1] === '2') {
      if (line.endsWith(' does not exist yet')) entry.missingOnHost2 = true;
    } else {
      const sizes = RE_SIZES_TAIL.exec(line);
      if (sizes) entry.messages = Number(sizes[2]);
    }
    if (this.sizing.size < 10_000) this.sizing.set(index, entry);
  }

  private onIgnoringFolder(line: string): void {
    if (!line.endsWith(IGNORING_TAIL) || this.ignoredFolders.length >= MAX_NAMES_KEPT) return;
    const name = readableFolderName(line.slice(IGNORING_HEAD.length, -IGNORING_TAIL.length));
    if (!this.ignoredFolders.includes(name)) this.ignoredFolders.push(name);
  }

  private onNotSimulated(line: string): void {
    if (!line.endsWith(NOT_SIMULATED_TAIL) || this.notSimulated.size >= MAX_NAMES_KEPT) return;
    this.dryRun = true;
    this.notSimulated.add(decodeMailboxName(line.slice(NOT_SIMULATED_HEAD.length, -NOT_SIMULATED_TAIL.length)));
  }

  private onIgnored(line: string): void {
    if (RE_IGNORED.test(line)) this.counted.ignored++;
  }

  private onExiting(line: string): void {
    const m = RE_EXITING.exec(line);
    if (!m) return;
    this.reportedReturnValue = Number(m[1]);
    this.reportedErrors = Number(m[3]);
  }

  private onMostFrequent(line: string): void {
    const m = RE_MOST_FREQUENT.exec(line);
    if (m) this.mostFrequentError = m[1] ?? null;
  }

  private addErrorOnce(line: string): void {
    if (this.errorLines.includes(clip(line))) return;
    this.keepErrorLine(line);
  }

  private addError(line: string): void {
    this.counted.errors++;
    this.keepErrorLine(line);
  }

  private keepErrorLine(line: string): void {
    if (this.errorLines.length >= MAX_ERRORS_KEPT) this.errorLines.shift();
    this.errorLines.push(clip(line));
  }

  // "Key<padding>: value" lines of the Statistics block.
  private onStatsLine(line: string): void {
    const sep = line.indexOf(': ');
    if (sep < 0) return;
    const key = line.slice(0, sep).trimEnd();
    const value = line.slice(sep + 2);
    const b = this.block;
    switch (key) {
      case 'Transfer time': {
        const m = RE_FIRST_NUM.exec(value);
        if (m) b.transferTimeSec = Number(m[0]);
        return;
      }
      case 'Folders synced': {
        const m = /^(\d{1,9})\/(\d{1,9})/.exec(value);
        if (m) {
          b.foldersSynced = Number(m[1]);
          b.foldersTotal = Number(m[2]);
        }
        return;
      }
      case 'Messages transferred': {
        b.transferred = firstInt(value);
        const could = RE_COULD_BE.exec(value);
        if (could) {
          this.dryRun = true;
          b.couldBe = Number(could[1]);
        }
        return;
      }
      case 'Messages skipped':
        b.skipped = firstInt(value);
        return;
      case 'Messages found in host1 not in host2':
        b.foundInHost1NotInHost2 = firstInt(value);
        return;
      case 'Total bytes transferred':
        b.bytesTransferred = firstInt(value);
        return;
      case 'Total bytes skipped':
        b.bytesSkipped = firstInt(value);
        return;
      case 'Reconnections to host1':
        b.reconnections1 = firstInt(value);
        return;
      case 'Reconnections to host2':
        b.reconnections2 = firstInt(value);
        return;
      case 'CPU time and %cpu': {
        const m = RE_FIRST_NUM.exec(value);
        if (m) b.cpuSec = Number(m[0]);
        return;
      }
    }
  }
}
