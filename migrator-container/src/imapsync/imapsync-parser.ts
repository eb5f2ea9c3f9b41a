import type { RunProgress, RunResult, RunStats } from '@app/shared/schemas/imapsync';
import { classifyExit, type ProcessExit, type StopFlags } from './classify-exit.ts';

// Regexes from the imapsync lab report §7, checked against every captured run.
const SIZE = String.raw`-?[\d.]+ [KMGTP]iB`;
const ETA_TAIL = String.raw`(?: ETA: .+?  (\d+) s  (\d+)\/(\d+) msgs left)?`;
const RE_COPIED = new RegExp(
  String.raw`^msg (.+)\/(\d+) \{(\d+)\}\s+copied to (.+)\/(\S*)\s+[\d.]+ msgs\/s  ${SIZE}\/s ${SIZE} copied${ETA_TAIL} ?$`,
);
const RE_COPYING = new RegExp(String.raw`^msg (.+)\/(\d+) copying to (.+?) (\t\(not really since --dry mode\))?${ETA_TAIL}$`);
const RE_SKIPPED = /^msg (.+)\/(\d+) skipped \((\d+) (?:exceeds maxsize limit|smaller than minsize) (\d+) bytes\)$/;
const RE_ETA = /^ETA: (.+?) {2}(\d+) s {2}(\d+)\/(\d+) msgs left$/;
const RE_FOLDER = /^Folder\s+(\d+)\/(\d+) \[(.*?)\](?: = \[(.*?)\])?\s+-> \[(.*?)\](?: = \[(.*?)\])?\s*$/;
const RE_HOST_TOTAL = /^Host1 (Nb messages|Total size|Nb folders):\s+(\d+) (?:messages|bytes|folders)/;
const RE_IGNORED = /^Host1: (.+)\/(\d+) size (\d+) ignored \(no wanted headers/;
const RE_EXITING = /^Exiting with return value (\d+) \(([A-Z0-9_]+)(?:: [^)]*)?\) (\d+)\/(\d+) nb_errors\/max_errors/;
const RE_MOST_FREQUENT = /^The most frequent error is (ERR_[A-Za-z0-9_]+)\./;
const RE_FIRST_INT = /-?\d+/;
const RE_FIRST_NUM = /[\d.]+/;

const LAST_ERRORS = 10;
const MAX_ERRORS_KEPT = 200;
const MAX_ERROR_CHARS = 500;

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
 * Incremental parser of imapsync's stdout+stderr. Feed it one line at a time; most lines are rejected by
 * their first characters, so the per-line cost stays far below imapsync's own per-message CPU.
 */
export class ImapsyncParser {
  private phase: 'start' | 'preflight' | 'looping' | 'stats' = 'start';
  private host1Messages: number | null = null;
  private host1Bytes: number | null = null;
  private host1Folders: number | null = null;
  private folderIndex = 0;
  private folderCount: number | null = null;
  private currentFolder: string | null = null;
  private etaDone = 0;
  private etaTotal: number | null = null;
  private etaSeconds: number | null = null;
  private readonly counted: CountedFigures = { copied: 0, bytesCopied: 0, skipped: 0, ignored: 0, dryCopies: 0, foldersSeen: 0, errors: 0 };
  private readonly errorLines: string[] = [];
  private readonly block: StatsBlock = {};
  private statisticsPresent = false;
  private looksGood = false;
  private dryRun = false;
  private reportedReturnValue: number | null = null;
  private reportedErrors: number | null = null;
  private mostFrequentError: string | null = null;

  push(rawLine: string): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const c = line.charCodeAt(0);
    switch (c) {
      case 109: // m
        if (line.startsWith('msg ')) this.onMsg(line);
        return;
      case 69: // E
        if (line.startsWith('ETA: ')) this.onEta(line);
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
        if (line.startsWith('++++ Looping')) this.phase = 'looping';
        else if (line.startsWith('++++ Statistics')) {
          this.phase = 'stats';
          this.statisticsPresent = true;
        }
        return;
      case 72: // H
        if (this.phase === 'preflight' && line.startsWith('Host1 ')) this.onHostTotal(line);
        else if (line.startsWith('Host1: ') && line.includes(' ignored (no wanted headers')) this.onIgnored(line);
        else if (line.startsWith('Host1 failure:') || line.startsWith('Host2 failure:')) this.addError(line);
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
    return {
      currentFolder: this.currentFolder,
      folderIndex: this.folderIndex,
      folderCount: this.folderCount ?? this.host1Folders,
      messagesDone: Math.max(this.etaDone, byLines),
      messagesTotal: this.etaTotal ?? this.host1Messages,
      bytesDone: k.bytesCopied,
      bytesTotal: this.host1Bytes,
      etaSeconds: this.etaSeconds,
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

  private statsFromBlock(): RunStats {
    const b = this.block;
    const k = this.counted;
    const errors = b.detectedErrors ?? Math.max(k.errors, this.reportedErrors ?? 0);
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
      verdictOk: this.looksGood && errors === 0,
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
    };
  }

  private onMsg(line: string): void {
    // Anchor on " {SIZE}" / " copying to " / " skipped (": folder names may contain spaces and '/'.
    if (line.includes('} ')) {
      const m = RE_COPIED.exec(line);
      if (m) {
        this.counted.copied++;
        this.counted.bytesCopied += Number(m[3]);
        this.onEtaGroups(m[6], m[7], m[8]);
        return;
      }
    }
    if (line.includes(' copying to ')) {
      const m = RE_COPYING.exec(line);
      if (m) {
        if (m[4] !== undefined) {
          this.dryRun = true;
          this.counted.dryCopies++;
        }
        this.onEtaGroups(m[5], m[6], m[7]);
      }
      return;
    }
    if (line.includes(' skipped (') && RE_SKIPPED.test(line)) this.counted.skipped++;
  }

  private onEta(line: string): void {
    const m = RE_ETA.exec(line);
    if (m) this.onEtaGroups(m[2], m[3], m[4]);
  }

  private onEtaGroups(seconds: string | undefined, left: string | undefined, total: string | undefined): void {
    if (seconds === undefined || left === undefined || total === undefined) return;
    const t = Number(total);
    this.etaTotal = t;
    this.etaSeconds = Number(seconds);
    // "msgs left" can jump and is recomputed per folder; progress must never go backwards.
    const done = t - Number(left);
    if (done > this.etaDone) this.etaDone = done;
  }

  private onFolder(line: string): void {
    const m = RE_FOLDER.exec(line);
    if (!m) return;
    this.folderIndex = Number(m[1]);
    this.folderCount = Number(m[2]);
    this.currentFolder = m[4] ?? m[3] ?? null;
    this.counted.foldersSeen++;
  }

  private onHostTotal(line: string): void {
    const m = RE_HOST_TOTAL.exec(line);
    if (!m) return;
    const n = Number(m[2]);
    if (m[1] === 'Nb messages') this.host1Messages = n;
    else if (m[1] === 'Total size') this.host1Bytes = n;
    else this.host1Folders = n;
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
    if (this.errorLines.includes(line)) return;
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
        const m = /^(\d+)\/(\d+)/.exec(value);
        if (m) {
          b.foldersSynced = Number(m[1]);
          b.foldersTotal = Number(m[2]);
        }
        return;
      }
      case 'Messages transferred': {
        b.transferred = firstInt(value);
        const could = /could be (\d+) without dry mode/.exec(value);
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
