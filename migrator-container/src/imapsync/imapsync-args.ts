import { isIP } from 'node:net';
import { encodeMailboxName } from '@app/functions/worker';
import { ImapsyncArgumentError } from './imapsync-argument-error.ts';

export type ImapEndpoint = {
  /** The server's name as configured: used for the certificate check and SNI, never for a DNS lookup. */
  host: string;
  /**
   * The IP address the address policy checked (ssrf-guard's resolveImapTarget). imapsync connects here and
   * nowhere else: given a name it would resolve it again, and a second DNS answer could point elsewhere.
   */
  address: string;
  port: number;
  user: string;
  tls: 'ssl' | 'starttls' | 'none';
  verifyCert: boolean;
};

export type ImapsyncRunOptions = {
  dry?: boolean;
  /**
   * Exact folder names to sync, as a person reads them (`Проекты`, `R&D`); all folders when absent or empty.
   * Passed as --folder in their raw IMAP form (modified UTF-7), the only form imapsync matches.
   */
  includeFolders?: string[];
  /** Exact folder names to skip; each becomes an anchored --exclude regex over the escaped raw name. */
  excludeFolders?: string[];
  maxSizeBytes?: number;
  justLogin?: boolean;
};

export type ImapsyncArgsInput = {
  source: ImapEndpoint;
  dest: ImapEndpoint;
  passfile1: string;
  passfile2: string;
  pidfile: string;
  tmpdir: string;
  options: ImapsyncRunOptions;
};

const CONTROL = /[\r\n\0]/;
const HOST = /^[A-Za-z0-9.:[\]_-]+$/;
// Perl's quotemeta: every character but [A-Za-z0-9_] is backslash-escaped, so the pattern matches one name
// literally. Raw names are ASCII, so this is exact (Perl reads `\&` as `&`, `\ ` as a space).
const QUOTEMETA = /[^A-Za-z0-9_]/g;

function checkText(field: string, value: string): void {
  if (value === '') throw new ImapsyncArgumentError(field, 'must not be empty');
  // A leading '-' could be read as another option; CR/LF/NUL would break the command line or the log.
  if (value.startsWith('-')) throw new ImapsyncArgumentError(field, "must not start with '-'");
  if (CONTROL.test(value)) throw new ImapsyncArgumentError(field, 'must not contain CR, LF or NUL');
}

function checkEndpoint(side: 'source' | 'dest', e: ImapEndpoint): void {
  checkText(`${side}.host`, e.host);
  if (!HOST.test(e.host)) throw new ImapsyncArgumentError(`${side}.host`, 'is not a host name or IP address');
  if (isIP(e.address) === 0) throw new ImapsyncArgumentError(`${side}.address`, 'must be the checked IP address');
  checkText(`${side}.user`, e.user);
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) throw new ImapsyncArgumentError(`${side}.port`, 'must be 1-65535');
  if (!['ssl', 'starttls', 'none'].includes(e.tls)) throw new ImapsyncArgumentError(`${side}.tls`, 'must be ssl, starttls or none');
}

/** Throws ImapsyncArgumentError unless a password can be stored as the first line of a passfile. */
export function checkPassword(field: string, password: string): void {
  if (password === '') throw new ImapsyncArgumentError(field, 'must not be empty');
  if (CONTROL.test(password)) throw new ImapsyncArgumentError(field, 'must not contain CR, LF or NUL');
}

/** The host as a bare IP when it is one (`[::1]` → `::1`), else undefined. */
const literalIp = (host: string): string | undefined => {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) ? bare : undefined;
};

function sideArgs(n: 1 | 2, e: ImapEndpoint, passfile: string): string[] {
  const args = [`--host${n}`, e.address, `--port${n}`, String(e.port), `--user${n}`, e.user, `--passfile${n}`, passfile];
  // Always explicit: without a flag imapsync probes port 993 and upgrades to STARTTLS when offered.
  if (e.tls === 'ssl') args.push(`--ssl${n}`);
  else if (e.tls === 'starttls') args.push(`--tls${n}`);
  else args.push(`--nossl${n}`, `--notls${n}`);
  if (e.tls !== 'none') {
    // --sslargsN is a Getopt hash option (`sslargs1=s%`): each repetition adds one IO::Socket::SSL argument.
    // imapsync does not verify certificates unless told to.
    if (e.verifyCert) args.push(`--sslargs${n}`, 'SSL_verify_mode=1');
    // imapsync connects to the pinned address, so the name travels separately: SNI and the certificate's name.
    // An IP literal needs neither (IO::Socket::SSL checks the address itself; SNI never carries an IP).
    if (literalIp(e.host) === undefined) {
      args.push(`--sslargs${n}`, `SSL_hostname=${e.host}`, `--sslargs${n}`, `SSL_verifycn_name=${e.host}`);
      // An explicit scheme (IMAP's, RFC 2595) makes the name check certain rather than left to the default scheme.
      if (e.verifyCert) args.push(`--sslargs${n}`, 'SSL_verifycn_scheme=imap');
    }
  }
  args.push(`--timeout${n}`, '60');
  return args;
}

/**
 * The --exclude pattern for one folder: imapsync matches it against each raw (modified UTF-7) name, so the raw
 * name is escaped and anchored (`Réunions été` → `^R\&AOk\-unions\ \&AOk\-t\&AOk\-$`, as verified with imapsync).
 */
export function excludeRegex(folder: string): string {
  return `^${encodeMailboxName(folder).replace(QUOTEMETA, (c) => `\\${c}`)}$`;
}

/** The exact imapsync argv (without the command). Passwords never appear: only passfile paths. */
export function buildImapsyncArgs(input: ImapsyncArgsInput): string[] {
  checkEndpoint('source', input.source);
  checkEndpoint('dest', input.dest);
  const o = input.options;
  const args = [
    ...sideArgs(1, input.source, input.passfile1),
    ...sideArgs(2, input.dest, input.passfile2),
    '--nolog',
    '--pidfile', input.pidfile,
    '--pidfilelocking',
    '--tmpdir', input.tmpdir,
    '--noreleasecheck',
    '--nodockercontext',
  ];
  if (o.justLogin) args.push('--justlogin');
  if (o.dry) args.push('--dry');
  for (const f of o.includeFolders ?? []) {
    checkText('includeFolders', f);
    args.push('--folder', encodeMailboxName(f));
  }
  for (const f of o.excludeFolders ?? []) {
    checkText('excludeFolders', f);
    args.push('--exclude', excludeRegex(f));
  }
  if (o.maxSizeBytes !== undefined) {
    if (!Number.isSafeInteger(o.maxSizeBytes) || o.maxSizeBytes < 1) throw new ImapsyncArgumentError('maxSizeBytes', 'must be a positive integer');
    args.push('--maxsize', String(o.maxSizeBytes));
  }
  return args;
}
