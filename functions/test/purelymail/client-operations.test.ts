import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/local/purelymail-sandbox/request-log.ts';
import { SEED_CREDIT, SEED_DOMAINS, SEED_OWNERSHIP_CODE, SEED_PENDING_DOMAIN, SEED_RULES, SEED_USER_COUNT } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { startFixture } from './sandbox-fixture.ts';

// Every operation through the real client against the sandbox over HTTP; the sandbox's request log
// shows the exact JSON that went over the wire.
const f = await startFixture();
afterAll(() => f.sandbox.close());
beforeEach(async () => {
  f.sandbox.reset();
  await f.clearSent();
});

async function lastSent() {
  const sent = await f.sent();
  const last = sent.at(-1);
  expect(last?.tokenValid).toBe(true);
  return { op: last?.op, body: last?.body };
}

describe('user operations', () => {
  it('createUser sends the local part and domain separately, then the user exists', async () => {
    await f.client.createUser({ userName: 'zara', domainName: SEED_DOMAINS.healthy, password: 'pw-1234567', sendWelcomeEmail: false, enablePasswordReset: false });
    expect(await lastSent()).toEqual({
      op: 'createUser',
      body: { userName: 'zara', domainName: SEED_DOMAINS.healthy, password: REDACTED, sendWelcomeEmail: false, enablePasswordReset: false },
    });
    expect(f.sandbox.verifyPassword('zara@northwind.example', 'pw-1234567')).toBe(true);
    const user = await f.client.getUser({ userName: 'zara@northwind.example' });
    expect(user).toEqual({ enableSearchIndexing: true, recoveryEnabled: false, requireTwoFactorAuthentication: false, enableSpamFiltering: true, resetMethods: [] });
  });

  it('listUser sends {} and returns full addresses', async () => {
    const { users } = await f.client.listUser();
    expect(await lastSent()).toEqual({ op: 'listUser', body: {} });
    expect(users).toHaveLength(SEED_USER_COUNT);
    expect(users).toContain('alice@northwind.example');
  });

  it('getUser sends the full address', async () => {
    const user = await f.client.getUser({ userName: 'alice@northwind.example' });
    expect(await lastSent()).toEqual({ op: 'getUser', body: { userName: 'alice@northwind.example' } });
    expect(user.enableSpamFiltering).toBe(true);
  });

  it('modifyUser sends newPassword (never password) and only the changed fields', async () => {
    await f.client.modifyUser({ userName: 'bob@northwind.example', newPassword: 'new-secret-99', enableSearchIndexing: false });
    expect(await lastSent()).toEqual({ op: 'modifyUser', body: { userName: 'bob@northwind.example', newPassword: REDACTED, enableSearchIndexing: false } });
    expect(f.sandbox.verifyPassword('bob@northwind.example', 'new-secret-99')).toBe(true);
    expect((await f.client.getUser({ userName: 'bob@northwind.example' })).enableSearchIndexing).toBe(false);
  });

  it('modifyUser renames with newUserName', async () => {
    await f.client.modifyUser({ userName: 'bob@northwind.example', newUserName: 'robert@northwind.example' });
    const { users } = await f.client.listUser();
    expect(users).toContain('robert@northwind.example');
    expect(users).not.toContain('bob@northwind.example');
  });

  it('deleteUser sends the full address and removes the user', async () => {
    await f.client.deleteUser({ userName: 'mei@northwind.example' });
    expect(await lastSent()).toEqual({ op: 'deleteUser', body: { userName: 'mei@northwind.example' } });
    expect((await f.client.listUser()).users).not.toContain('mei@northwind.example');
  });
});

describe('password reset operations', () => {
  it('upsert, list (under `users`) and delete one method', async () => {
    await f.client.upsertPasswordReset({ userName: 'bob@northwind.example', type: 'phone', target: '+15550100', description: 'Desk' });
    expect(await lastSent()).toEqual({ op: 'upsertPasswordReset', body: { userName: 'bob@northwind.example', type: 'phone', target: '+15550100', description: 'Desk' } });
    const listed = await f.client.listPasswordReset({ userName: 'bob@northwind.example' });
    expect(await lastSent()).toEqual({ op: 'listPasswordReset', body: { userName: 'bob@northwind.example' } });
    expect(listed.users).toContainEqual({ type: 'phone', target: '+15550100', description: 'Desk', allowMfaReset: true });

    await f.client.upsertPasswordReset({ userName: 'bob@northwind.example', type: 'phone', target: '+15550199', existingTarget: '+15550100' });
    const changed = await f.client.listPasswordReset({ userName: 'bob@northwind.example' });
    expect(changed.users.map((m) => m.target)).toContain('+15550199');
    expect(changed.users.map((m) => m.target)).not.toContain('+15550100');

    await f.client.deletePasswordReset({ userName: 'bob@northwind.example', target: '+15550199' });
    expect(await lastSent()).toEqual({ op: 'deletePasswordReset', body: { userName: 'bob@northwind.example', target: '+15550199' } });
    expect((await f.client.listPasswordReset({ userName: 'bob@northwind.example' })).users.map((m) => m.target)).not.toContain('+15550199');
  });

  it('deletePasswordReset without target removes every method', async () => {
    await f.client.upsertPasswordReset({ userName: 'bob@northwind.example', type: 'email', target: 'b1@example.net' });
    await f.client.upsertPasswordReset({ userName: 'bob@northwind.example', type: 'email', target: 'b2@example.net' });
    await f.client.deletePasswordReset({ userName: 'bob@northwind.example' });
    expect(await lastSent()).toEqual({ op: 'deletePasswordReset', body: { userName: 'bob@northwind.example' } });
    expect((await f.client.listPasswordReset({ userName: 'bob@northwind.example' })).users).toEqual([]);
  });
});

