import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createImapLoginTester, loginChunks } from './imap-login-tester.ts';

/** What one fake connection saw: every byte the client sent, as latin1 text. */
interface Seen {
  raw: string;
}

type Reply = (line: string, write: (s: string) => void, conn: { socket: Socket; upgrade: () => void }) => void;

/** A tiny scripted IMAP server on 127.0.0.1: sends `greeting` (unless null), then answers each line with `reply`. */
async function fakeImap(greeting: string | null, reply: Reply, tls?: { key: Buffer; cert: Buffer }): Promise<{ port: number; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((raw) => {
    sockets.push(raw);
    const s: Seen = { raw: '' };
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
        reply(line, write, { socket, upgrade });
        line = '';
      }
    };
    const upgrade = () => {
      raw.off('data', onData);
      socket = new TLSSocket(raw, { isServer: true, key: tls!.key, cert: tls!.cert });
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

/** Answers LOGIN with `loginAnswer` and LOGOUT with BYE + OK. */
const standard = (loginAnswer = 'OK LOGIN completed'): Reply => (line, write) => {
  const [tag, cmd] = line.split(' ');
  if (/^LOGIN$/i.test(cmd ?? '')) write(`${tag} ${loginAnswer}\r\n`);
  else if (/^LOGOUT$/i.test(cmd ?? '')) write(`* BYE bye\r\n${tag} OK LOGOUT completed\r\n`);
  else if (/^CAPABILITY$/i.test(cmd ?? '')) write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`);
  else if (/^LIST$/i.test(cmd ?? '')) write(`* LIST (\\HasNoChildren) "/" INBOX\r\n* LIST (\\HasNoChildren) "/" "R&-D"\r\n${tag} OK List completed\r\n`);
};

const tester = createImapLoginTester({ policy: { allowPrivate: true, allowedPorts: 'any' }, timeoutMs: 3000 });
const target = (port: number, over: object = {}) => ({ host: '127.0.0.1', port, tls: 'none' as const, verifyCert: false, user: 'alice', password: 'secret', ...over });

describe('IMAP login tester against a fake server', () => {
  it('quotes " and \\ in the password and logs out after a successful login', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard());
    const r = await tester.testLogin(target(srv.port, { password: 'p"a\\ss w0rd!{}' }));
    // The greeting named no capabilities, so one CAPABILITY after the login learns them (shown to the admin).
    expect(r).toEqual({ ok: true, message: 'Logged in successfully.', latencyMs: expect.any(Number), capabilities: ['IMAP4rev1', 'AUTH=PLAIN'], folders: ['INBOX', 'R&D'] });
    expect(srv.seen[0]!.raw).toBe('a3 LOGIN "alice" "p\\"a\\\\ss w0rd!{}"\r\na4 CAPABILITY\r\na5 LIST "" "*"\r\na9 LOGOUT\r\n');
  });

  it('sends a non-ASCII or CR/LF password as a literal after the + continuation', async () => {
    const srv = await fakeImap('* OK ready\r\n', standard());
    const password = 'pässwörd\r\nx';
    const r = await tester.testLogin(target(srv.port, { password }));
    expect(r).toMatchObject({ ok: true });
    const bytes = Buffer.from(password, 'utf8');
    expect(srv.seen[0]!.raw).toBe(`a3 LOGIN "alice" {${bytes.length}}\r\n${bytes.toString('latin1')}\r\na4 CAPABILITY\r\na5 LIST "" "*"\r\na9 LOGOUT\r\n`);
    expect(loginChunks('a3', 'é', 'x')).toHaveLength(2);
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
    expect(srv.seen[0]!.raw).toBe('a1 CAPABILITY\r\n');
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
          if (/^CAPABILITY$/i.test(cmd ?? '')) write(`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`);
          else if (/^STARTTLS$/i.test(cmd ?? '')) {
            write(`${tag} OK begin TLS\r\n`);
            conn.upgrade();
          } else standard()(line, write, conn);
        },
        { key, cert },
      );

    it('logs in over STARTTLS when the certificate is not verified', async () => {
      const srv = await starttlsServer();
      // This fake answers CAPABILITY the same before and after TLS; the capabilities reported are the post-login ones.
      expect(await tester.testLogin(target(srv.port, { tls: 'starttls', verifyCert: false }))).toEqual({ ok: true, message: 'Logged in successfully.', latencyMs: expect.any(Number), capabilities: expect.any(Array), folders: ['INBOX', 'R&D'] });
    });

    it('reports tls when the certificate is verified', async () => {
      const srv = await starttlsServer();
      expect(await tester.testLogin(target(srv.port, { tls: 'starttls', verifyCert: true }))).toMatchObject({ ok: false, reason: 'tls' });
      expect(srv.seen[0]!.raw).not.toContain('LOGIN');
    });
  });
});
