import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunProgress } from '@app/shared/schemas/imapsync';
import { buildImapsyncArgs, type ImapEndpoint } from '../../src/imapsync/imapsync-args.ts';
import { ImapsyncArgumentError } from '../../src/imapsync/imapsync-argument-error.ts';
import { ImapsyncSpawnError } from '../../src/imapsync/imapsync-spawn-error.ts';
import { runImapsync, type RunImapsyncOptions } from '../../src/imapsync/run-imapsync.ts';
import { STAND_IN } from '../stand-in-path.ts';

// `address` is what the SSRF guard checked: imapsync connects there, the name is only for SNI and the certificate.
const SOURCE: ImapEndpoint = { host: 'imap.example.org', address: '93.184.216.34', port: 993, user: 'alice@example.org', tls: 'ssl', verifyCert: true };
const DEST: ImapEndpoint = { host: 'imap.purelymail.com', address: '2606:4700::6810:1', port: 143, user: 'alice@new.example', tls: 'starttls', verifyCert: false };
// Spaces, quotes, shell and non-ASCII characters: must reach imapsync byte-exact through the passfile.
const PASSWORDS = { source: 'sôurce pa$$ `w0rd` "x"', dest: "dést-'secret' ;|&" };

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'run-imapsync-'));
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

function options(fixture: string, extra: Partial<RunImapsyncOptions> = {}, env: Record<string, string> = {}): RunImapsyncOptions {
  return {
    command: STAND_IN,
    source: SOURCE,
    dest: DEST,
    passwords: PASSWORDS,
    workDir: join(base, 'work'),
    options: {},
    env: { IMAPSYNC_STANDIN_FIXTURE: fixture, IMAPSYNC_STANDIN_SPEED: '0', IMAPSYNC_STANDIN_ARGV_LOG: join(base, 'argv.json'), ...env },
    ...extra,
  };
}

type ArgvLog = { argv: string[]; env: Record<string, string>; passfiles: Record<string, { path: string; mode: string; firstLineSha256: string }> };
const readArgvLog = (): ArgvLog => JSON.parse(readFileSync(join(base, 'argv.json'), 'utf8')) as ArgvLog;
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

function copiedCount(lines: string[]): number {
  return lines.filter((l) => / \{\d+\}\s+copied to /.test(l)).length;
}

