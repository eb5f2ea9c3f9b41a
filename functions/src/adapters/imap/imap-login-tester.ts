// "Test login" speaks IMAP through imapflow (loaded on the first test: few requests need it). What is ours is
// around it: the SSRF guard and the pinned address, one deadline for the whole test, and the plain reasons and
// messages an admin sees.
import type { LoginFailureReason, TestLoginResult } from '@app/shared';
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import { isIP } from 'node:net';
import type { ImapLoginTester } from '../../modules/migrations/ports.ts';
import { decodeMailboxName } from './mailbox-name.ts';
import { resolveImapTarget, type ImapTargetPolicy, type LookupAll } from './ssrf-guard.ts';

const MESSAGES: Record<LoginFailureReason, string> = {
  dns: 'The server name does not resolve (DNS).',
  refused: 'The server refused the connection: check the host and the port.',
  timeout: 'The server did not answer in time: check the host, the port and any firewall.',
  tls: 'The secure connection failed: check the TLS mode (implicit TLS on 993, STARTTLS on 143) and the certificate.',
  auth: 'The server rejected the user name or password.',
  blocked: 'This address is not allowed.',
  protocol: 'The server did not behave like an IMAP server.',
};

const NO_STARTTLS = `${MESSAGES.tls} (The server does not offer STARTTLS.)`;

/** A failure with its reason; `message` is shown to the user and never holds the password. */
class LoginFailure extends Error {
  constructor(
    readonly reason: LoginFailureReason,
    message: string = MESSAGES[reason],
  ) {
    super(message);
  }
}

/** What imapflow and Node put on the errors they raise (imapflow passes socket and TLS errors through). */
export type ImapError = Error & {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
};

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|EPROTO$|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_VERIFY_LEAF_SIGNATURE$|UNABLE_TO_GET_ISSUER_CERT|CERT_|HOSTNAME_MISMATCH$|ClosedAfterConnectTLS$|UPGRADE_TIMEOUT$|STARTTLS_INJECTION$)/;
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);

/**
 * Maps an imapflow, socket or TLS error to a plain reason. `secure`: the connection was (being) encrypted, so
 * a close without a word is a failed handshake rather than a server that does not speak IMAP.
 */
export function classifyImapError(err: ImapError, secure: boolean): LoginFailureReason {
  const code = err.code ?? '';
  if (err.authenticationFailed) return 'auth';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'refused';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (err.tlsFailed || TLS_CODES.test(code) || /certificate|ssl|tls|wrong version/i.test(err.message)) return 'tls';
  if (secure && (code === 'ECONNRESET' || code === 'NoConnection' || code === 'EConnectionClosed')) return 'tls';
  return 'protocol';
}

/** The server's text for a refused login, cleaned for display: printable ASCII, short, and never the password. */
function serverText(err: ImapError, password: string): string {
  const text = [err.serverResponseCode ? `[${err.serverResponseCode}]` : '', err.responseText ?? ''].join(' ');
  let t = text.replace(/[^\x20-\x7e]/g, ' ').replace(/ {2,}/g, ' ').trim().slice(0, 200);
  if (password && t.includes(password)) t = t.split(password).join('***');
  return t;
}

/** Capability names as the server wrote them, cleaned for display: atoms only, at most 60. */
export function capabilityList(names: Iterable<string>): string[] {
  return [...names].filter((c) => /^[A-Za-z0-9=+._-]{1,40}$/.test(c)).slice(0, 60);
}

const MAX_FOLDERS = 1000;

/**
 * The folders as the job's folder pickers offer them: readable names of what imapsync can select.
 * imapflow's LIST gives each name as listed (modified UTF-7); it is decoded with the codec that encodes a
 * picked name back for imapsync (mailbox-name.ts), so the round trip gives the server's name exactly.
 */
export function selectableFolders(entries: readonly { pathAsListed: string; flags: Set<string> }[]): string[] {
  const selectable = entries.filter((e) => ![...e.flags].some((f) => /^\\(?:Noselect|NonExistent)$/i.test(f)));
  return [...new Set(selectable.map((e) => decodeMailboxName(e.pathAsListed)))].slice(0, MAX_FOLDERS);
}

/** `promise`, or `undefined` once `ms` have passed: a slow step after the login must not hold the result. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise.catch(() => undefined), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * imapflow's logger option, used as a tap that keeps nothing: it only checks that the server's first line is an
 * IMAP greeting (imapflow would wait for one until its timeout), and calls `notImap` when it is not. Every other
 * entry is dropped, so nothing imapflow logs (it hides the password anyway) goes anywhere.
 */
function greetingCheck(notImap: () => void): ImapFlowOptions['logger'] {
  let first = true;
  const see = (entry: unknown) => {
    const { src, msg } = (entry ?? {}) as { src?: unknown; msg?: unknown };
    if (!first || src !== 's') return;
    first = false;
    if (!/^\* (?:OK|PREAUTH)\b/i.test(String(msg))) notImap();
  };
  const drop = () => {};
  return { trace: drop, debug: see, info: drop, warn: drop, error: see, fatal: drop } as unknown as ImapFlowOptions['logger'];
}

