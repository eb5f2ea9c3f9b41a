import type { LoginFailureReason, TestLoginResult } from '@app/shared';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
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

/** Where the conversation is: decides how a close or a reset is reported. */
type Phase = 'connect' | 'handshake' | 'greeting' | 'capability' | 'starttls' | 'login' | 'logout';

/** A failure with its reason; `message` is shown to the user and never holds the password. */
class LoginFailure extends Error {
  constructor(readonly reason: LoginFailureReason, message: string = MESSAGES[reason]) {
    super(message);
  }
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|EPROTO$|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_VERIFY_LEAF_SIGNATURE$|UNABLE_TO_GET_ISSUER_CERT|CERT_|HOSTNAME_MISMATCH$)/;

/** Maps a socket/TLS error to a plain reason. */
export function classifySocketError(err: Error & { code?: string }, phase: Phase): LoginFailureReason {
  const code = err.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (TLS_CODES.test(code) || /certificate|ssl|tls|wrong version/i.test(err.message)) return 'tls';
  if (phase === 'handshake') return 'tls';
  return 'protocol';
}

const MAX_LINE = 64 * 1024;

/** Reads CRLF-terminated IMAP response lines (literals folded in) from a socket that may be swapped for TLS. */
class Conversation {
  private buf: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private waiter?: { resolve: (line: string) => void; reject: (e: LoginFailure) => void };
  private failure?: LoginFailure;
  private failListeners: ((f: LoginFailure) => void)[] = [];
  phase: Phase = 'connect';

  constructor(public socket: Socket) {
    this.attach(socket);
  }

  private readonly onData = (chunk: Buffer) => {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const line = this.takeLine();
      if (line === undefined) break;
      this.lines.push(line);
    }
    if (this.buf.length > MAX_LINE) this.fail(new LoginFailure('protocol'));
    this.flush();
  };

  private readonly onError = (err: Error) => this.fail(new LoginFailure(classifySocketError(err, this.phase)));
  private readonly onClose = () => this.fail(new LoginFailure(this.phase === 'handshake' || this.phase === 'starttls' ? 'tls' : 'protocol'));

  /** One complete response line, with any `{n}` literals it announces appended; undefined if incomplete. */
  private takeLine(): string | undefined {
    let pos = 0;
    let text = '';
    for (;;) {
      const eol = this.buf.indexOf('\r\n', pos);
      if (eol < 0) return undefined;
      const part = this.buf.toString('utf8', pos, eol);
      const literal = /\{(\d{1,9})\}$/.exec(part);
      if (!literal) {
        this.buf = this.buf.subarray(eol + 2);
        return text + part;
      }
      const end = eol + 2 + Number(literal[1]);
      if (this.buf.length < end) return undefined;
      text += part + this.buf.toString('utf8', eol + 2, end);
      pos = end;
    }
  }

  private flush() {
    if (!this.waiter) return;
    const w = this.waiter;
    if (this.lines.length) {
      this.waiter = undefined;
      w.resolve(this.lines.shift()!);
    } else if (this.failure) {
      this.waiter = undefined;
      w.reject(this.failure);
    }
  }

  attach(s: Socket) {
    s.on('data', this.onData);
    s.on('error', this.onError);
    s.on('close', this.onClose);
  }

  /** Stops reading from the plaintext socket before the TLS upgrade; errors still count. */
  detachForUpgrade(s: Socket) {
    s.off('data', this.onData);
    s.off('close', this.onClose);
  }

  /** True when the server sent bytes we have not consumed (after STARTTLS OK that is an injection attempt). */
  hasPending(): boolean {
    return this.lines.length > 0 || this.buf.length > 0;
  }

  fail(f: LoginFailure) {
    if (this.failure) return;
    this.failure = f;
    this.socket.destroy();
    this.flush();
    for (const listener of this.failListeners.splice(0)) listener(f);
  }

  /** Resolves on the socket's `event`, rejects on the first failure (error, close, timeout). */
  until(s: Socket, event: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      s.once(event, () => resolve());
      this.failListeners.push(reject);
    });
  }

  readLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.flush();
    });
  }

  write(data: string | Buffer) {
    if (!this.failure) this.socket.write(data);
  }

  /** Sends a command and reads up to its tagged response; `+` continuations are answered by `onContinue`. */
  async command(tag: string, first: string | Buffer, onContinue?: () => Buffer | undefined): Promise<{ status: string; text: string; untagged: string[] }> {
    this.write(first);
    const untagged: string[] = [];
    for (;;) {
      const line = await this.readLine();
      if (line.startsWith(`${tag} `)) {
        const m = /^\S+ (\S+) ?(.*)$/.exec(line);
        return { status: (m?.[1] ?? '').toUpperCase(), text: m?.[2] ?? '', untagged };
      }
      if (line.startsWith('+')) {
        const next = onContinue?.();
        if (!next) throw new LoginFailure('protocol');
        this.write(next);
      } else if (line.startsWith('* ')) untagged.push(line);
      else throw new LoginFailure('protocol');
    }
  }
}

