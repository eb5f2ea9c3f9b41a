import { formatUserCount, PURELYMAIL_USER_CAP } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { SEED_DOMAINS, SEED_USER_COUNT } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { startDovecot, type Dovecot } from '../migrations/dovecot.ts';
import { body, type ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

const DAY = 24 * 3600_000;
/** An empty seeded domain whose users will all sort past PurelyMail's 1,000-name cap. */
const LATE = SEED_DOMAINS.fresh;
const LATE_USERS = Array.from({ length: 12 }, (_, i) => `zz${String(i + 1).padStart(2, '0')}@${LATE}`);
/** Fillers on another domain: with the 40 seeded users they fill the first 1,000 names of listUser and more. */
const FILLERS = Array.from({ length: PURELYMAIL_USER_CAP }, (_, i) => `m${String(i).padStart(4, '0')}@${SEED_DOMAINS.healthy}`);
const enc = encodeURIComponent;

/** Creates users the way a script or PurelyMail's console would: through PurelyMail's API, not the panel. */
async function createThroughPurelyMail(sandbox: Sandbox, addresses: string[]): Promise<void> {
  const create = async (address: string) => {
    const [userName, domainName] = address.split('@');
    const res = await fetch(`${sandbox.url}/api/v0/createUser`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Purelymail-Api-Token': sandbox.token },
      body: JSON.stringify({ userName, domainName, password: 'bulk-created-password-1', sendWelcomeEmail: false }),
    });
    const answer = (await res.json()) as { type: string };
    if (answer.type !== 'success') throw new Error(`createUser ${address}: ${JSON.stringify(answer)}`);
  };
  for (let i = 0; i < addresses.length; i += 25) await Promise.all(addresses.slice(i, i + 25).map(create));
}