describe('buildImapsyncArgs', () => {
  it('builds the exact argv, with passfile paths and never a password', () => {
    const args = buildImapsyncArgs({
      source: SOURCE,
      dest: { ...DEST, tls: 'none' },
      passfile1: '/w/source.pass',
      passfile2: '/w/dest.pass',
      pidfile: '/w/imapsync.pid',
      tmpdir: '/w/tmp',
      options: { dry: true, includeFolders: ['INBOX', 'Old Stuff'], excludeFolders: ['Spam.2024 (old)'], maxSizeBytes: 50_000_000 },
    });
    expect(args).toEqual([
      '--host1', '93.184.216.34', '--port1', '993', '--user1', 'alice@example.org', '--passfile1', '/w/source.pass',
      '--ssl1', '--sslargs1', 'SSL_verify_mode=1',
      '--sslargs1', 'SSL_hostname=imap.example.org', '--sslargs1', 'SSL_verifycn_name=imap.example.org', '--sslargs1', 'SSL_verifycn_scheme=imap',
      '--timeout1', '60',
      '--host2', '2606:4700::6810:1', '--port2', '143', '--user2', 'alice@new.example', '--passfile2', '/w/dest.pass',
      '--nossl2', '--notls2', '--timeout2', '60',
      '--nolog', '--pidfile', '/w/imapsync.pid', '--pidfilelocking', '--tmpdir', '/w/tmp', '--noreleasecheck', '--nodockercontext',
      '--dry', '--folder', 'INBOX', '--folder', 'Old Stuff', '--exclude', String.raw`^Spam\.2024\ \(old\)$`, '--maxsize', '50000000',
    ]);
  });

  it('passes folder names in their raw IMAP form (modified UTF-7): --folder exact, --exclude escaped and anchored', () => {
    const args = buildImapsyncArgs({
      source: SOURCE,
      dest: DEST,
      passfile1: '/w/source.pass',
      passfile2: '/w/dest.pass',
      pidfile: '/w/imapsync.pid',
      tmpdir: '/w/tmp',
      options: { includeFolders: ['Проекты', 'R&D', 'Archive/2023'], excludeFolders: ['Réunions été', 'R&D'] },
    });
    // 17a/17b: given `Проекты` or `R&D` imapsync ignored the folder; the raw names are what it matches (report §5b).
    expect(args.slice(args.indexOf('--nodockercontext') + 1)).toEqual([
      '--folder', '&BB8EQAQ+BDUEOgRCBEs-', '--folder', 'R&-D', '--folder', 'Archive/2023',
      // 17c: built from the UTF-8 name the pattern matched nothing; this is the pattern verified against imapsync.
      '--exclude', String.raw`^R\&AOk\-unions\ \&AOk\-t\&AOk\-$`, '--exclude', String.raw`^R\&\-D$`,
    ]);
  });

  it('uses --tls with no certificate check when asked, still sending the name for SNI', () => {
    const args = buildImapsyncArgs({ source: DEST, dest: DEST, passfile1: 'a', passfile2: 'b', pidfile: 'p', tmpdir: 't', options: { justLogin: true } });
    expect(args.slice(0, 14)).toEqual([
      '--host1', '2606:4700::6810:1', '--port1', '143', '--user1', 'alice@new.example', '--passfile1', 'a',
      '--tls1', '--sslargs1', 'SSL_hostname=imap.purelymail.com', '--sslargs1', 'SSL_verifycn_name=imap.purelymail.com', '--timeout1',
    ]);
    expect(args).not.toContain('SSL_verify_mode=1');
    expect(args).toContain('--justlogin');
  });

  it('an IP-literal host: the address itself, no SNI or name arguments (the certificate is checked against the IP)', () => {
    const ipHost: ImapEndpoint = { host: '[2606:4700::6810:1]', address: '2606:4700::6810:1', port: 993, user: 'u', tls: 'ssl', verifyCert: true };
    const args = buildImapsyncArgs({ source: ipHost, dest: ipHost, passfile1: 'a', passfile2: 'b', pidfile: 'p', tmpdir: 't', options: {} });
    expect(args.slice(0, 13)).toEqual(['--host1', '2606:4700::6810:1', '--port1', '993', '--user1', 'u', '--passfile1', 'a', '--ssl1', '--sslargs1', 'SSL_verify_mode=1', '--timeout1', '60']);
  });

  it('never passes a host name to imapsync: the address must be an IP', () => {
    const err = (() => {
      try {
        return buildImapsyncArgs({ source: { ...SOURCE, address: 'imap.example.org' }, dest: DEST, passfile1: 'a', passfile2: 'b', pidfile: 'p', tmpdir: 't', options: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ImapsyncArgumentError);
    expect((err as ImapsyncArgumentError).field).toBe('source.address');
  });

  it.each([
    ['source.host', { source: { ...SOURCE, host: '-oProxyCommand=x' } }],
    ['source.host', { source: { ...SOURCE, host: 'a b' } }],
    ['source.user', { source: { ...SOURCE, user: '--password1' } }],
    ['dest.user', { dest: { ...DEST, user: 'bob\r\nLOGOUT' } }],
    ['dest.user', { dest: { ...DEST, user: 'bob\0' } }],
    ['dest.port', { dest: { ...DEST, port: 0 } }],
    ['includeFolders', { options: { includeFolders: ['--delete2'] } }],
    ['excludeFolders', { options: { excludeFolders: ['a\nb'] } }],
    ['passwords.source', { passwords: { source: 'pa\nss', dest: 'x' } }],
    ['passwords.dest', { passwords: { source: 'x', dest: '' } }],
  ] as const)('rejects an unsafe %s before spawning anything', async (field, patch) => {
    const opts = { ...options('01-success'), ...patch } as RunImapsyncOptions;
    const err = await runImapsync(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImapsyncArgumentError);
    expect((err as ImapsyncArgumentError).field).toBe(field);
    expect((err as Error).message).not.toMatch(/LOGOUT|pa\nss|ProxyCommand/);
    expect(existsSync(join(base, 'work'))).toBe(false);
    expect(existsSync(join(base, 'argv.json'))).toBe(false);
  });
});

describe('runImapsync against the stand-in', () => {
  it('01-success end to end: progress, final stats, secrets only in 0600 passfiles that are gone afterwards', async () => {
    const progress: RunProgress[] = [];
    const result = await runImapsync(options('01-success', { onProgress: (p) => progress.push(p), progressIntervalMs: 0 }));
    expect(result).toMatchObject({ exitClass: 'succeeded', exitCode: 0, signal: null, verdictOk: true, statisticsPresent: true });
    expect(result.stats).toMatchObject({ transferred: 300, bytesTransferred: 12017210, foldersSynced: 8, foldersTotal: 8, errors: 0 });
    expect(progress.length).toBeGreaterThan(300);
    expect(progress.at(-1)).toMatchObject({ messagesDone: 300, messagesTotal: 300, bytesDone: 12017210 });
    expect(result.logTail.at(-1)).toBe('No log file because of option --nolog');

    const log = readArgvLog();
    const work = join(base, 'work');
    expect(log.argv).toEqual(
      buildImapsyncArgs({
        source: SOURCE, dest: DEST, passfile1: join(work, 'source.pass'), passfile2: join(work, 'dest.pass'),
        pidfile: join(work, 'imapsync.pid'), tmpdir: join(work, 'tmp'), options: {},
      }),
    );
    expect(log.passfiles['1']).toMatchObject({ mode: '600', firstLineSha256: sha256(PASSWORDS.source) });
    expect(log.passfiles['2']).toMatchObject({ mode: '600', firstLineSha256: sha256(PASSWORDS.dest) });
    const everything = JSON.stringify({ argv: log.argv, env: log.env });
    expect(everything).not.toContain(PASSWORDS.source);
    expect(everything).not.toContain(PASSWORDS.dest);
    expect(log.env).toMatchObject({ LC_ALL: 'C', TZ: 'UTC' });
    expect(Object.keys(log.env).some((k) => k.startsWith('IMAPSYNC_PASSWORD'))).toBe(false);

    expect(statSync(work).mode & 0o777).toBe(0o700);
    expect(readdirSync(work)).toEqual([]);
  });

  it('folder filters by their readable names reach the right folders (the stand-in matches raw names like imapsync)', async () => {
    const only = await runImapsync(options('01-success', { options: { includeFolders: ['Проекты', 'Old Stuff'] } }));
    // Without the raw name imapsync ignores `Проекты` and copies only Old Stuff (17a).
    expect(only.stats).toMatchObject({ transferred: 30, foldersSynced: 2, foldersTotal: 2, ignoredFolders: [] });
    expect(only.verdictOk).toBe(true);
    const skip = await runImapsync(options('01-success', { options: { excludeFolders: ['Réunions été'] } }));
    // 17c: a pattern built from the UTF-8 name excluded nothing (300 copied).
    expect(skip.stats).toMatchObject({ transferred: 270, foldersSynced: 7, foldersTotal: 7 });
    const typo = await runImapsync(options('01-success', { options: { includeFolders: ['Archvie', 'INBOX'] } }));
    expect(typo.stats).toMatchObject({ transferred: 120, ignoredFolders: ['Archvie'] });
    expect(typo).toMatchObject({ exitClass: 'succeeded', verdictOk: false });
  });

  it('throttles progress to the interval, plus a final call', async () => {
    const progress: RunProgress[] = [];
    await runImapsync(options('01-success', { onProgress: (p) => progress.push(p), progressIntervalMs: 60_000 }));
    // One call at the first line (nothing emitted yet), one final call.
    expect(progress).toHaveLength(2);
    expect(progress[1]).toMatchObject({ messagesDone: 300 });
  });

  it('cancel via AbortSignal: the abort file stops it at the next message, exit 7 → cancelled', async () => {
    const ac = new AbortController();
    const lines: string[] = [];
    const result = await runImapsync(
      options('01-success', { signal: ac.signal, graceMs: 60_000, onLine: (l) => {
        lines.push(l);
        if (copiedCount(lines) === 5) ac.abort();
      } }, { IMAPSYNC_STANDIN_SPEED: '0.25' }),
    );
    expect(result).toMatchObject({ exitClass: 'cancelled', exitCode: 7, signal: null, reportedReturnValue: 7, statisticsPresent: true, verdictOk: false });
    expect(result.stats.transferred).toBe(copiedCount(lines));
    expect(result.stats.transferred).toBeGreaterThanOrEqual(5);
    expect(result.stats.transferred).toBeLessThan(300);
    expect(lines.some((l) => l.startsWith('Asked to terminate by file '))).toBe(true);
    expect(readdirSync(join(base, 'work'))).toEqual([]);
  });

  it('cancel escalates to SIGTERM when the abort file is ignored → cancelled', async () => {
    const ac = new AbortController();
    const lines: string[] = [];
    const result = await runImapsync(
      options('01-success', { signal: ac.signal, graceMs: 200, onLine: (l) => {
        lines.push(l);
        if (copiedCount(lines) === 5) ac.abort();
      } }, { IMAPSYNC_STANDIN_SPEED: '0.25', IMAPSYNC_STANDIN_IGNORE_ABORT: '1' }),
    );
    expect(result).toMatchObject({ exitClass: 'cancelled', exitCode: null, signal: 'SIGTERM', reportedReturnValue: 6, statisticsPresent: true });
    expect(result.stats.transferred).toBe(copiedCount(lines));
    expect(lines.some((l) => l.startsWith('Got a signal TERM'))).toBe(true);
    expect(readdirSync(join(base, 'work'))).toEqual([]);
  });

  it('cancel escalates to SIGKILL when SIGTERM is ignored too → still cancelled', async () => {
    const ac = new AbortController();
    let copied = 0;
    const result = await runImapsync(
      options('01-success', { signal: ac.signal, graceMs: 150, onLine: (l) => {
        if (/ copied to /.test(l) && ++copied === 3) ac.abort();
      } }, { IMAPSYNC_STANDIN_SPEED: '0.25', IMAPSYNC_STANDIN_IGNORE_ABORT: '1', IMAPSYNC_STANDIN_IGNORE_SIGTERM: '1' }),
    );
    expect(result).toMatchObject({ exitClass: 'cancelled', signal: 'SIGKILL', statisticsPresent: false });
    expect(readdirSync(join(base, 'work'))).toEqual([]);
  });

  it('03 wrong source password → auth_source with the failure line', async () => {
    const result = await runImapsync(options('03-wrong-source-password'));
    expect(result).toMatchObject({ exitClass: 'auth_source', exitCode: 161, statisticsPresent: false, verdictOk: false });
    expect(result.errors[0]).toMatch(/^Host1 failure: Error login/);
  });

  it('an unrequested SIGKILL is an interruption, and a retry resumes without duplicates', async () => {
    const state = join(base, 'state.jsonl');
    const first = await runImapsync(options('09f-sigkill', {}, { IMAPSYNC_STANDIN_STATE: state }));
    expect(first).toMatchObject({ exitClass: 'interrupted', signal: 'SIGKILL', statisticsPresent: false });
    expect(first.stats.transferred).toBe(60);

    const lines: string[] = [];
    const second = await runImapsync(options('01-success', { onLine: (l) => lines.push(l) }, { IMAPSYNC_STANDIN_STATE: state }));
    expect(second.exitClass).toBe('succeeded');
    expect(second.stats).toMatchObject({ transferred: 240, skipped: 60 });
    expect(second.stats.bytesTransferred + second.stats.bytesSkipped).toBe(12017210);
    const keys = readFileSync(state, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { key: string }).key);
    expect(keys).toHaveLength(300);
    expect(new Set(keys).size).toBe(300);
    expect(copiedCount(lines)).toBe(240);
  });

  it('a missing executable rejects with ImapsyncSpawnError and still removes the passfiles', async () => {
    const err = await runImapsync(options('01-success', { command: join(base, 'no-such-imapsync') })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImapsyncSpawnError);
    expect(readdirSync(join(base, 'work'))).toEqual([]);
  });
});

describe('the stand-in itself', () => {
  it.each([['--password1'], ['--password2'], ['--showpasswords']])('refuses %s (exit 64), so tests prove we never pass it', (flag) => {
    const r = spawnSync(STAND_IN, [flag, 'x'], { env: { ...process.env, IMAPSYNC_STANDIN_FIXTURE: '01-success' }, encoding: 'utf8' });
    expect(r.status).toBe(64);
  });

  it('exits 66 when a passfile is not mode 0600', () => {
    const p = join(base, 'p');
    spawnSync('sh', ['-c', `printf 'x\\n' > ${p} && chmod 644 ${p}`]);
    const r = spawnSync(STAND_IN, ['--passfile1', p, '--passfile2', p], { env: { ...process.env, IMAPSYNC_STANDIN_FIXTURE: '01-success' }, encoding: 'utf8' });
    expect(r.status).toBe(66);
    expect(r.stdout).toContain(`Failure: file from parameter --passfile1 ${p} does not exist or is not readable`);
  });
});
