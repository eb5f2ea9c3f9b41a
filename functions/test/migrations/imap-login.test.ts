import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProfile, TestLoginResult } from '@app/shared';
import { capabilityList, createImapLoginTester } from '../../src/adapters/imap/imap-login-tester.ts';
import { TooManyRequestsError } from '../../src/modules/errors.ts';
import type { ServerStore } from '../../src/modules/migrations/ports.ts';
import { makeTestLogin, TEST_LOGIN_LIMIT, type AttemptCounter } from '../../src/modules/migrations/test-login.ts';
import { isPrivateAddress, resolveImapTarget, STANDARD_IMAP_PORTS, type ImapTargetPolicy } from '../../src/adapters/imap/ssrf-guard.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { imapPolicy } from '../../src/platform/composition/imap-policy.ts';

const STRICT: ImapTargetPolicy = { allowPrivate: false, allowedPorts: STANDARD_IMAP_PORTS };
// A resolver that must never be reached for literals, and answers names from a table.
const fakeDns = (table: Record<string, string[]>) => async (host: string) => {
  const a = table[host];
  if (!a) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('SSRF guard (BI-4)', () => {
  it.each([
    ['127.0.0.1', 993],
    ['169.254.169.254', 993],
    ['10.1.2.3', 143],
    ['172.16.0.1', 993],
    ['192.168.1.1', 993],
    ['100.64.0.1', 993],
    ['0.0.0.0', 993],
    ['[::1]', 993],
    ['::ffff:127.0.0.1', 993],
    ['::ffff:a9fe:a9fe', 993],
    ['fd00:ec2::254', 993],
    ['fe80::1', 993],
  ])('refuses %s before any connect', async (host, port) => {
    const r = await resolveImapTarget(host, port, STRICT, fakeDns({}));
    expect(r).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it.each(['2130706433', '0x7f000001', '017700000001', '127.1', '0x7f.0.0.1'])('refuses the disguised IPv4 spelling %s', async (host) => {
    expect(await resolveImapTarget(host, 993, { allowPrivate: true, allowedPorts: 'any' }, fakeDns({}))).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it('refuses localhost and names with any private record, even among public ones (all records are checked)', async () => {
    const dns = fakeDns({ localhost: ['127.0.0.1', '::1'], 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'rebind.example': ['169.254.169.254'] });
    for (const host of ['localhost', 'mixed.example', 'rebind.example']) expect(await resolveImapTarget(host, 993, STRICT, dns)).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it('allows public hosts on 993/143 only and pins the resolved address', async () => {
    const dns = fakeDns({ 'imap.example.org': ['93.184.216.34', '2606:2800:220:1::1'] });
    expect(await resolveImapTarget('imap.example.org', 993, STRICT, dns)).toEqual({ ok: true, address: '93.184.216.34', family: 4 });
    expect(await resolveImapTarget('imap.example.org', 143, STRICT, dns)).toMatchObject({ ok: true });
    for (const port of [22, 25, 6379, 2375, 80]) expect(await resolveImapTarget('imap.example.org', port, STRICT, dns)).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it('allows the extra ports a deployment opens (imapPolicy), and a refused port says how to allow it', async () => {
    const dns = fakeDns({ 'imap.example.org': ['93.184.216.34'] });
    const policy = imapPolicy(false, [1143]);
    expect(policy.allowedPorts).toEqual([143, 993, 1143]);
    expect(await resolveImapTarget('imap.example.org', 1143, policy, dns)).toMatchObject({ ok: true });
    const refused = await resolveImapTarget('imap.example.org', 2143, policy, dns);
    expect(refused).toMatchObject({ ok: false, reason: 'blocked', port: true });
    expect(refused.ok ? '' : refused.message).toMatch(/^Port 2143 is not open to IMAP servers in this deployment \(it allows 143, 993, 1143\)\. .*-c extraImapPorts=2143.*MIGRATION_EXTRA_IMAP_PORTS=2143/);
    expect(imapPolicy(true, [1143]).allowedPorts).toBe('any');
  });

  it('reports a name that does not resolve as dns', async () => {
    expect(await resolveImapTarget('nowhere.invalid', 993, STRICT, fakeDns({}))).toMatchObject({ ok: false, reason: 'dns' });
  });

  it('allows private addresses and any port only when the setting allows them (local and test mode)', async () => {
    expect(await resolveImapTarget('127.0.0.1', 1143, { allowPrivate: true, allowedPorts: 'any' })).toMatchObject({ ok: true, address: '127.0.0.1' });
  });

  it('classifies addresses', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2001:4860:4860::8888')).toBe(false);
    expect(isPrivateAddress('169.254.169.254')).toBe(true);
    expect(isPrivateAddress('not-an-ip')).toBe(true);
  });
});

/** Sends IMAP commands one after the other (each waits for its tagged answer), for setting up a mailbox. */
async function imapCommands(port: number, commands: string[]): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  let buffer = '';
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (re.test(buffer)) {
          socket.off('data', onData);
          resolve();
        }
      };
      const onData = (d: Buffer) => {
        buffer += d.toString('utf8');
        check();
      };
      socket.on('data', onData);
      socket.once('error', reject);
      check();
    });
  await waitFor(/^\* OK/m);
  for (const c of commands) {
    const tag = c.split(' ')[0]!;
    socket.write(`${c}\r\n`);
    await waitFor(new RegExp(`^${tag} (OK|NO|BAD)`, 'm'));
  }
  socket.destroy();
}

describe('test login against a real dovecot on loopback', () => {
  let dovecot: Dovecot;
  const tester = createImapLoginTester({ policy: { allowPrivate: true, allowedPorts: 'any' }, timeoutMs: 5000 });
  beforeAll(async () => {
    dovecot = await startDovecot({ alice: 'good-pass' });
  });
  afterAll(() => dovecot?.stop());

  const target = (over: object = {}) => ({ host: '127.0.0.1', port: dovecot.port, tls: 'none' as const, verifyCert: false, user: 'alice', password: 'good-pass', ...over });

  it('logs in with the right password, reporting the latency and the server\'s capabilities', async () => {
    const r = await tester.testLogin(target());
    expect(r).toEqual({ ok: true, message: 'Logged in successfully.', latencyMs: expect.any(Number), capabilities: expect.arrayContaining(['IMAP4rev1']), folders: expect.arrayContaining(['INBOX']) });
    expect(r.ok && r.latencyMs! >= 0 && r.latencyMs! < 5000).toBe(true);
  });

  it('lists the mailbox\'s folders with readable names (modified UTF-7 decoded), without those that cannot be selected', async () => {
    // Created over IMAP as a mail client would: the raw names are modified UTF-7 on the wire.
    await imapCommands(dovecot.port, ['a1 LOGIN alice good-pass', 'a2 CREATE "&BB8EQAQ+BDUEOgRCBEs-"', 'a3 CREATE "R&-D"', 'a4 CREATE "R&AOk-unions &AOk-t&AOk-"', 'a6 LOGOUT']);
    const r = await tester.testLogin(target());
    expect(r.ok && [...r.folders!].sort()).toEqual(['INBOX', 'R&D', 'Réunions été', 'Проекты'].sort());
  });

  it('reports auth for a wrong password, without echoing it', async () => {
    const r = await tester.testLogin(target({ password: 'wrong-pass-CANARY' }));
    expect(r).toMatchObject({ ok: false, reason: 'auth' });
    expect(JSON.stringify(r)).not.toContain('CANARY');
  });

  it('reports tls for implicit TLS against a plaintext port, and for STARTTLS the server does not offer', async () => {
    expect(await tester.testLogin(target({ tls: 'ssl' }))).toMatchObject({ ok: false, reason: 'tls' });
    expect(await tester.testLogin(target({ tls: 'starttls' }))).toMatchObject({ ok: false, reason: 'tls' });
  });

  it('reports refused for a closed port', async () => {
    const stopped = await startDovecot({ bob: 'x' });
    const port = stopped.port;
    await stopped.stop();
    expect(await tester.testLogin(target({ port }))).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('refuses loopback when private hosts are not allowed (no connection is attempted)', async () => {
    const strict = createImapLoginTester({ policy: STRICT });
    expect(await strict.testLogin(target({ port: 143 }))).toMatchObject({ ok: false, reason: 'blocked' });
  });
});

describe('capabilityList', () => {
  it('keeps the atoms of what the server says it can do, as the server wrote them', () => {
    expect(capabilityList(['IMAP4rev1', 'SASL-IR', 'LOGIN-REFERRALS', 'ID', 'ENABLE', 'IDLE', 'SORT', 'MOVE', 'QUOTA'])).toEqual(['IMAP4rev1', 'SASL-IR', 'LOGIN-REFERRALS', 'ID', 'ENABLE', 'IDLE', 'SORT', 'MOVE', 'QUOTA']);
    expect(capabilityList(['IMAP4rev1', 'IDLE', 'AUTH=PLAIN', '<script>'])).toEqual(['IMAP4rev1', 'IDLE', 'AUTH=PLAIN']);
    expect(capabilityList([])).toEqual([]);
  });
});

describe('test login budget per admin', () => {
  const server: ServerProfile = { id: 'srv_budget0001', name: 'x', host: 'imap.example.org', port: 993, tls: 'ssl', verifyCert: true, notes: '', createdAt: '', updatedAt: '', version: 1 };
  const setup = () => {
    const windows = new Map<string, number>();
    const attempts: AttemptCounter = { hit: async (key) => windows.set(key, (windows.get(key) ?? 0) + 1).get(key)! };
    const calls: string[] = [];
    const ok: TestLoginResult = { ok: true, message: 'Logged in successfully.' };
    const testLogin = makeTestLogin({ servers: { get: async (id: string) => (id === server.id ? server : undefined) } as Pick<ServerStore, 'get'> as ServerStore, tester: { testLogin: async (t) => (calls.push(t.host), ok) }, attempts, now: () => 0 });
    return { testLogin, calls, windows };
  };

  it(`allows ${TEST_LOGIN_LIMIT.attempts} tests per admin in ${TEST_LOGIN_LIMIT.windowMs / 60_000} minutes (saved and ad-hoc together), then 429 before any connection`, async () => {
    const { testLogin, calls, windows } = setup();
    const adHoc = { host: 'imap.other.example', port: 993, tls: 'ssl' as const, verifyCert: true, user: 'a', password: 'p' };
    for (let i = 0; i < TEST_LOGIN_LIMIT.attempts; i++) {
      if (i % 2) await testLogin.adHoc(adHoc, 'Ops@Example.com');
      else await testLogin.saved(server.id, { user: 'a', password: 'p' }, 'ops@example.com');
    }
    expect(calls).toHaveLength(TEST_LOGIN_LIMIT.attempts);
    const refused = await testLogin.adHoc(adHoc, 'ops@example.com').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(900);
    expect(calls).toHaveLength(TEST_LOGIN_LIMIT.attempts);
    // Another admin has a budget of their own; keys never hold the address in clear.
    await testLogin.adHoc(adHoc, 'other@example.com');
    expect(calls).toHaveLength(TEST_LOGIN_LIMIT.attempts + 1);
    expect([...windows.keys()].join()).not.toMatch(/example/);
  });

  it('an unknown server is a 404 and costs nothing; the campaign form (no admin) is limited elsewhere', async () => {
    const { testLogin, windows } = setup();
    await expect(testLogin.saved('srv_missing0001', { user: 'a', password: 'p' }, 'ops@example.com')).rejects.toThrow('There is no such server.');
    await testLogin.saved(server.id, { user: 'a', password: 'p' });
    expect(windows.size).toBe(0);
  });
});