// Issue 13: PurelyMail's listUser returns at most 1,000 names and has no pagination. An account past that
// must never have a domain deleted because its users fell past the cap (that deletes their mailboxes and mail).
describe('an account with more than 1,000 users (PurelyMail lists at most 1,000)', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let sandbox: Sandbox;
  const clock = new FakeClock();
  const ops = () => sandbox.requests().map((r) => r.op);
  let requestedBefore: { id: string };

  beforeAll(async () => {
    t = await startTestRuntime({}, clock);
    owner = await t.setupOwner();
    sandbox = t.runtime.sandbox!;
    await t.runtime.pendingSwept;
    // While the account is small, LATE is empty: its deletion is accepted and waits out the delay.
    const res = await owner.del(`/api/domains/${LATE}`);
    expect(res.status).toBe(202);
    requestedBefore = ((await res.json()) as { action: { id: string } }).action;
    // Then the account grows past the cap, through PurelyMail itself.
    await createThroughPurelyMail(sandbox, [...FILLERS, ...LATE_USERS]);
    expect(Object.keys(sandbox.state.users)).toHaveLength(SEED_USER_COUNT + FILLERS.length + LATE_USERS.length);
  }, 120_000);
  afterAll(() => t.close());

  it('the sandbox answers listUser exactly as PurelyMail does: the first 1,000 names, the late domain past them', async () => {
    const res = await fetch(`${sandbox.url}/api/v0/listUser`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Purelymail-Api-Token': sandbox.token }, body: '{}' });
    const { result } = (await res.json()) as { result: { users: string[] } };
    expect(result.users).toHaveLength(PURELYMAIL_USER_CAP);
    expect(result.users.filter((u) => u.endsWith(`@${LATE}`))).toEqual([]);
  });

  it('refuses the deletion at request time, saying why and what the admin can do; nothing is sent to deleteDomain', async () => {
    // Prepare: a second empty-looking domain, to request anew (LATE already has a pending request).
    sandbox.clearRequests();
    // Act
    const res = await owner.del(`/api/domains/${SEED_DOMAINS.missingDkim}`);
    const late = await owner.del(`/api/domains/${LATE}`);
    // Assess
    expect(res.status).toBe(409);
    const error = (await body(res)).error;
    expect(error.code).toBe('domain_users_unknown');
    expect(error.message).toContain('PurelyMail lists at most 1,000, so the panel cannot see whether oakridge.example still has users');
    // oakridge.example has 8 users; the capped list shows 1 of them.
    expect(Object.keys(sandbox.state.users).filter((u) => u.endsWith('@oakridge.example'))).toHaveLength(8);
    expect(error.message).toContain('It lists 1 user on oakridge.example, and there may be more');
    expect(error.message).toMatch(/Delete users until PurelyMail lists fewer than 1,000, then request the deletion again; or delete the domain in PurelyMail's own console/);
    expect(late.status).toBe(409);
    expect((await body(late)).error.code).toBe('domain_users_unknown');
    expect(ops()).not.toContain('deleteDomain');
  });

  it('refuses it at execution time too: the domain and its 12 users stay', async () => {
    // Prepare
    clock.advance(DAY);
    expect((await owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(200);
    sandbox.clearRequests();
    // Act
    expect(await t.runtime.deps.pendingActions.executeDue(requestedBefore.id)).toBe('failed');
    // Assess
    expect(ops()).not.toContain('deleteDomain');
    expect(sandbox.state.domains[LATE]).toBeDefined();
    expect(LATE_USERS.every((u) => sandbox.state.users[u])).toBe(true);
    const finished = await owner.json<{ finished: { id: string; status: string; reason: string }[] }>(owner.get('/api/pending-actions'));
    const action = finished.finished.find((a) => a.id === requestedBefore.id);
    expect(action?.status).toBe('failed');
    expect(action?.reason).toContain(`PurelyMail lists at most 1,000, so the panel cannot see whether ${LATE} still has users`);
  });

  it('every count says "1,000+ (PurelyMail lists at most 1,000)": users page, dashboard, domains', async () => {
    // Act
    const synced = await owner.json<{ totals: { users: number; usersCapped: boolean } }>(owner.post('/api/sync'));
    const users = await owner.json<{ users: string[]; capped: boolean }>(owner.get('/api/users'));
    const domains = await owner.json<{ domains: { name: string; users: number; usersCapped: boolean }[] }>(owner.get('/api/domains'));
    // Assess
    expect(synced.totals).toMatchObject({ users: PURELYMAIL_USER_CAP, usersCapped: true });
    expect(formatUserCount(synced.totals.users, synced.totals.usersCapped)).toBe('1,000+ (PurelyMail lists at most 1,000)');
    expect(users.capped).toBe(true);
    expect(formatUserCount(users.users.length, users.capped)).toBe('1,000+ (PurelyMail lists at most 1,000)');
    // Per domain the listed number is a lower bound, never "0 users, safe to delete".
    expect(domains.domains.find((d) => d.name === LATE)).toMatchObject({ users: 0, usersCapped: true });
    expect(domains.domains.every((d) => d.usersCapped)).toBe(true);
  });

  it('"no such user" and "already gone" come from getUser: a user past the cap opens, and its deletion can be requested', async () => {
    const late = LATE_USERS[0]!;
    sandbox.clearRequests();
    const detail = await owner.get(`/api/users/${enc(late)}`);
    expect(detail.status).toBe(200);
    expect(ops()).toEqual(['getUser']);
    const del = await owner.del(`/api/users/${enc(late)}`);
    expect(del.status).toBe(201);
    expect((await owner.get(`/api/users/${enc(`nobody@${LATE}`)}`)).status).toBe(404);
  });

  it('a migration campaign does not plan to create a mailbox that exists past the cap (getUser says it exists)', async () => {
    // Prepare: a campaign into LATE; an admin-added row whose destination, zz03@LATE, is past the cap.
    const dovecot: Dovecot = await startDovecot({ 'zz03@old.example': 'old-mailbox-password-3', 'newbie@old.example': 'old-mailbox-password-4' });
    try {
      const server = (name: string) => owner.json<{ id: string }>(owner.post('/api/migrations/servers', { name, host: '127.0.0.1', port: dovecot.port, tls: 'none', verifyCert: false }));
      const [source, dest] = [await server('Old'), await server('PurelyMail')];
      const { campaign } = await owner.json<{ campaign: { id: string } }>(owner.post('/api/migrations/campaigns', { name: 'Late Co', requester: 'IT', sourceServerId: source.id, destServerId: dest.id, destDomain: LATE }));
      for (const local of ['zz03', 'newbie']) {
        const add = await owner.post(`/api/migrations/campaigns/${campaign.id}/submissions`, { name: local, sourceEmail: `${local}@old.example`, sourcePassword: `old-mailbox-password-${local === 'zz03' ? 3 : 4}` });
        expect(add.status).toBe(201);
      }
      // Act
      const detail = await owner.json<{ submissions: { destEmail: string; willBeCreated: boolean }[] }>(owner.get(`/api/migrations/campaigns/${campaign.id}`));
      // Assess: the mailbox past the cap is known to exist; a new one is still planned.
      expect(detail.submissions.map((s) => [s.destEmail, s.willBeCreated]).sort()).toEqual([
        [`newbie@${LATE}`, true],
        [`zz03@${LATE}`, false],
      ]);
    } finally {
      await dovecot.stop();
    }
  });

  it('the route trace asks getUser about an address a capped list does not show', async () => {
    const trace = await owner.json<{ mailboxes: string[]; bounced: string[] }>(owner.get(`/api/routing/trace?address=${enc(LATE_USERS[1]!)}`));
    expect(trace).toMatchObject({ mailboxes: [LATE_USERS[1]], bounced: [] });
  });
});