describe('routing operations', () => {
  it('create returns nothing, list shows the new rule with the next id, delete sends routingRuleId', async () => {
    await f.client.createRoutingRule({ domainName: SEED_DOMAINS.healthy, prefix: false, matchUser: 'jobs', targetAddresses: ['carmen@northwind.example'], catchall: false });
    expect(await lastSent()).toEqual({
      op: 'createRoutingRule',
      body: { domainName: SEED_DOMAINS.healthy, prefix: false, matchUser: 'jobs', targetAddresses: ['carmen@northwind.example'], catchall: false },
    });
    const { rules } = await f.client.listRoutingRules();
    expect(await lastSent()).toEqual({ op: 'listRoutingRules', body: {} });
    const created = rules.find((r) => r.matchUser === 'jobs');
    expect(created?.id).toBe(SEED_RULES.length + 1);

    await f.client.deleteRoutingRule({ routingRuleId: created!.id });
    expect(await lastSent()).toEqual({ op: 'deleteRoutingRule', body: { routingRuleId: created!.id } });
    expect((await f.client.listRoutingRules()).rules.some((r) => r.matchUser === 'jobs')).toBe(false);
  });
});

describe('domain operations', () => {
  it('getOwnershipCode returns the full TXT value', async () => {
    expect(await f.client.getOwnershipCode()).toEqual({ code: SEED_OWNERSHIP_CODE });
    expect(await lastSent()).toEqual({ op: 'getOwnershipCode', body: {} });
  });

  it('addDomain sends domainName; listDomains shows it unhealthy but owned', async () => {
    await f.client.addDomain({ domainName: SEED_PENDING_DOMAIN });
    expect(await lastSent()).toEqual({ op: 'addDomain', body: { domainName: SEED_PENDING_DOMAIN } });
    const { domains } = await f.client.listDomains();
    expect(await lastSent()).toEqual({ op: 'listDomains', body: {} });
    expect(domains.find((d) => d.name === SEED_PENDING_DOMAIN)).toEqual({
      name: SEED_PENDING_DOMAIN,
      allowAccountReset: true,
      symbolicSubaddressing: true,
      isShared: false,
      dnsSummary: { passesMx: false, passesSpf: false, passesDkim: false, passesDmarc: false },
    });
  });

  it('updateDomainSettings and deleteDomain send `name`', async () => {
    await f.client.updateDomainSettings({ name: SEED_DOMAINS.healthy, allowAccountReset: false });
    expect(await lastSent()).toEqual({ op: 'updateDomainSettings', body: { name: SEED_DOMAINS.healthy, allowAccountReset: false } });
    const { domains } = await f.client.listDomains({ includeShared: false });
    expect(domains.find((d) => d.name === SEED_DOMAINS.healthy)?.allowAccountReset).toBe(false);

    await f.client.deleteDomain({ name: SEED_DOMAINS.fresh });
    expect(await lastSent()).toEqual({ op: 'deleteDomain', body: { name: SEED_DOMAINS.fresh } });
    expect((await f.client.listDomains()).domains.map((d) => d.name)).not.toContain(SEED_DOMAINS.fresh);
  });
});

describe('app passwords and credit', () => {
  it('createAppPassword sends userHandle and returns the secret once; deleteAppPassword sends userName + appPassword', async () => {
    const { appPassword } = await f.client.createAppPassword({ userHandle: 'alice@northwind.example', name: 'Thunderbird' });
    expect(await lastSent()).toEqual({ op: 'createAppPassword', body: { userHandle: 'alice@northwind.example', name: 'Thunderbird' } });
    expect(f.sandbox.verifyAppPassword('alice@northwind.example', appPassword)).toBe(true);
    expect(JSON.stringify(f.sandbox.state)).not.toContain(appPassword);

    await f.client.deleteAppPassword({ userName: 'alice@northwind.example', appPassword });
    expect(await lastSent()).toEqual({ op: 'deleteAppPassword', body: { userName: 'alice@northwind.example', appPassword: REDACTED } });
    expect(f.sandbox.verifyAppPassword('alice@northwind.example', appPassword)).toBe(false);
  });

  it('checkAccountCredit returns the exact decimal string', async () => {
    expect(await f.client.checkAccountCredit()).toEqual({ credit: SEED_CREDIT });
    expect(await lastSent()).toEqual({ op: 'checkAccountCredit', body: {} });
  });
});

describe('request log', () => {
  it('never records the token or a password', async () => {
    await f.client.createUser({ userName: 'yusuf', domainName: SEED_DOMAINS.healthy, password: 'hunter2-secret' });
    const text = JSON.stringify(await f.sent());
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain(f.sandbox.token);
  });
});
