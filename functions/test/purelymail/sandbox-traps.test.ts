import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PurelyMailApiError, PurelyMailRequestInvalidError } from '../../src/modules/purelymail/errors.ts';
import { SEED_DOMAINS, SEED_OWNERSHIP_CODE, SEED_PENDING_DOMAIN, SEED_RULES } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { startFixture, TEST_TOKEN } from './sandbox-fixture.ts';

const f = await startFixture();
afterAll(() => f.sandbox.close());
beforeEach(async () => {
  f.sandbox.reset();
  await f.clearSent();
});

async function apiError(promise: Promise<unknown>): Promise<PurelyMailApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PurelyMailApiError);
  return error as PurelyMailApiError;
}

const HEALTHY_ZONE = (d: string) => [
  { name: '@', type: 'TXT', value: SEED_OWNERSHIP_CODE },
  { name: '@', type: 'MX', value: 'mailserver.purelymail.com.', priority: 10 },
  { name: '@', type: 'TXT', value: '"v=spf1 include:_spf.purelymail.com ~all"' },
  { name: `purelymail1._domainkey.${d}`, type: 'CNAME', value: 'key1.dkimroot.purelymail.com' },
  { name: 'purelymail2._domainkey', type: 'CNAME', value: 'key2.dkimroot.purelymail.com.' },
  { name: 'purelymail3._domainkey', type: 'CNAME', value: 'KEY3.dkimroot.purelymail.com' },
  { name: '_dmarc', type: 'CNAME', value: 'dmarcroot.purelymail.com' },
];