let imapflow: Promise<typeof import('imapflow')> | undefined;

/**
 * "Test login": one real IMAP LOGIN through imapflow against the pinned, checked address, a LIST of the folders
 * (names decoded, unselectable ones left out), then LOGOUT. Implicit TLS (`ssl`), STARTTLS (required), or
 * plaintext (`none`, never upgraded); the certificate is checked against the host name when `verifyCert`.
 * LOGIN, not AUTHENTICATE: it is what imapsync uses by default, so the test predicts the migration's login.
 * The credentials live only for this call and are never logged or echoed (imapflow's logger is a tap that keeps nothing).
 */
export function createImapLoginTester(opts: { policy: ImapTargetPolicy; timeoutMs?: number; lookup?: LookupAll }): ImapLoginTester {
  const timeout = opts.timeoutMs ?? 10_000;
  return {
    async testLogin(t): Promise<TestLoginResult> {
      imapflow ??= import('imapflow');
      const { ImapFlow } = await imapflow;
      const started = performance.now();
      const target = await resolveImapTarget(t.host, t.port, opts.policy, opts.lookup);
      if (!target.ok) return { ok: false, reason: target.reason, message: target.message };
      if (t.user.includes('\0') || t.password.includes('\0')) {
        return { ok: false, reason: 'auth', message: 'The user name or password contains a NUL character, which IMAP cannot send.' };
      }
      // imapflow sends LOGIN's arguments as quoted strings, which cannot carry a line break: say so before connecting.
      if (/[\r\n]/.test(t.user) || /[\r\n]/.test(t.password)) {
        return { ok: false, reason: 'auth', message: 'The user name or password contains a line break, which the test login cannot send.' };
      }
      const host = t.host.replace(/^\[|\]$/g, '');
      const options: ImapFlowOptions = {
        // The connection goes to the pinned address; the certificate is checked against the name (SNI), or against
        // the literal address when the host is one (imapflow then sends no SNI).
        host: target.address,
        port: t.port,
        ...(isIP(host) ? {} : { servername: host }),
        secure: t.tls === 'ssl',
        doSTARTTLS: t.tls === 'starttls',
        tls: { rejectUnauthorized: t.verifyCert, minVersion: 'TLSv1.2' },
        auth: { user: t.user, pass: t.password, loginMethod: 'LOGIN' },
        clientInfo: { name: 'PurelyManage', version: false, vendor: false, 'support-url': false },
        // A test login needs neither: fewer round trips, and folder names stay as imapsync sees them.
        disableCompression: true,
        disableAutoEnable: true,
        disableAutoIdle: true,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      };
      // The first failure of our own (the deadline, a first line that is not a greeting) ends the test at once.
      let abort: (f: LoginFailure) => void = () => {};
      const aborted = new Promise<never>((_, reject) => (abort = reject));
      const client: ImapFlow = new ImapFlow({ ...options, logger: greetingCheck(() => abort(new LoginFailure('protocol'))) });
      // imapflow also reports a failure as an event; the awaited call below is where it is handled.
      client.on('error', () => {});
      const timer = setTimeout(() => abort(new LoginFailure('timeout')), timeout);
      try {
        await Promise.race([client.connect(), aborted]);
        // Measured up to the accepted LOGIN: DNS, connect, TLS and authentication, what a migration pays per session.
        const latencyMs = Math.round(performance.now() - started);
        const capabilities = capabilityList(client.capabilities.keys());
        const listed = await within(client.list({ listOnly: true }), Math.min(timeout, 5000));
        if (!listed) return { ok: true, message: 'Logged in successfully.', latencyMs, capabilities };
        // A polite LOGOUT, bounded: the login already succeeded, a slow goodbye must not delay the answer.
        await within(client.logout(), Math.min(timeout, 2000));
        return { ok: true, message: 'Logged in successfully.', latencyMs, capabilities, folders: selectableFolders(listed) };
      } catch (e) {
        if (e instanceof LoginFailure) return { ok: false, reason: e.reason, message: e.message };
        const err = e as ImapError;
        const reason = classifyImapError(err, t.tls !== 'none');
        if (reason === 'auth') {
          const text = serverText(err, t.password);
          return { ok: false, reason, message: text ? `${MESSAGES.auth} The server said: ${text}` : MESSAGES.auth };
        }
        if (reason === 'tls' && t.tls === 'starttls' && /does not support STARTTLS/i.test(err.message)) return { ok: false, reason, message: NO_STARTTLS };
        return { ok: false, reason, message: MESSAGES[reason] };
      } finally {
        clearTimeout(timer);
        client.close();
      }
    },
  };
}
