import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { SEED_USER_COUNT } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { body, type ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

const REDACTED = '[redacted]';
const NEW_PASSWORD = 'Mailbox-canary-pass-7781';

/** The PurelyMail calls the sandbox received since the last clear: operation and body. */
const sent = (sandbox: Sandbox) => sandbox.requests().map((r) => ({ op: r.op, body: r.body }));
const enc = encodeURIComponent;

describe('users over HTTP against the PurelyMail sandbox', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let sandbox: Sandbox;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await startTestRuntime({}, clock);
    owner = await t.setupOwner();
    sandbox = t.runtime.sandbox!;
    await t.runtime.pendingSwept;
  });
  afterAll(() => t.close());
  beforeEach(() => sandbox.clearRequests());

  /** Moving the clock a day ends the session (idle timeout): sign in again. */
  async function advanceAndSignIn(ms: number) {
    clock.advance(ms);
    const res = await owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
  }

  it('lists users from PurelyMail on first visit, then from the cache only', async () => {
    // Prepare / Act
    const first = await owner.json<{ users: string[]; capped: boolean; syncedAt: string; domains: { name: string }[] }>(owner.get('/api/users'));
    // Assess
    expect(first.users).toHaveLength(SEED_USER_COUNT);
    expect(first.capped).toBe(false);
    expect(first.syncedAt).toBe(clock.now().toISOString());
    expect(first.domains.map((d) => d.name)).toContain('bluefern.example');
    expect(sent(sandbox).map((r) => r.op).sort()).toEqual(['checkAccountCredit', 'listDomains', 'listRoutingRules', 'listUser']);
    sandbox.clearRequests();
    await owner.get('/api/users');
    expect(sent(sandbox)).toEqual([]);
  });

  it('creates a user with exactly the fields PurelyMail expects, and lists it without a refresh', async () => {
    const res = await owner.post('/api/users', {
      localPart: 'Zara',
      domain: 'northwind.example',
      password: NEW_PASSWORD,
      recoveryEmail: 'zara.home@example.net',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ address: 'zara@northwind.example' });
    expect(sent(sandbox)).toEqual([
      {
        op: 'createUser',
        body: {
          userName: 'zara',
          domainName: 'northwind.example',
          password: REDACTED,
          enablePasswordReset: true,
          enableSearchIndexing: true,
          sendWelcomeEmail: false,
          recoveryEmail: 'zara.home@example.net',
        },
      },
    ]);
    expect(sandbox.verifyPassword('zara@northwind.example', NEW_PASSWORD)).toBe(true);
    sandbox.clearRequests();
    const list = await owner.json<{ users: string[] }>(owner.get('/api/users'));
    expect(list.users).toContain('zara@northwind.example');
    expect(sent(sandbox)).toEqual([]);
  });

  it('sends the options the admin chose (no search indexing, no reset, welcome email)', async () => {
    const res = await owner.post('/api/users', {
      localPart: 'yusuf',
      domain: 'oakridge.example',
      password: NEW_PASSWORD,
      enableSearchIndexing: false,
      enablePasswordReset: false,
      sendWelcomeEmail: true,
    });
    expect(res.status).toBe(201);
    expect(sent(sandbox)).toEqual([
      {
        op: 'createUser',
        body: { userName: 'yusuf', domainName: 'oakridge.example', password: REDACTED, enablePasswordReset: false, enableSearchIndexing: false, sendWelcomeEmail: true },
      },
    ]);
  });

  it('refuses bad input before calling PurelyMail, with field errors', async () => {
    const cases: [unknown, string][] = [
      [{ localPart: 'a b', domain: 'northwind.example', password: NEW_PASSWORD }, 'localPart'],
      [{ localPart: 'ok', domain: 'northwind.example', password: 'short' }, 'password'],
      [{ localPart: 'ok', domain: 'not a domain', password: NEW_PASSWORD }, 'domain'],
      [{ localPart: 'ok', domain: 'northwind.example', password: NEW_PASSWORD, isAdmin: true }, '(body)'],
      [{ localPart: 'ok', domain: 'northwind.example', password: NEW_PASSWORD, enablePasswordReset: false, recoveryEmail: 'a@b.example' }, 'recoveryEmail'],
      // Symbolic subaddressing is on for northwind: PurelyMail would refuse "first.last".
      [{ localPart: 'first.last', domain: 'northwind.example', password: NEW_PASSWORD }, 'localPart'],
    ];
    for (const [input, field] of cases) {
      const res = await owner.post('/api/users', input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect((await body(res)).error.fields?.map((f) => f.path), JSON.stringify(input)).toContain(field);
    }
    expect(sent(sandbox)).toEqual([]);
  });

  it('allows symbols where symbolic subaddressing is off', async () => {
    const res = await owner.post('/api/users', { localPart: 'first.last', domain: 'bluefern.example', password: NEW_PASSWORD });
    expect(res.status).toBe(201);
  });

  it('says clearly when the user exists or the domain is unknown', async () => {
    const dup = await owner.post('/api/users', { localPart: 'alice', domain: 'northwind.example', password: NEW_PASSWORD });
    expect(dup.status).toBe(409);
    expect((await body(dup)).error.message).toBe('alice@northwind.example already exists.');
    expect(sent(sandbox)).toEqual([]);

    const unknown = await owner.post('/api/users', { localPart: 'kim', domain: 'nowhere.example', password: NEW_PASSWORD });
    expect(unknown.status).toBe(400);
    expect((await body(unknown)).error.message).toMatch(/nowhere\.example is not a domain on this PurelyMail account/);
    expect(sent(sandbox)).toEqual([{ op: 'listDomains', body: { includeShared: true } }]);
  });

  it('caches nothing when PurelyMail fails or times out', async () => {
    sandbox.injectFault({ op: 'createUser', status: 503, count: 5 });
    const res = await owner.post('/api/users', { localPart: 'failing', domain: 'northwind.example', password: NEW_PASSWORD });
    expect(res.status).toBe(503);
    expect((await body(res)).error.message).toMatch(/Nothing was changed/);
    sandbox.clearFaults();
    const list = await owner.json<{ users: string[] }>(owner.get('/api/users'));
    expect(list.users).not.toContain('failing@northwind.example');
    expect(sandbox.state.users['failing@northwind.example']).toBeUndefined();
  });

  it('passes PurelyMail refusals on as a readable 422', async () => {
    // The cache does not know this user yet, PurelyMail does: its own refusal reaches the admin.
    await fetch(`${sandbox.url}/api/v0/createUser`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Purelymail-Api-Token': sandbox.token },
      body: JSON.stringify({ userName: 'outside', domainName: 'northwind.example', password: NEW_PASSWORD }),
    });
    sandbox.clearRequests();
    const res = await owner.post('/api/users', { localPart: 'outside', domain: 'northwind.example', password: NEW_PASSWORD });
    expect(res.status).toBe(422);
    expect((await body(res)).error.message).toBe('PurelyMail refused: User already exists');
  });

  it('reads a user with getUser when the detail opens', async () => {
    const detail = await owner.json<Record<string, unknown>>(owner.get(`/api/users/${enc('alice@northwind.example')}`));
    expect(sent(sandbox)).toEqual([{ op: 'getUser', body: { userName: 'alice@northwind.example' } }]);
    expect(detail).toMatchObject({ address: 'alice@northwind.example', pendingDeletion: null });
    expect(Object.keys(detail).sort()).toEqual([
      'address',
      'enableSearchIndexing',
      'enableSpamFiltering',
      'pendingDeletion',
      'recoveryEnabled',
      'requireTwoFactorAuthentication',
      'resetMethods',
      'unreadableResetMethods',
    ]);
  });

  it('answers 404 for a user PurelyMail does not have, from getUser alone (listUser stops at 1,000 names)', async () => {
    const res = await owner.get(`/api/users/${enc('ghost@northwind.example')}`);
    expect(res.status).toBe(404);
    expect(sent(sandbox).map((r) => r.op)).toEqual(['getUser']);
    // A refused change is told apart from "no such user" by getUser too.
    sandbox.clearRequests();
    const change = await owner.put(`/api/users/${enc('ghost@northwind.example')}`, { enableSearchIndexing: true });
    expect(change.status).toBe(404);
    expect(sent(sandbox).map((r) => r.op)).toEqual(['modifyUser', 'getUser']);
    expect((await owner.get('/api/users/not-an-address')).status).toBe(400);
  });

  it('modifies 2FA, search indexing and password reset with only the fields changed', async () => {
    const address = 'bob@northwind.example';
    const twoFa = await owner.json<{ requireTwoFactorAuthentication: boolean }>(owner.put(`/api/users/${enc(address)}`, { requireTwoFactorAuthentication: true }));
    expect(twoFa.requireTwoFactorAuthentication).toBe(true);
    const indexing = await owner.json<{ enableSearchIndexing: boolean }>(owner.put(`/api/users/${enc(address)}`, { enableSearchIndexing: false }));
    expect(indexing.enableSearchIndexing).toBe(false);
    await owner.put(`/api/users/${enc(address)}`, { enablePasswordReset: false });
    expect(sent(sandbox)).toEqual([
      // Turning 2FA on reads the user first (its precondition is checked by the panel).
      { op: 'getUser', body: { userName: address } },
      { op: 'modifyUser', body: { userName: address, requireTwoFactorAuthentication: true } },
      { op: 'getUser', body: { userName: address } },
      { op: 'modifyUser', body: { userName: address, enableSearchIndexing: false } },
      { op: 'getUser', body: { userName: address } },
      { op: 'modifyUser', body: { userName: address, enablePasswordReset: false } },
      { op: 'getUser', body: { userName: address } },
    ]);
    expect(sandbox.state.users[address]).toMatchObject({ requireTwoFactorAuthentication: true, enableSearchIndexing: false, recoveryEnabled: false });
    const empty = await owner.put(`/api/users/${enc(address)}`, {});
    expect(empty.status).toBe(400);
  });

  it('requires 2FA only of a user who can recover: password reset on and a recovery method, else a 409 saying why', async () => {
    // Prepare: carmen has password reset on and no recovery method (seed).
    const address = 'carmen@northwind.example';
    // Act
    const refused = await owner.put(`/api/users/${enc(address)}`, { requireTwoFactorAuthentication: true });
    // Assess: explained, and PurelyMail was only read.
    expect(refused.status).toBe(409);
    const error = (await body(refused)).error;
    expect(error.code).toBe('two_factor_needs_recovery');
    expect(error.message).toMatch(/there is no recovery method.*cannot set up an authenticator.*Add a recovery method first/);
    expect(sent(sandbox).map((r) => r.op)).toEqual(['getUser']);
    expect(sandbox.state.users[address]!.requireTwoFactorAuthentication).toBe(false);

    // With a recovery method it goes through.
    expect((await owner.put(`/api/users/${enc(address)}/reset-methods`, { type: 'email', target: 'carmen.home@example.net' })).status).toBe(200);
    const ok = await owner.put(`/api/users/${enc(address)}`, { requireTwoFactorAuthentication: true });
    expect(ok.status).toBe(200);
    expect(sandbox.state.users[address]!.requireTwoFactorAuthentication).toBe(true);

    // elena has password reset off and no method: both are named.
    const elena = await owner.put(`/api/users/${enc('elena@northwind.example')}`, { requireTwoFactorAuthentication: true });
    expect(elena.status).toBe(409);
    expect((await body(elena)).error.message).toMatch(/password reset is off and there is no recovery method.*and allow password reset first/);
  });

  it('turns password reset back on only with a password, sent in the same call and kept out of the audit log', async () => {
    // Prepare: elena has password reset off (seed); PurelyMail's console asks for a password to turn it on.
    const address = 'elena@northwind.example';
    sandbox.behaviour.enablePasswordResetNeedsPassword = true;
    try {
      // Act: without a password.
      const refused = await owner.put(`/api/users/${enc(address)}`, { enablePasswordReset: true });
      // Assess
      expect(refused.status).toBe(400);
      expect((await body(refused)).error.fields).toEqual([{ path: 'newPassword', message: 'is needed to turn password reset back on' }]);
      expect(sent(sandbox).map((r) => r.op)).toEqual(['getUser']);

      // Act: with one.
      sandbox.clearRequests();
      const ok = await owner.json<{ recoveryEnabled: boolean }>(owner.put(`/api/users/${enc(address)}`, { enablePasswordReset: true, newPassword: NEW_PASSWORD }));
      // Assess
      expect(ok.recoveryEnabled).toBe(true);
      expect(sent(sandbox)).toContainEqual({ op: 'modifyUser', body: { userName: address, enablePasswordReset: true, newPassword: REDACTED } });
      expect(sandbox.verifyPassword(address, NEW_PASSWORD)).toBe(true);
      const audit = await owner.json<{ entries: { action: string; details?: string }[] }>(owner.get('/api/audit?action=user.update'));
      expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
      expect(audit.entries[0]?.details).toContain('"newPassword":"set"');

      // A password only goes with turning password reset on.
      const stray = await owner.put(`/api/users/${enc(address)}`, { enableSearchIndexing: true, newPassword: NEW_PASSWORD });
      expect(stray.status).toBe(400);
    } finally {
      sandbox.behaviour.enablePasswordResetNeedsPassword = false;
    }
  });

  it('resets a password with newPassword (never "password") and keeps it out of responses and the audit log', async () => {
    const address = 'carmen@northwind.example';
    const res = await owner.post(`/api/users/${enc(address)}/password`, { newPassword: NEW_PASSWORD });
    expect(res.status).toBe(204);
    expect(sent(sandbox)).toEqual([{ op: 'modifyUser', body: { userName: address, newPassword: REDACTED } }]);
    expect(sandbox.verifyPassword(address, NEW_PASSWORD)).toBe(true);
    const audit = await owner.json<{ entries: unknown[] }>(owner.get('/api/audit?limit=200'));
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
    expect(t.logs.join('\n')).not.toContain(NEW_PASSWORD);
    expect((await owner.post(`/api/users/${enc(address)}/password`, { newPassword: 'short' })).status).toBe(400);
  });

  it('refuses, with a 400 sentence, the mailbox passwords the strength meter calls weak, and sends nothing to PurelyMail', async () => {
    const { loadPasswordJudge } = await import('@app/shared/password-strength');
    const judge = await loadPasswordJudge();
    for (const weak of ['password1234', 'qwertyuiop12', 'passwordpassword']) {
      // The meter's verdict on the same inputs (the dialog gives [local part, domain], the reset form the address).
      expect(judge(weak, ['kim', 'northwind.example']).weak, weak).toBe(true);
      const created = await owner.post('/api/users', { localPart: 'kim', domain: 'northwind.example', password: weak });
      expect(created.status, weak).toBe(400);
      const err = (await body(created)).error;
      expect(err.message).toBe(
        'Choose a stronger password for kim@northwind.example: it is one of the 3,000 most common passwords (or one of them repeated or padded with digits and symbols), the first ones attackers try. Use Generate for a strong random one.',
      );
      expect(err.fields).toEqual([{ path: 'password', message: 'is one of the most common passwords' }]);
      const reset = await owner.post(`/api/users/${enc('carmen@northwind.example')}/password`, { newPassword: weak });
      expect(reset.status, weak).toBe(400);
      expect((await body(reset)).error.fields).toEqual([{ path: 'newPassword', message: 'is one of the most common passwords' }]);
    }
    // Not on the list, but built from the address: the meter says Weak, so the API refuses too.
    expect(judge('northwind2024', ['carmen@northwind.example'])).toMatchObject({ common: false, weak: true });
    const fromAddress = await owner.post(`/api/users/${enc('carmen@northwind.example')}/password`, { newPassword: 'northwind2024' });
    expect(fromAddress.status).toBe(400);
    expect((await body(fromAddress)).error.message).toMatch(/^Choose a stronger password for carmen@northwind\.example: the strength meter rates it below Good/);
    // What the meter calls Good or Strong goes through.
    expect(judge(NEW_PASSWORD, ['carmen@northwind.example']).weak).toBe(false);
    expect(sent(sandbox).filter((r) => r.op === 'createUser' || r.op === 'modifyUser')).toEqual([]);
  });

  it('adds, changes and removes recovery methods with the exact PurelyMail calls', async () => {
    const address = 'deepak@northwind.example';
    const added = await owner.json<{ resetMethods: { target: string }[] }>(
      owner.put(`/api/users/${enc(address)}/reset-methods`, { type: 'email', target: 'deepak.home@example.net', description: 'Home', allowMfaReset: false }),
    );
    expect(added.resetMethods.map((m) => m.target)).toContain('deepak.home@example.net');
    await owner.put(`/api/users/${enc(address)}/reset-methods`, { type: 'phone', target: '+15550100999' });
    const removed = await owner.json<{ resetMethods: { target: string }[] }>(owner.del(`/api/users/${enc(address)}/reset-methods/${enc('deepak.home@example.net')}`));
    expect(removed.resetMethods.map((m) => m.target)).not.toContain('deepak.home@example.net');
    expect(sent(sandbox)).toEqual([
      { op: 'upsertPasswordReset', body: { userName: address, type: 'email', target: 'deepak.home@example.net', description: 'Home', allowMfaReset: false } },
      { op: 'getUser', body: { userName: address } },
      // A new method without allowMfaReset does not reset 2FA (PurelyMail's own default would).
      { op: 'upsertPasswordReset', body: { userName: address, type: 'phone', target: '+15550100999', allowMfaReset: false } },
      { op: 'getUser', body: { userName: address } },
      { op: 'listPasswordReset', body: { userName: address } },
      { op: 'deletePasswordReset', body: { userName: address, target: 'deepak.home@example.net' } },
      { op: 'getUser', body: { userName: address } },
    ]);
    sandbox.clearRequests();
    const missing = await owner.del(`/api/users/${enc(address)}/reset-methods/${enc('nobody@example.net')}`);
    expect(missing.status).toBe(404);
    // Never a target-less delete, which would remove every method.
    expect(sent(sandbox)).toEqual([{ op: 'listPasswordReset', body: { userName: address } }]);
    const bad = await owner.put(`/api/users/${enc(address)}/reset-methods`, { type: 'email', target: 'not-an-email' });
    expect(bad.status).toBe(400);
  });

  it('delays a deletion: the user stays until the delay runs out, then exactly one deleteUser', async () => {
    const address = 'elena@northwind.example';
    const first = await owner.del(`/api/users/${enc(address)}`);
    expect(first.status).toBe(201);
    const { action } = (await first.json()) as { action: { id: string; executeAt: string; status: string; label: string; requestedBy: string } };
    expect(action).toMatchObject({ status: 'pending', label: `Delete user ${address}`, requestedBy: 'owner@example.com' });
    expect(Date.parse(action.executeAt) - clock.now().getTime()).toBe(24 * 3600_000);

    const again = await owner.del(`/api/users/${enc(address)}`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { action: { id: string } }).action.id).toBe(action.id);
    expect(sent(sandbox).filter((r) => r.op === 'deleteUser')).toEqual([]);
    expect(sandbox.state.users[address]).toBeDefined();

    const list = await owner.json<{ pendingDeletions: { target: string }[] }>(owner.get('/api/users'));
    expect(list.pendingDeletions.map((a) => a.target)).toEqual([address]);
    const detail = await owner.json<{ pendingDeletion: { id: string } }>(owner.get(`/api/users/${enc(address)}`));
    expect(detail.pendingDeletion.id).toBe(action.id);

    // Not due yet: the sweeper leaves it.
    clock.advance(23 * 3600_000);
    expect(await t.runtime.deps.pendingActions.sweep()).toBe(0);
    await advanceAndSignIn(3600_000);
    sandbox.clearRequests();
    expect(await t.runtime.deps.pendingActions.sweep()).toBe(1);
    expect(sent(sandbox)).toEqual([{ op: 'deleteUser', body: { userName: address } }]);
    expect(sandbox.state.users[address]).toBeUndefined();
    const after = await owner.json<{ users: string[]; pendingDeletions: unknown[] }>(owner.get('/api/users'));
    expect(after.users).not.toContain(address);
    expect(after.pendingDeletions).toEqual([]);
  });

  it('refuses to queue the deletion of a user that does not exist', async () => {
    const res = await owner.del(`/api/users/${enc('ghost@northwind.example')}`);
    expect(res.status).toBe(404);
    const pending = await owner.json<{ actions: unknown[] }>(owner.get('/api/pending-actions'));
    expect(pending.actions).toEqual([]);
  });
});
