import { describe, expect, it } from 'vitest';
import type { ExitClass, RunProgress } from '@app/shared/schemas/imapsync';
import { ImapsyncParser } from '../../src/imapsync/imapsync-parser.ts';
import { exitFromShellStatus } from '../../src/imapsync/classify-exit.ts';
import { fixtureNames, readFixtureLines, readFixtureStatus } from '../fixture-files.ts';

// What each captured run must map to.
const EXPECTED: Record<string, ExitClass> = {
  '01-success': 'succeeded',
  '02-rerun-incremental': 'succeeded',
  '03-wrong-source-password': 'auth_source',
  '04-wrong-dest-password': 'auth_dest',
  '05-source-connection-refused': 'connect_source',
  '05b-dest-connection-refused': 'connect_dest',
  '05d-tls1-forced-no-starttls': 'tls',
  '05f-missing-passfile': 'config',
  '05g-usage-error-unknown-option': 'usage',
  '05h-no-password-given-stdin-devnull': 'auth_source',
  '06-dry': 'succeeded',
  '06b-dry-after-justfolders': 'succeeded',
  '07-justfolders': 'succeeded',
  '08-justlogin': 'succeeded',
  '08b-justlogin-no-ssl-tls-flags': 'succeeded',
  '09-sigterm-midway': 'cancelled',
  '09b-sigterm-nodockercontext': 'cancelled',
  '09c-sigint-once-nodockercontext': 'succeeded',
  '09d-sigint-dockercontext': 'cancelled',
  '09e-abortfile-graceful': 'cancelled',
  '09f-sigkill': 'interrupted',
  '09g-stale-pidfile-pidfilelocking': 'succeeded',
  '09h-lock-holder': 'succeeded',
  '09h-second-run-pidfilelocking': 'locked',
  '09i-abort-option-caller': 'succeeded',
  '09i-aborted-by-abort-option': 'cancelled',
  '10b-dest-overquota': 'quota',
  '10c-dest-message-too-big': 'append',
  '11a-throughput-5000-small': 'succeeded',
  '11c-rerun-5000-nothing-to-do': 'succeeded',
  '11d-throughput-5000-small-nofoldersizes': 'succeeded',
  '12-justfoldersizes': 'succeeded',
  '12b-debugimap-one-folder': 'succeeded',
  '13a-logfile-docker-no-log-flag': 'succeeded',
  '13b-logfile-docker-with-log': 'succeeded',
  '13c-logfile-absolute-path-default-logdir': 'succeeded',
  '13d-nodockercontext-default-logging': 'succeeded',
  '14-messages-without-message-id': 'succeeded',
  '14b-messages-without-message-id-addheader': 'succeeded',
  '15b-dest-server-down-midway': 'append',
  '16a-dry-run-fresh-destination': 'succeeded',
  '16b-dry-run-synced-destination': 'succeeded',
  '17a-folder-filter-utf8-name-ignored': 'succeeded',
  '17b-folder-filter-ampersand-name-ignored': 'succeeded',
  '17c-exclude-utf8-name-not-excluded': 'succeeded',
};

// Runs the lab stopped on purpose by TERM, INT or `imapsync --abort` (QUIT) stand for a stop we asked for;
// the SIGKILL run stands for a kill we did not ask for.
const STOP_REQUESTED = new Set(['09-sigterm-midway', '09b-sigterm-nodockercontext', '09d-sigint-dockercontext', '09i-aborted-by-abort-option']);

function parse(name: string) {
  const parser = new ImapsyncParser();
  for (const line of readFixtureLines(name)) parser.push(line);
  const stopRequested = STOP_REQUESTED.has(name);
  return { parser, result: parser.finish(exitFromShellStatus(readFixtureStatus(name)), { stopRequested }) };
}