/** `s` as an IMAP quoted string, or as a synchronising literal when it cannot be quoted. NUL cannot be sent at all. */
function imapString(s: string): { kind: 'quoted'; text: string } | { kind: 'literal'; bytes: Buffer } {
  if (/^[\x20-\x7e]*$/.test(s)) return { kind: 'quoted', text: `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"` };
  return { kind: 'literal', bytes: Buffer.from(s, 'utf8') };
}

/**
 * The LOGIN command as chunks: the first is written at once, each further one after a `+` continuation
 * (one per literal). The chunks hold the password: they are written to the socket and nowhere else.
 */
export function loginChunks(tag: string, user: string, password: string): Buffer[] {
  const chunks: Buffer[] = [];
  let pending: Buffer[] = [Buffer.from(`${tag} LOGIN`, 'latin1')];
  for (const arg of [user, password]) {
    const s = imapString(arg);
    if (s.kind === 'quoted') pending.push(Buffer.from(` ${s.text}`, 'latin1'));
    else {
      pending.push(Buffer.from(` {${s.bytes.length}}\r\n`, 'latin1'));
      chunks.push(Buffer.concat(pending));
      pending = [s.bytes];
    }
  }
  pending.push(Buffer.from('\r\n', 'latin1'));
  chunks.push(Buffer.concat(pending));
  return chunks;
}

/** The server's text for a refused login, cleaned for display: printable ASCII, short, and never the password. */
function serverText(text: string, password: string): string {
  let t = text.replace(/[^\x20-\x7e]/g, ' ').trim().slice(0, 200);
  if (password && t.includes(password)) t = t.split(password).join('***');
  return t;
}

/**
 * Capability names from `[CAPABILITY …]` in a response text or a `* CAPABILITY …` line, cleaned for display
 * (atoms only, at most 60); undefined when the text carries none.
 */
export function capabilityList(text: string | undefined): string[] | undefined {
  const m = text ? /(?:^\* CAPABILITY |\[CAPABILITY )([^\]]*)/i.exec(text) : null;
  if (!m) return undefined;
  return m[1]!.split(' ').filter((c) => /^[A-Za-z0-9=+._-]{1,40}$/.test(c)).slice(0, 60);
}

const MAX_FOLDERS = 1000;

/**
 * The mailbox name of one `* LIST (flags) "delim" name` line, raw (modified UTF-7), or undefined for a line that
 * is not one, or a folder that cannot be selected (`\Noselect`, `\NonExistent`: imapsync cannot copy from it).
 * The name is an atom, a quoted string (`\\` and `\"` escaped) or a literal (folded in as `{n}` + its bytes).
 */
export function listedMailbox(line: string): string | undefined {
  const m = /^\* LIST \(([^)]{0,200})\) (?:NIL|"(?:\\.|[^"\\]){0,4}") /i.exec(line);
  if (!m || /\\(?:Noselect|NonExistent)\b/i.test(m[1]!)) return undefined;
  const rest = line.slice(m[0].length);
  const literal = /^\{(\d{1,4})\}/.exec(rest);
  if (literal) return rest.slice(literal[0].length, literal[0].length + Number(literal[1]));
  if (rest.startsWith('"')) {
    const q = /^"((?:\\.|[^"\\]){0,2000})"$/.exec(rest);
    return q ? q[1]!.replace(/\\(.)/g, '$1') : undefined;
  }
  return /^[^\s"(){]{1,2000}$/.test(rest) ? rest : undefined;
}

/**
 * "Test login": one real IMAP LOGIN on node:net/node:tls against the pinned, checked address, a LIST of the
 * folders (names decoded), then LOGOUT.
 * Implicit TLS (`ssl`), STARTTLS, or plaintext (`none`); the certificate is checked against the host name
 * when `verifyCert`. The credentials live only for this call and are never logged or echoed.
 */
