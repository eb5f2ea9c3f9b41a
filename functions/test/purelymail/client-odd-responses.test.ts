import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { PurelyMailApiError, PurelyMailUnavailableError } from '../../src/modules/purelymail/errors.ts';
import { startFixture, TEST_TOKEN } from './sandbox-fixture.ts';

// Answers the specification allows (or that real services send anyway) fed through the real client over HTTP:
// the sandbox's fault injection replaces the answer body. One odd item never fails the whole list.
const f = await startFixture();
afterAll(() => f.sandbox.close());

let warnings: { message: string; fields: Record<string, unknown> | undefined }[] = [];
const client = () =>
  new PurelyMailHttpClient({ baseUrl: f.sandbox.url, token: TEST_TOKEN, sleep: async () => {}, maxRetries: 0, logger: { warn: (message, fields) => warnings.push({ message, fields }) } });
const answer = (op: string, result: unknown, count = 1) => f.sandbox.injectFault({ op, status: 200, body: JSON.stringify({ type: 'success', result }), count });
const summary = { passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true };
const domain = (name: string, extra: Record<string, unknown> = {}) => ({ name, allowAccountReset: true, symbolicSubaddressing: true, isShared: false, dnsSummary: summary, ...extra });
const rule = (id: unknown, extra: Record<string, unknown> = {}) => ({ id, domainName: 'northwind.example', prefix: false, matchUser: `m${String(id)}`, targetAddresses: ['a@northwind.example'], catchall: false, ...extra });

async function refusal(promise: Promise<unknown>): Promise<PurelyMailApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PurelyMailApiError);
  return error as PurelyMailApiError;
}

beforeEach(() => {
  f.sandbox.reset();
  warnings = [];
});

describe('lists are read item by item', () => {
  it('domains with a null or missing DNS summary are left out and counted; the rest are read', async () => {
    const { dnsSummary: _omit, ...noSummary } = domain('b.example');
    answer('listDomains', { domains: [domain('a.example'), noSummary, domain('c.example', { dnsSummary: null }), domain('d.example')] });
    const listed = await client().listDomains();
    expect(listed.domains.map((d) => d.name)).toEqual(['a.example', 'd.example']);
    expect(listed.unreadable).toBe(2);
  });

  it('logs each odd field once per operation, with its path and never its value', async () => {
    const c = client();
    answer('listDomains', { domains: [domain('a.example', { dnsSummary: null }), domain('b.example', { dnsSummary: null })] }, 2);
    await c.listDomains();
    await c.listDomains();
    expect(warnings).toEqual([
      { message: 'PurelyMail returned a list item that could not be read; it is left out', fields: { operation: 'listDomains', field: 'domains[0].dnsSummary', problem: expect.any(String) } },
    ]);
    expect(JSON.stringify(warnings)).not.toContain('a.example');
  });

  it('rules without catchall, with id 0 or an id above 2^53 are left out', async () => {
    const { catchall: _c, ...noCatchall } = rule(5);
    // 2^53 + 1 cannot be represented: JSON parsing rounds it, so the id would name another rule.
    const body = JSON.stringify({ type: 'success', result: { rules: [rule(1), noCatchall, rule(0), rule(2), rule('ID')] } }).replace('"ID"', '9007199254740993');
    f.sandbox.injectFault({ op: 'listRoutingRules', status: 200, body });
    const listed = await client().listRoutingRules();
    expect(listed.rules.map((r) => r.id)).toEqual([1, 2]);
    expect(listed.unreadable).toBe(3);
  });

  it('recovery methods of an unknown type or with a null description are left out, in listPasswordReset and getUser', async () => {
    const method = (target: string, extra: Record<string, unknown> = {}) => ({ type: 'email', target, description: '', allowMfaReset: true, ...extra });
    const methods = [method('ok@example.net'), method('totp', { type: 'totp' }), method('null@example.net', { description: null })];
    answer('listPasswordReset', { users: methods });
    const listed = await client().listPasswordReset({ userName: 'alice@northwind.example' });
    expect(listed).toEqual({ users: [method('ok@example.net')], unreadable: 2 });

    answer('getUser', { enableSearchIndexing: true, recoveryEnabled: true, requireTwoFactorAuthentication: false, enableSpamFiltering: true, resetMethods: methods });
    const user = await client().getUser({ userName: 'alice@northwind.example' });
    expect(user.resetMethods).toEqual([method('ok@example.net')]);
    expect(user.unreadable).toBe(2);
  });

  it('a listUser item that is not a string is left out, and the count says so', async () => {
    answer('listUser', { users: ['a@x.example', 42, null, 'b@x.example'] });
    expect(await client().listUser()).toEqual({ users: ['a@x.example', 'b@x.example'], unreadable: 2 });
  });

  it('a list that is not a list at all is still a protocol failure (the answer as a whole is wrong)', async () => {
    answer('listDomains', { domains: null });
    const error = await client()
      .listDomains()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PurelyMailUnavailableError);
    expect((error as PurelyMailUnavailableError).reason).toBe('protocol');
  });
});

describe('the ownership code', () => {
  it('is any non-empty string after the prefix', async () => {
    answer('getOwnershipCode', { code: 'purelymail_ownership_proof=a1-B2_c3.d4/e5+f6==' });
    expect(await client().getOwnershipCode()).toEqual({ code: 'purelymail_ownership_proof=a1-B2_c3.d4/e5+f6==' });
  });

  it('a value of another shape is passed on as it is, not taken for an outage', async () => {
    answer('getOwnershipCode', { code: 'pm-verify 7Q2mK9' });
    expect(await client().getOwnershipCode()).toEqual({ code: 'pm-verify 7Q2mK9' });
  });
});

describe('error bodies', () => {
  it('a code or message that is not a string is still a refusal', async () => {
    f.sandbox.injectFault({ op: 'deleteUser', status: 200, body: JSON.stringify({ type: 'error', code: 42, message: null }) });
    expect(await refusal(client().deleteUser({ userName: 'alice@northwind.example' }))).toMatchObject({ code: '42', message: 'no reason given' });

    f.sandbox.injectFault({ op: 'deleteUser', status: 400, body: JSON.stringify({ type: 'error', code: null, message: { text: 'Locked' } }) });
    expect(await refusal(client().deleteUser({ userName: 'alice@northwind.example' }))).toMatchObject({ code: 'unknown', message: '{"text":"Locked"}' });
  });

  it('a 200 with a message and no result, for an operation that returns nothing, is a failure', async () => {
    f.sandbox.injectFault({ op: 'deleteUser', status: 200, body: JSON.stringify({ message: 'User is protected' }) });
    expect(await refusal(client().deleteUser({ userName: 'alice@northwind.example' }))).toMatchObject({ code: 'unknown', message: 'User is protected' });
    // Nothing was deleted: the sandbox never saw the request through.
    expect(f.sandbox.state.users['alice@northwind.example']).toBeDefined();
  });

  it('an explicit success without a result is still a success', async () => {
    f.sandbox.injectFault({ op: 'deleteUser', status: 200, body: JSON.stringify({ type: 'success' }) });
    await client().deleteUser({ userName: 'alice@northwind.example' });
  });
});