describe('protocol', () => {
  it('a missing or wrong token gets invalidToken with HTTP 200', async () => {
    expect(await f.raw('listUser', {}, null)).toEqual({ status: 200, json: { type: 'error', code: 'invalidToken', message: 'Token not valid.' } });
    expect(await f.raw('listUser', {}, 'pm-live-wrong')).toEqual({ status: 200, json: { type: 'error', code: 'invalidToken', message: 'Token not valid.' } });
  });

  it('unknown operations and non-POST methods get 404', async () => {
    expect((await f.raw('listUsers', {})).status).toBe(404);
    expect((await fetch(`${f.sandbox.url}/api/v0/listUser`, { headers: { 'Purelymail-Api-Token': TEST_TOKEN } })).status).toBe(404);
    expect((await fetch(`${f.sandbox.url}/api/listUser`, { method: 'POST', headers: { 'Purelymail-Api-Token': TEST_TOKEN } })).status).toBe(404);
  });

  it('unknown fields are silently ignored: modifyUser {password} succeeds and changes nothing', async () => {
    const res = await f.raw('modifyUser', { userName: 'bob@northwind.example', password: 'ignored-pass' });
    expect(res).toEqual({ status: 200, json: { type: 'success', result: {} } });
    expect(f.sandbox.verifyPassword('bob@northwind.example', 'ignored-pass')).toBe(false);
  });

  it('deleteDomain with {domainName} is an invalid request (name is required), not a deletion', async () => {
    const res = await f.raw('deleteDomain', { domainName: SEED_DOMAINS.fresh });
    expect(res.json).toMatchObject({ type: 'error', code: 'invalidRequest' });
    expect(Object.keys(f.sandbox.state.domains)).toContain(SEED_DOMAINS.fresh);
  });

  it('missing required fields and non-object bodies get invalidRequest', async () => {
    expect((await f.raw('createUser', { userName: 'x' })).json).toMatchObject({ type: 'error', code: 'invalidRequest' });
    expect((await f.raw('listUser', [])).json).toMatchObject({ type: 'error', code: 'invalidRequest' });
  });

  it('the client refuses wrong field names before sending anything', async () => {
    const wrong = [
      () => f.client.modifyUser({ userName: 'bob@northwind.example', password: 'x' } as never),
      () => f.client.deleteDomain({ domainName: 'x.example' } as never),
      () => f.client.createAppPassword({ userName: 'bob@northwind.example' } as never),
      () => f.client.deleteRoutingRule({ id: 3 } as never),
      () => f.client.createUser({ userName: 'bob@northwind.example', domainName: 'northwind.example', password: 'p' }),
    ];
    for (const call of wrong) await expect(call()).rejects.toBeInstanceOf(PurelyMailRequestInvalidError);
    expect(await f.sent()).toEqual([]);
  });

  it('app-password operations check fields as the other operations do: the client refuses unknown ones, the sandbox (like PurelyMail) ignores them', async () => {
    // The client's strict schemas: an extra or misspelled field is refused before anything is sent.
    const wrong = [
      () => f.client.createAppPassword({ userHandle: 'bob@northwind.example', name: 'Phone', extra: true } as never),
      () => f.client.createAppPassword({ userHandle: 'bob@northwind.example', label: 'Phone' } as never),
      () => f.client.deleteAppPassword({ userName: 'bob@northwind.example', appPassword: 'x', password: 'y' } as never),
      () => f.client.deleteAppPassword({ userHandle: 'bob@northwind.example', appPassword: 'x' } as never),
    ];
    for (const call of wrong) await expect(call()).rejects.toBeInstanceOf(PurelyMailRequestInvalidError);
    expect(await f.sent()).toEqual([]);
    // On the wire, as for modifyUser {password} above: a missing or mistyped known field is invalidRequest and changes
    // nothing; an unknown field is ignored (PurelyMail's behaviour, so a client bug shows here as in production).
    expect((await f.raw('createAppPassword', { userName: 'bob@northwind.example' })).json).toMatchObject({ type: 'error', code: 'invalidRequest' });
    expect((await f.raw('createAppPassword', { userHandle: 'bob@northwind.example', name: 7 })).json).toMatchObject({ type: 'error', code: 'invalidRequest' });
    expect((await f.raw('deleteAppPassword', { userName: 'bob@northwind.example' })).json).toMatchObject({ type: 'error', code: 'invalidRequest' });
    expect(f.sandbox.state.users['bob@northwind.example']!.appPasswords).toEqual([]);
    const made = await f.raw('createAppPassword', { userHandle: 'bob@northwind.example', name: 'Phone', scope: 'imap-only' });
    expect(made.json).toMatchObject({ type: 'success', result: { appPassword: expect.any(String) } });
    const secret = (made.json as { result: { appPassword: string } }).result.appPassword;
    expect(f.sandbox.state.users['bob@northwind.example']!.appPasswords).toEqual([{ hash: expect.any(String), name: 'Phone' }]);
    expect((await f.raw('deleteAppPassword', { userName: 'bob@northwind.example', appPassword: secret, force: true })).json).toEqual({ type: 'success', result: {} });
    expect(f.sandbox.verifyAppPassword('bob@northwind.example', secret)).toBe(false);
  });

  it('the invalid-request error names fields but never their values', async () => {
    const error = await f.client.createUser({ userName: 'a@b', domainName: 'northwind.example', password: 'super-secret-value', extra: 1 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PurelyMailRequestInvalidError);
    expect((error as PurelyMailRequestInvalidError).fields).toEqual(expect.arrayContaining(['userName', 'extra']));
    expect(String(error)).not.toContain('super-secret-value');
  });
});

describe('users', () => {
  it('createUser applies defaults and turns recovery fields into reset methods; empty strings create none', async () => {
    await f.client.createUser({ userName: 'nadia', domainName: SEED_DOMAINS.healthy, password: 'pw-long-1', recoveryEmail: 'nadia@example.net', recoveryEmailDescription: 'Home', recoveryPhone: '' });
    expect(await f.client.getUser({ userName: 'nadia@northwind.example' })).toEqual({
      enableSearchIndexing: true,
      recoveryEnabled: true,
      requireTwoFactorAuthentication: false,
      enableSpamFiltering: true,
      resetMethods: [{ type: 'email', target: 'nadia@example.net', description: 'Home', allowMfaReset: true }],
    });
    expect(f.sandbox.state.users['nadia@northwind.example']?.welcomeEmailSent).toBe(true);
  });

  it('rejects symbols in a username while symbolic subaddressing is on, allows them when off', async () => {
    const error = await apiError(f.client.createUser({ userName: 'jane.doe', domainName: SEED_DOMAINS.healthy, password: 'pw-long-1' }));
    expect(error.message).toBe('Symbols are not allowed in a username');
    await f.client.createUser({ userName: 'jane.doe', domainName: SEED_DOMAINS.healthyNoSymbols, password: 'pw-long-1' });
    expect((await f.client.listUser()).users).toContain('jane.doe@bluefern.example');
  });

  it('unknown and duplicate users get the configured codes', async () => {
    expect((await apiError(f.client.getUser({ userName: 'ghost@northwind.example' }))).code).toBe('userNotFound');
    expect((await apiError(f.client.createUser({ userName: 'alice', domainName: SEED_DOMAINS.healthy, password: 'pw-long-1' }))).code).toBe('userAlreadyExists');
    f.sandbox.behaviour.errorCodes.userNotFound = 'noSuchUser';
    expect((await apiError(f.client.deleteUser({ userName: 'ghost@northwind.example' }))).code).toBe('noSuchUser');
    f.sandbox.behaviour.errorCodes.userNotFound = 'userNotFound';
  });

  it('deleteUser keeps routing rules that target the user', async () => {
    await f.client.deleteUser({ userName: 'grace@northwind.example' });
    const { rules } = await f.client.listRoutingRules();
    expect(rules.find((r) => r.id === 2)?.targetAddresses).toContain('grace@northwind.example');
  });
});

describe('routing rules', () => {
  const base = { domainName: SEED_DOMAINS.healthyNoSymbols, prefix: false, matchUser: 'hello', targetAddresses: ['rosa.diaz@bluefern.example'], catchall: false };

  it('an identical rule is a no-op; same (domain, matchUser, prefix) with other targets conflicts', async () => {
    await f.client.createRoutingRule(base);
    await f.client.createRoutingRule(base);
    expect((await f.client.listRoutingRules()).rules.filter((r) => r.matchUser === 'hello')).toHaveLength(1);
    const error = await apiError(f.client.createRoutingRule({ ...base, targetAddresses: ['uma.patel@bluefern.example'] }));
    expect(error.code).toBe('ruleAlreadyExists');
    expect(error.message).toBe('Routing rule conflicts with an existing rule');
  });

  it('catchall does not count in the key: "any" and "any except users" conflict', async () => {
    // Seed rule 3 is northwind's catch-all (prefix:true, matchUser:"", catchall:true).
    const error = await apiError(f.client.createRoutingRule({ domainName: SEED_DOMAINS.healthy, prefix: true, matchUser: '', targetAddresses: ['bob@northwind.example'], catchall: false }));
    expect(error.code).toBe('ruleAlreadyExists');
  });

  it('exact and prefix rules with the same matchUser coexist; ids keep increasing after deletes', async () => {
    await f.client.createRoutingRule(base);
    await f.client.createRoutingRule({ ...base, prefix: true });
    const ids = (await f.client.listRoutingRules()).rules.map((r) => r.id);
    const top = Math.max(...ids);
    expect(top).toBe(SEED_RULES.length + 2);
    await f.client.deleteRoutingRule({ routingRuleId: top });
    await f.client.createRoutingRule({ ...base, matchUser: 'again' });
    expect(Math.max(...(await f.client.listRoutingRules()).rules.map((r) => r.id))).toBe(top + 1);
  });

  it('unknown rule id and unknown domain get the configured codes', async () => {
    expect((await apiError(f.client.deleteRoutingRule({ routingRuleId: 999 }))).code).toBe('routingRuleNotFound');
    expect((await apiError(f.client.createRoutingRule({ ...base, domainName: 'nowhere.example' }))).code).toBe('domainNotFound');
  });
});

describe('domains', () => {
  it('addDomain fails until the ownership TXT is published at the apex', async () => {
    const error = await apiError(f.client.addDomain({ domainName: 'newshop.example' }));
    expect(error.message).toContain('DNS ownership checks did not pass');
    // Published under a subdomain does not count.
    await f.control('PUT', 'dns/newshop.example', { records: [{ name: 'www', type: 'TXT', value: SEED_OWNERSHIP_CODE }] });
    await apiError(f.client.addDomain({ domainName: 'newshop.example' }));
    await f.control('PUT', 'dns/newshop.example', { records: [{ name: '@', type: 'TXT', value: SEED_OWNERSHIP_CODE }] });
    await f.client.addDomain({ domainName: 'newshop.example' });
    expect((await f.client.listDomains()).domains.map((d) => d.name)).toContain('newshop.example');
  });

  it('adding a domain twice says "Domain already exists"', async () => {
    expect((await apiError(f.client.addDomain({ domainName: SEED_DOMAINS.healthy }))).message).toBe('Domain already exists');
  });

  it('deleteDomain removes the domain, its users and its rules', async () => {
    await f.client.deleteDomain({ name: SEED_DOMAINS.healthy });
    expect((await f.client.listUser()).users.some((u) => u.endsWith('@northwind.example'))).toBe(false);
    expect((await f.client.listRoutingRules()).rules.some((r) => r.domainName === SEED_DOMAINS.healthy)).toBe(false);
    expect((await f.client.listUser()).users).toContain('olivia.brooks@bluefern.example');
    expect((await apiError(f.client.deleteDomain({ name: SEED_DOMAINS.healthy }))).code).toBe('domainNotFound');
  });

  it('recheckDns recomputes dnsSummary from the simulated DNS, and only then', async () => {
    const summary = async () => (await f.client.listDomains()).domains.find((d) => d.name === SEED_DOMAINS.fresh)?.dnsSummary;
    expect(await summary()).toEqual({ passesMx: false, passesSpf: false, passesDkim: false, passesDmarc: false });
    await f.control('PUT', `dns/${SEED_DOMAINS.fresh}`, HEALTHY_ZONE(SEED_DOMAINS.fresh));
    expect((await summary())?.passesMx).toBe(false);
    await f.client.updateDomainSettings({ name: SEED_DOMAINS.fresh, recheckDns: true });
    expect(await summary()).toEqual({ passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true });
  });

  it('recheckDns fails SPF with two SPF records, DKIM with a key missing, DMARC with a TXT instead of the CNAME', async () => {
    const d = SEED_DOMAINS.fresh;
    const zone = HEALTHY_ZONE(d)
      .filter((r) => !r.name.startsWith('purelymail3') && r.name !== '_dmarc')
      .concat([
        { name: '@', type: 'TXT', value: 'v=spf1 include:other.example -all' },
        { name: '_dmarc', type: 'TXT', value: 'v=DMARC1; p=none' },
      ]);
    await f.control('PUT', `dns/${d}`, zone);
    await f.client.updateDomainSettings({ name: d, recheckDns: true });
    const info = (await f.client.listDomains()).domains.find((x) => x.name === d);
    expect(info?.dnsSummary).toEqual({ passesMx: true, passesSpf: false, passesDkim: false, passesDmarc: false });
  });

  it('the seed has the promised mix of DNS health', async () => {
    const byName = Object.fromEntries((await f.client.listDomains()).domains.map((d) => [d.name, d.dnsSummary]));
    expect(byName[SEED_DOMAINS.healthy]).toEqual({ passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true });
    expect(byName[SEED_DOMAINS.missingDkim]).toEqual({ passesMx: true, passesSpf: true, passesDkim: false, passesDmarc: true });
    expect(byName[SEED_DOMAINS.doubleSpf]?.passesSpf).toBe(false);
    expect(Object.keys(byName)).not.toContain(SEED_PENDING_DOMAIN);
  });

  it('shared domains appear only with includeShared and cannot be modified', async () => {
    expect((await f.client.listDomains()).domains.some((d) => d.isShared)).toBe(false);
    const shared = (await f.client.listDomains({ includeShared: true })).domains.filter((d) => d.isShared);
    expect(shared.map((d) => d.name)).toEqual(['purelymail.com']);
    expect((await apiError(f.client.deleteDomain({ name: 'purelymail.com' }))).code).toBe('sharedDomainReadOnly');
    expect((await apiError(f.client.createUser({ userName: 'a.b', domainName: 'purelymail.com', password: 'pw-long-1' }))).message).toBe('Symbols are not allowed in a username');
  });
});

describe('the simulated DNS other code reads', () => {
  it('lists and looks up records with normalised names and values', async () => {
    f.sandbox.dns.replaceZone('Shop.Example.', [
      { name: '@', type: 'MX', value: 'MailServer.PurelyMail.com.' },
      { name: '_dmarc', type: 'CNAME', value: 'dmarcroot.purelymail.com' },
    ]);
    expect(f.sandbox.dns.lookup('shop.example.', 'MX')).toEqual([{ name: 'shop.example', type: 'MX', value: 'mailserver.purelymail.com', priority: 10 }]);
    expect(f.sandbox.dns.lookup('_DMARC.shop.example', 'CNAME')).toHaveLength(1);
    expect(f.sandbox.dns.list().filter((r) => r.name.endsWith('shop.example'))).toHaveLength(2);
  });
});