export function createImapLoginTester(opts: { policy: ImapTargetPolicy; timeoutMs?: number; lookup?: LookupAll }): ImapLoginTester {
  const timeout = opts.timeoutMs ?? 10_000;
  return {
    async testLogin(t): Promise<TestLoginResult> {
      const started = performance.now();
      const target = await resolveImapTarget(t.host, t.port, opts.policy, opts.lookup);
      if (!target.ok) return { ok: false, reason: target.reason, message: target.message };
      const host = t.host.replace(/^\[|\]$/g, '');
      // The connection goes to the pinned address; the certificate is checked against the name (SNI), or
      // against the literal address when the host is one (`host` is then only used for that check).
      const tlsOptions: ConnectionOptions = { rejectUnauthorized: t.verifyCert, minVersion: 'TLSv1.2', ...(isIP(host) ? { host: target.address } : { servername: host }) };

      const socket = t.tls === 'ssl' ? tlsConnect({ host: target.address, port: t.port, ...tlsOptions }) : netConnect({ host: target.address, port: t.port });
      const conv = new Conversation(socket);
      const timer = setTimeout(() => conv.fail(new LoginFailure('timeout')), timeout);
      try {
        if (t.tls === 'ssl') {
          socket.once('connect', () => (conv.phase = 'handshake'));
          await conv.until(socket, 'secureConnect');
        } else await conv.until(socket, 'connect');
        conv.phase = 'greeting';
        const greeting = await conv.readLine();
        if (!/^\* OK\b/i.test(greeting)) throw new LoginFailure('protocol');

        if (t.tls === 'starttls') {
          conv.phase = 'capability';
          const caps = await conv.command('a1', 'a1 CAPABILITY\r\n');
          const capLine = caps.untagged.find((l) => /^\* CAPABILITY /i.test(l)) ?? '';
          if (caps.status !== 'OK') throw new LoginFailure('protocol');
          if (!/(^| )STARTTLS( |$)/i.test(capLine)) throw new LoginFailure('tls', `${MESSAGES.tls} (The server does not offer STARTTLS.)`);
          conv.phase = 'starttls';
          const st = await conv.command('a2', 'a2 STARTTLS\r\n');
          if (st.status !== 'OK') throw new LoginFailure('tls', `${MESSAGES.tls} (The server does not offer STARTTLS.)`);
          if (conv.hasPending()) throw new LoginFailure('tls');
          conv.detachForUpgrade(socket);
          const secure = tlsConnect({ socket, ...tlsOptions });
          conv.socket = secure;
          conv.phase = 'handshake';
          conv.attach(secure);
          await conv.until(secure, 'secureConnect');
        }

        conv.phase = 'login';
        if (t.user.includes('\0') || t.password.includes('\0')) {
          throw new LoginFailure('auth', 'The user name or password contains a NUL character, which IMAP cannot send.');
        }
        const [first, ...rest] = loginChunks('a3', t.user, t.password);
        const login = await conv.command('a3', first!, () => rest.shift());
        if (login.status !== 'OK') {
          if (login.status !== 'NO' && login.status !== 'BAD') throw new LoginFailure('protocol');
          const text = serverText(login.text, t.password);
          throw new LoginFailure('auth', text ? `${MESSAGES.auth} The server said: ${text}` : MESSAGES.auth);
        }

        // Measured up to the accepted LOGIN: DNS, connect, TLS and authentication, what a migration pays per session.
        const latencyMs = Math.round(performance.now() - started);
        // Most servers list their post-login capabilities in the LOGIN answer; otherwise ask once.
        let capabilities = capabilityList(login.text);
        if (capabilities === undefined) {
          const caps = await conv.command('a4', 'a4 CAPABILITY\r\n').catch(() => undefined);
          capabilities = capabilityList(caps?.untagged.find((l) => /^\* CAPABILITY /i.test(l))) ?? [];
        }

        // The folders as the job's folder pickers offer them: readable names of what imapsync can select.
        // Bounded like the goodbye: a server slow to list must not hold the login result.
        let listTimer: ReturnType<typeof setTimeout> | undefined;
        const list = await Promise.race([conv.command('a5', 'a5 LIST "" "*"\r\n').catch(() => undefined), new Promise<undefined>((r) => (listTimer = setTimeout(() => r(undefined), Math.min(timeout, 5000))))]);
        clearTimeout(listTimer);
        const folders = list?.status === 'OK' ? [...new Set(list.untagged.map(listedMailbox).filter((n): n is string => n !== undefined).map(decodeMailboxName))].slice(0, MAX_FOLDERS) : undefined;
        if (!list) return { ok: true, message: 'Logged in successfully.', latencyMs, capabilities };

        conv.phase = 'logout';
        // A polite LOGOUT, bounded: the login already succeeded, a slow goodbye must not delay the answer.
        let logoutTimer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([conv.command('a9', 'a9 LOGOUT\r\n').catch(() => {}), new Promise((r) => (logoutTimer = setTimeout(r, Math.min(timeout, 2000))))]);
        clearTimeout(logoutTimer);
        return { ok: true, message: 'Logged in successfully.', latencyMs, capabilities, ...(folders ? { folders } : {}) };
      } catch (err) {
        if (err instanceof LoginFailure) return { ok: false, reason: err.reason, message: err.message };
        const reason = classifySocketError(err as Error, conv.phase);
        return { ok: false, reason, message: MESSAGES[reason] };
      } finally {
        clearTimeout(timer);
        conv.socket.destroy();
        socket.destroy();
      }
    },
  };
}