/** The Statistics block read independently of the parser, with the report's regexes. */
function blockFigures(lines: string[]) {
  const start = lines.indexOf('++++ Statistics');
  if (start < 0) return null;
  const rest = lines.slice(start);
  const grab = (re: RegExp): string[] => {
    for (const l of rest) {
      const m = re.exec(l);
      if (m) return m.slice(1).map((g) => g ?? '');
    }
    throw new Error(`missing ${re}`);
  };
  const [synced, total] = grab(/^Folders synced\s+: (\d+)\/(\d+) synced$/);
  return {
    transferred: Number(grab(/^Messages transferred\s+: (\d+) (?:\(could be (\d+) without dry mode\))?$/)[0]),
    skipped: Number(grab(/^Messages skipped\s+: (\d+)$/)[0]),
    bytesTransferred: Number(grab(/^Total bytes transferred\s+: (\d+) \((.+)\)$/)[0]),
    bytesSkipped: Number(grab(/^Total bytes skipped\s+: (\d+) \((.+)\)$/)[0]),
    foldersSynced: Number(synced),
    foldersTotal: Number(total),
    errors: Number(grab(/^Detected (\d+) errors$/)[0]),
  };
}

function copiedLines(lines: string[]) {
  const copied = lines.filter((l) => l.startsWith('msg ') && / \{\d+\}\s+copied to /.test(l));
  const bytes = copied.reduce((sum, l) => sum + Number(/\/\d+ \{(\d+)\}/.exec(l)?.[1]), 0);
  return { count: copied.length, bytes };
}

const names = fixtureNames();

describe('ImapsyncParser over every captured run', () => {
  it('has an expectation for every fixture log', () => {
    expect(names.length).toBe(45);
    expect(names.filter((n) => !(n in EXPECTED))).toEqual([]);
  });

  it.each(names)('%s maps its exit to the expected class', (name) => {
    expect(parse(name).result.exitClass).toBe(EXPECTED[name]);
  });

  it.each(names)('%s: figures equal the Statistics block, or are derived from copied lines', (name) => {
    const lines = readFixtureLines(name);
    const { result, parser } = parse(name);
    const block = blockFigures(lines);
    const copied = copiedLines(lines);
    if (block) {
      expect(result.statisticsPresent).toBe(true);
      expect(result.stats).toMatchObject(block);
      // The copied lines are an independent source for the same figures (report §1).
      expect(parser.counts().copied).toBe(block.transferred);
      expect(parser.counts().bytesCopied).toBe(block.bytesTransferred);
    } else {
      expect(result.statisticsPresent).toBe(false);
      expect(result.verdictOk).toBe(false);
      expect(result.stats.transferred).toBe(copied.count);
      expect(result.stats.bytesTransferred).toBe(copied.bytes);
    }
  });
});

