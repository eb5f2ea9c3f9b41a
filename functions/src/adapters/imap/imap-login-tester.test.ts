import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createImapLoginTester } from './imap-login-tester.ts';

/** What one fake connection saw: every byte the client sent, as latin1 text. */
interface Seen {
  raw: string;
  /** Each command line, with its literals folded in. */
  lines: string[];
  /** The name the client asked for in the TLS handshake (SNI), once encrypted. */
  servername?: string | false | null;
}

type Reply = (line: string, write: (s: string) => void, conn: { socket: Socket; upgrade: () => void }) => void;

/** A tiny scripted IMAP server on 127.0.0.1: sends `greeting` (unless null), then answers each line with `reply`. */
async function fakeImap(greeting: string | null, reply: Reply, tls?: { key: Buffer; cert: Buffer }): Promise<{ port: number; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((raw) => {
    sockets.push(raw);
    const s: Seen = { raw: '', lines: [] };
    seen.push(s);
    let socket: Socket = raw;
    let buf = '';
    let line = '';
    let literal = 0; // bytes of a {n} literal still to come
    const write = (x: string) => socket.write(x);
    const onData = (d: Buffer) => {
      s.raw += d.toString('latin1');
      buf += d.toString('latin1');
      for (;;) {
        if (literal) {
          if (buf.length < literal) return;
          line += buf.slice(0, literal);
          buf = buf.slice(literal);
          literal = 0;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        line += buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m = /\{(\d+)\}$/.exec(line);
        if (m) {
          literal = Number(m[1]);
          write('+ go ahead\r\n');
          continue;
        }
        s.lines.push(line);
        reply(line, write, { socket, upgrade });
        line = '';
      }
    };
    const upgrade = () => {
      raw.off('data', onData);
      const secure = new TLSSocket(raw, { isServer: true, key: tls!.key, cert: tls!.cert });
      secure.once('secure', () => (s.servername = secure.servername));
      socket = secure;
      socket.on('data', onData);
      socket.on('error', () => {});
    };
    raw.on('data', onData);
    raw.on('error', () => {});
    if (greeting !== null) raw.write(greeting);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return { port: (server.address() as { port: number }).port, seen, server };
}

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** The arguments of a command line as the server reads them: atoms, quoted strings (\\ and \" escaped), literals. */
function commandArgs(line: string): string[] {
  const args: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|\{(\d+)\}|(\S+)/gy;
  for (let rest = line; rest; ) {
    rest = rest.replace(/^ +/, '');
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m) break;
    if (m[1] !== undefined) args.push(m[1].replace(/\\(.)/g, '$1'));
    else if (m[2] !== undefined) {
      args.push(rest.slice(m[0].length, m[0].length + Number(m[2])));
      rest = rest.slice(m[0].length + Number(m[2]));
      continue;
    } else args.push(m[3]!);
    rest = rest.slice(m[0].length);
  }
  return args;
}

/** What the server read as the LOGIN's user and password (UTF-8), from everything one connection sent. */
function loginSeen(seen: Seen | undefined): { user: string; password: string } | undefined {
  const line = seen?.lines.find((l) => /^\S+ LOGIN /i.test(l));
  if (!line) return undefined;
  const [, , user, password] = commandArgs(line).map((a) => Buffer.from(a, 'latin1').toString('utf8'));
  return { user: user!, password: password! };
}

/** The command names one connection sent, in order. */
const commands = (seen: Seen | undefined) => (seen?.lines ?? []).map((l) => (l.split(' ')[1] ?? '').toUpperCase());

/** Answers LOGIN with `loginAnswer`, LOGOUT with BYE + OK, LIST with two folders and one that cannot be selected, anything else with OK. */
const standard = (loginAnswer = 'OK LOGIN completed'): Reply => (line, write) => {
  const [tag, cmd, ...rest] = line.split(' ');
  if (/^LOGIN$/i.test(cmd ?? '')) write(`${tag} ${loginAnswer}\r\n`);
  else if (/^LOGOUT$/i.test(cmd ?? '')) write(`* BYE bye\r\n${tag} OK LOGOUT completed\r\n`);
  else if (/^CAPABILITY$/i.test(cmd ?? '')) write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`);
  else if (/^LIST$/i.test(cmd ?? '') && rest.join(' ') === '"" ""') write(`* LIST (\\Noselect) "/" ""\r\n${tag} OK List completed\r\n`);
  else if (/^LIST$/i.test(cmd ?? '')) write(`* LIST (\\HasNoChildren) "/" INBOX\r\n* LIST (\\HasNoChildren) "/" "R&-D"\r\n* LIST (\\Noselect \\HasChildren) "/" Projets\r\n${tag} OK List completed\r\n`);
  else write(`${tag} OK done\r\n`);
};

const tester = createImapLoginTester({ policy: { allowPrivate: true, allowedPorts: 'any' }, timeoutMs: 3000 });
const target = (port: number, over: object = {}) => ({ host: '127.0.0.1', port, tls: 'none' as const, verifyCert: false, user: 'alice', password: 'secret', ...over });

describe('IMAP login tester against a fake server', () => {
  it('quotes " and \\ in the password and logs out after a successful login', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard());
    const r = await tester.testLogin(target(srv.port, { password: 'p"a\\ss w0rd!{}' }));
    // The greeting named no capabilities, so one CAPABILITY after the login learns them (shown to the admin).
    expect(r).toEqual({ ok: true, message: 'Logged in successfully.', latencyMs: expect.any(Number), capabilities: ['IMAP4rev1', 'AUTH=PLAIN'], folders: ['INBOX', 'R&D'] });
    expect(srv.seen[0]!.raw).toContain(' LOGIN "alice" "p\\"a\\\\ss w0rd!{}"\r\n');
    expect(loginSeen(srv.seen[0])).toEqual({ user: 'alice', password: 'p"a\\ss w0rd!{}' });
    // LOGIN (what imapsync uses), never AUTHENTICATE, then the folders, then a goodbye.
    const sent = commands(srv.seen[0]);
    expect(sent).not.toContain('AUTHENTICATE');
    expect(sent.indexOf('LOGIN')).toBeLessThan(sent.lastIndexOf('LIST'));
    expect(sent.at(-1)).toBe('LOGOUT');
  });

  it('sends a non-ASCII password as its UTF-8 bytes, and refuses a line break without connecting', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard());
    const password = 'pässwörd ключ';
    expect(await tester.testLogin(target(srv.port, { password }))).toMatchObject({ ok: true });
    expect(loginSeen(srv.seen[0])).toEqual({ user: 'alice', password });
    const r = await tester.testLogin(target(srv.port, { password: 'pass\r\nword' }));
    expect(r).toMatchObject({ ok: false, reason: 'auth' });
    expect(r.message).toMatch(/line break/);
    expect(srv.seen).toHaveLength(1);
  });

  it('reads the folders LIST names: atoms, quoted names with escapes, literals, decoded; those that cannot be selected are left out', async () => {
    const folders = [
      '* LIST (\\HasNoChildren) "/" &BB8EQAQ+BDUEOgRCBEs-',
      '* LIST (\\HasNoChildren) "/" "R&AOk-unions &AOk-t&AOk-"',
      '* LIST (\\HasNoChildren) "/" {4}\r\nR&-D',
      '* LIST () "/" "a \\"q\\" b"',
      '* LIST (\\Noselect \\HasChildren) "/" Projets',
      '* LIST (\\NonExistent) "/" Gone',
    ];
    const srv = await fakeImap('* OK ready\r\n', (line, write, conn) => {
      const [tag, cmd, ...rest] = line.split(' ');
      if (/^LIST$/i.test(cmd ?? '') && rest.join(' ') !== '"" ""') write(`${folders.join('\r\n')}\r\n${tag} OK List completed\r\n`);
      else standard()(line, write, conn);
    });
    const r = await tester.testLogin(target(srv.port));
    expect(r.ok && [...r.folders!].sort()).toEqual(['Проекты', 'Réunions été', 'R&D', 'a "q" b'].sort());
  });

  it('refuses a NUL in the credentials without sending them', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard());
    const r = await tester.testLogin(target(srv.port, { password: 'a\0b' }));
    expect(r).toMatchObject({ ok: false, reason: 'auth' });
    expect(r.message).toMatch(/NUL/);
    expect(srv.seen[0]?.raw ?? '').not.toContain('LOGIN');
  });

  it('reports auth with the server text for NO, never echoing the password', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard('NO [AUTHENTICATIONFAILED] bad password CANARY-pw'));
    const r = await tester.testLogin(target(srv.port, { password: 'CANARY-pw' }));
    expect(r).toMatchObject({ ok: false, reason: 'auth' });
    expect(r.message).toContain('AUTHENTICATIONFAILED');
    expect(r.message).not.toContain('CANARY');
  });

  it('reports tls when STARTTLS is requested but not offered, before sending any credentials', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard());
    const r = await tester.testLogin(target(srv.port, { tls: 'starttls' }));
    expect(r).toMatchObject({ ok: false, reason: 'tls' });
    expect(r.message).toMatch(/does not offer STARTTLS/);
    expect(commands(srv.seen[0])).toEqual(['CAPABILITY']);
  });

  it('reports protocol for a BYE greeting and for garbage', async () => {
    const bye = await fakeImap('* BYE too many connections\r\n', standard());
    expect(await tester.testLogin(target(bye.port))).toMatchObject({ ok: false, reason: 'protocol' });
    const http = await fakeImap('HTTP/1.1 400 Bad Request\r\n\r\n', standard());
    expect(await tester.testLogin(target(http.port))).toMatchObject({ ok: false, reason: 'protocol' });
  });

  it('reports timeout when the server never answers', async () => {
    const silent = await fakeImap(null, () => {});
    const quick = createImapLoginTester({ policy: { allowPrivate: true, allowedPorts: 'any' }, timeoutMs: 200 });
    const t0 = Date.now();
    expect(await quick.testLogin(target(silent.port))).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('reports tls for implicit TLS against a plaintext server', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard());
    expect(await tester.testLogin(target(srv.port, { tls: 'ssl' }))).toMatchObject({ ok: false, reason: 'tls' });
  });

  describe('with a self-signed certificate', () => {
    let dir: string;
    let key: Buffer;
    let cert: Buffer;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'imap-tls-'));
      const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error('openssl failed');
      key = readFileSync(join(dir, 'k.pem'));
      cert = readFileSync(join(dir, 'c.pem'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const starttlsServer = () =>
      fakeImap(
        '* OK ready\r\n',
        (line, write, conn) => {
          const [tag, cmd] = line.split(' ');
          // As a real server: LOGIN only once the connection is encrypted (RFC 3501 §6.2.3).
          if (/^CAPABILITY$/i.test(cmd ?? '')) write(conn.socket instanceof TLSSocket ? `* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n` : `* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`);
          else if (/^STARTTLS$/i.test(cmd ?? '')) {
            write(`${tag} OK begin TLS\r\n`);
            conn.upgrade();
          } else standard()(line, write, conn);
        },
        { key, cert },
      );

    it('logs in over STARTTLS when the certificate is not verified', async () => {
      const srv = await starttlsServer();
      expect(await tester.testLogin(target(srv.port, { tls: 'starttls', verifyCert: false }))).toEqual({ ok: true, message: 'Logged in successfully.', latencyMs: expect.any(Number), capabilities: expect.any(Array), folders: ['INBOX', 'R&D'] });
    });

    it('connects to the checked address and asks TLS for the host name (SNI), never resolving the name again', async () => {
      const srv = await starttlsServer();
      const lookups: string[] = [];
      const pinned = createImapLoginTester({
        policy: { allowPrivate: true, allowedPorts: 'any' },
        timeoutMs: 3000,
        lookup: async (host) => (lookups.push(host), [{ address: '127.0.0.1', family: 4 }]),
      });
      expect(await pinned.testLogin(target(srv.port, { host: 'imap.test.example', tls: 'starttls' }))).toMatchObject({ ok: true });
      expect(lookups).toEqual(['imap.test.example']);
      expect(srv.seen[0]!.servername).toBe('imap.test.example');
    });

    it('reports tls when the certificate is verified', async () => {
      const srv = await starttlsServer();
      expect(await tester.testLogin(target(srv.port, { tls: 'starttls', verifyCert: true }))).toMatchObject({ ok: false, reason: 'tls' });
      expect(srv.seen[0]!.raw).not.toContain('LOGIN');
    });
  });
});