describe('ImapsyncParser details', () => {
  it('01-success: progress is monotonic and ends complete', () => {
    const parser = new ImapsyncParser();
    const seen: RunProgress[] = [];
    for (const line of readFixtureLines('01-success')) {
      parser.push(line);
      seen.push(parser.progress());
    }
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(b.messagesDone).toBeGreaterThanOrEqual(a.messagesDone);
      expect(b.bytesDone).toBeGreaterThanOrEqual(a.bytesDone);
      expect(b.folderIndex).toBeGreaterThanOrEqual(a.folderIndex);
    }
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ messagesDone: 300, messagesTotal: 300, bytesDone: 12017210, bytesTotal: 12017210, folderIndex: 8, folderCount: 8, errors: 0 });
    // Folder names with spaces and mUTF-7 are reported in their UTF-8 form.
    expect(seen.map((p) => p.currentFolder)).toContain('Réunions été');
    expect(seen.map((p) => p.currentFolder)).toContain('Old Stuff');
    const r = parser.finish({ code: 0, signal: null });
    expect(r).toMatchObject({ exitClass: 'succeeded', verdictOk: true, dryRun: false });
    expect(r.stats).toMatchObject({ transferred: 300, bytesTransferred: 12017210, foldersSynced: 8, foldersTotal: 8, transferTimeSec: 1.1, cpuSec: 0.85, foundInHost1NotInHost2: 0 });
  });

  it('02-rerun-incremental: progress comes from ETA lines only', () => {
    const parser = new ImapsyncParser();
    const done: number[] = [];
    for (const line of readFixtureLines('02-rerun-incremental')) {
      parser.push(line);
      done.push(parser.progress().messagesDone);
    }
    expect(new Set(done)).toEqual(new Set([0, 20, 30, 80, 200, 210, 240, 300]));
    // Nothing was copied, and all 11.5 MiB were already there: the mailbox is done, not "0 B of 11.5 MiB".
    expect(parser.progress()).toMatchObject({ messagesDone: 300, messagesTotal: 300, bytesDone: 12017210, bytesTotal: 12017210 });
    const r = parser.finish({ code: 0, signal: null });
    expect(r.stats).toMatchObject({ transferred: 0, skipped: 300, bytesSkipped: 12017210 });
    expect(r.verdictOk).toBe(true);
  });

  it('11d (--nofoldersizes): counts messages without any total', () => {
    const { parser, result } = parse('11d-throughput-5000-small-nofoldersizes');
    expect(parser.progress()).toMatchObject({ messagesDone: 5000, messagesTotal: null, etaSeconds: null });
    expect(result.stats.transferred).toBe(5000);
  });

  it('06-dry: dry run is detected and counts simulated copies', () => {
    const { parser, result } = parse('06-dry');
    expect(result.dryRun).toBe(true);
    expect(result.stats.transferred).toBe(0);
    expect(parser.counts().dryCopies).toBe(120);
    // A dry run never says "looks good"; it ran through without errors, which is what a dry run can tell.
    expect(result.verdictOk).toBe(true);
    expect(result.stats.dry).toMatchObject({ wouldCopy: 300, notSimulatedMessages: 180 });
    expect(result.stats.dry?.notSimulatedFolders).toHaveLength(7);
    // The bytes of the mailbox are not "done" by a dry run.
    expect(parser.progress().bytesDone).toBe(0);
  });

  it('16a: a dry run to a fresh destination says what it would copy and which folders it did not simulate', () => {
    const { result } = parse('16a-dry-run-fresh-destination');
    expect(result).toMatchObject({ exitClass: 'succeeded', dryRun: true, verdictOk: true });
    // "Messages transferred : 0 (could be 303 without dry mode)"; nothing was skipped, so all 24.1 MiB.
    expect(result.stats.dry).toEqual({
      wouldCopy: 303,
      wouldCopyBytes: 25321276,
      // Distinct destination folders (Archive is named twice: once itself, once as Archive.2023's parent).
      notSimulatedFolders: ['Проекты', 'Archive', 'Archive.2023', 'Empty', 'Old Stuff', 'Réunions été', 'Sent'],
      notSimulatedMessages: 181,
    });
    expect(result.stats.ignoredFolders).toEqual([]);
  });

  it('16b: a dry run after a sync would copy the 7 new messages (18 KB) and simulates every folder', () => {
    const { parser, result } = parse('16b-dry-run-synced-destination');
    expect(parser.counts().dryCopies).toBe(7);
    expect(result.stats.dry).toEqual({ wouldCopy: 7, wouldCopyBytes: 18464, notSimulatedFolders: [], notSimulatedMessages: 0 });
    expect(result.stats).toMatchObject({ transferred: 0, skipped: 303 });
    expect(result.verdictOk).toBe(true);
  });

  it('17a/17b: a folder asked for but ignored by imapsync makes the verdict not clean, naming the folder', () => {
    const a = parse('17a-folder-filter-utf8-name-ignored').result;
    // Exit 0 and "The sync looks good" for what it did copy: the folder that was asked for was never looked at.
    expect(a.exitClass).toBe('succeeded');
    expect(readFixtureLines('17a-folder-filter-utf8-name-ignored')).toContain('The sync looks good, all 137 identified messages in host1 are on host2.');
    expect(a.stats.ignoredFolders).toEqual(['Проекты']);
    expect(a.verdictOk).toBe(false);
    const b = parse('17b-folder-filter-ampersand-name-ignored').result;
    expect(b.stats.ignoredFolders).toEqual(['R&D']);
    expect(b.verdictOk).toBe(false);
  });

  it('reads an ignored raw (modified UTF-7) name in its readable form', () => {
    const parser = new ImapsyncParser();
    parser.push('Host1: warning! ignoring folder &BB8EQAQ+BDUEOgRCBEs- because it is not in host1 whole folders list.');
    parser.push('Host1: warning! ignoring folder Archvie because it is not in host1 whole folders list.');
    expect(parser.finish({ code: 0, signal: null }).stats.ignoredFolders).toEqual(['Проекты', 'Archvie']);
  });

  it('ETA: computed from this run\'s observed pace, not imapsync\'s estimate', () => {
    let now = 0;
    const parser = new ImapsyncParser(() => now);
    parser.push('Host1 Nb messages:                  400 messages');
    parser.push('Folders sizes before the synchronization. It can take some time. Be patient.');
    parser.push('Host1 Nb messages:                  400 messages');
    parser.push('++++ Looping on each one of 2 folders to sync');
    // A resumed run: the first 200 were already there (one ETA jump), imapsync guesses 622 s for the rest.
    parser.push('ETA: Sunday 06 December 2026-12-06 19:07:57 +0000 UTC  622 s  400/400 msgs left');
    now = 1000;
    expect(parser.progress().etaSeconds).toBeNull(); // too little seen yet
    now = 10_000;
    parser.push('ETA: Sunday 06 December 2026-12-06 19:08:07 +0000 UTC  622 s  100/400 msgs left');
    // 300 processed in 10 s → 100 left take 3.4 s at this run's pace.
    expect(parser.progress()).toMatchObject({ messagesDone: 300, messagesTotal: 400, etaSeconds: 4 });
    parser.push('++++ End looping on each folder');
    expect(parser.progress().etaSeconds).toBeNull();
  });

  it('10c: append errors are counted and classified', () => {
    const { parser, result } = parse('10c-dest-message-too-big');
    expect(result).toMatchObject({ exitClass: 'append', mostFrequentError: 'ERR_APPEND', reportedReturnValue: 114 });
    expect(result.stats.errors).toBe(19);
    expect(parser.progress().errors).toBe(19);
    expect(parser.progress().lastErrors).toHaveLength(10);
    expect(result.errors.every((e) => e.length <= 501)).toBe(true);
  });

  it('10b (errorsmax, no Statistics): errors come from the failure lines', () => {
    const { result } = parse('10b-dest-overquota');
    expect(result).toMatchObject({ exitClass: 'quota', mostFrequentError: 'ERR_OVERQUOTA', statisticsPresent: false });
    expect(result.stats.errors).toBe(50);
    expect(result.errors.filter((e) => e.startsWith('Maximum number of errors'))).toHaveLength(1);
    expect(result.stats.transferred).toBeGreaterThan(0);
  });

  it('09f (SIGKILL): no Statistics, figures from the copied lines', () => {
    const { result } = parse('09f-sigkill');
    expect(result).toMatchObject({ exitClass: 'interrupted', statisticsPresent: false, verdictOk: false, reportedReturnValue: null });
    expect(result.stats.transferred).toBe(60);
  });

  it('09: a signal death printing "return value 6" is an interruption unless we asked', () => {
    const lines = readFixtureLines('09-sigterm-midway');
    const a = new ImapsyncParser();
    for (const l of lines) a.push(l);
    const unasked = a.finish({ code: null, signal: 'SIGTERM' }, { stopRequested: false });
    expect(unasked).toMatchObject({ exitClass: 'interrupted', reportedReturnValue: 6, verdictOk: false });
    expect(unasked.stats).toMatchObject({ transferred: 100, foldersSynced: 5, foldersTotal: 8, foundInHost1NotInHost2: 101 });
    expect(a.finish({ code: null, signal: 'SIGTERM' }, { stopRequested: true }).exitClass).toBe('cancelled');
  });

  it('03: the login failure is the reported error', () => {
    const { result } = parse('03-wrong-source-password');
    expect(result.errors[0]).toMatch(/^Host1 failure: Error login on \[127\.0\.0\.1\] with user \[alice\]/);
    expect(result.stats.errors).toBe(1);
  });

  it('14: ignored messages count as processed, not as errors', () => {
    const { parser, result } = parse('14-messages-without-message-id');
    expect(parser.counts().ignored).toBe(3);
    expect(result.exitClass).toBe('succeeded');
    expect(result.stats.errors).toBe(0);
  });

  it('accepts CRLF line endings', () => {
    const parser = new ImapsyncParser();
    parser.push('Folder     3/8 [Archive/2023]                      -> [Archive.2023]\r');
    expect(parser.progress()).toMatchObject({ currentFolder: 'Archive/2023', folderIndex: 3, folderCount: 8 });
  });
});
