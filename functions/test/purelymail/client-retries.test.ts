import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { PurelyMailRequestOutcome } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { MAX_RETRY_AFTER_MS } from '../../src/adapters/purelymail/retry-policy.ts';
import { PurelyMailApiError, PurelyMailUnavailableError } from '../../src/modules/purelymail/errors.ts';
import { startFixture, TEST_TOKEN } from './sandbox-fixture.ts';

const f = await startFixture();
afterAll(() => f.sandbox.close());

let slept: number[] = [];
let attempts: Array<[string, PurelyMailRequestOutcome]> = [];
const errors: unknown[] = [];

function client(opts: Partial<ConstructorParameters<typeof PurelyMailHttpClient>[0]> = {}) {
  return new PurelyMailHttpClient({
    baseUrl: f.sandbox.url,
    token: TEST_TOKEN,
    random: () => 0.5,
    sleep: async (ms) => {
      slept.push(ms);
    },
    onRequest: (op, _ms, outcome) => attempts.push([op, outcome]),
    ...opts,
  });
}

async function failure<E>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  errors.push(error);
  expect(error).toBeInstanceOf(type);
  return error as E;
}

beforeEach(async () => {
  f.sandbox.reset();
  await f.clearSent();
  slept = [];
  attempts = [];
});

describe('retries of read operations', () => {
  it('retries 503 with exponential full-jitter backoff and then succeeds', async () => {
    f.sandbox.injectFault({ op: 'listDomains', status: 503, count: 2 });
    const { domains } = await client().listDomains();
    expect(domains.length).toBeGreaterThan(0);
    expect((await f.sent()).map((r) => r.op)).toEqual(['listDomains', 'listDomains', 'listDomains']);
    // random() = 0.5: half of 250 ms, then half of 500 ms.
    expect(slept).toEqual([125, 250]);
    expect(attempts).toEqual([['listDomains', 'http'], ['listDomains', 'http'], ['listDomains', 'success']]);
  });

  it('honours Retry-After in seconds on 429, capped', async () => {
    f.sandbox.injectFault({ op: 'listUser', status: 429, retryAfter: '2', count: 1 });
    f.sandbox.injectFault({ op: 'listUser', status: 429, retryAfter: '86400', count: 1 });
    await client().listUser();
    expect(slept).toEqual([2000, MAX_RETRY_AFTER_MS]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    f.sandbox.injectFault({ op: 'checkAccountCredit', status: 503, retryAfter: new Date(Date.now() + 60 * 60_000).toUTCString() });
    await client().checkAccountCredit();
    expect(slept).toEqual([MAX_RETRY_AFTER_MS]);
  });

  it('gives up after maxRetries with PurelyMailUnavailableError carrying the status', async () => {
    f.sandbox.injectFault({ op: 'getUser', status: 502, count: 10 });
    const error = await failure(client({ maxRetries: 2 }).getUser({ userName: 'alice@northwind.example' }), PurelyMailUnavailableError);
    expect(error).toMatchObject({ operation: 'getUser', reason: 'http', status: 502 });
    expect(await f.sent()).toHaveLength(3);
  });

  it('retries a dropped connection (network error)', async () => {
    f.sandbox.injectFault({ op: 'listRoutingRules', drop: true });
    const { rules } = await client().listRoutingRules();
    expect(rules.length).toBeGreaterThan(0);
    expect(attempts.map(([, o]) => o)).toEqual(['network', 'success']);
  });

  it('does not retry a 4xx without an envelope', async () => {
    f.sandbox.injectFault({ op: 'listPasswordReset', status: 404, count: 1 });
    const error = await failure(client().listPasswordReset({ userName: 'alice@northwind.example' }), PurelyMailUnavailableError);
    expect(error).toMatchObject({ reason: 'http', status: 404 });
    expect(slept).toEqual([]);
  });
});

describe('writes are never retried', () => {
  it('a 503 on createUser is one request and one error', async () => {
    f.sandbox.injectFault({ op: 'createUser', status: 503, retryAfter: '1', count: 5 });
    const error = await failure(client().createUser({ userName: 'once', domainName: 'northwind.example', password: 'pw-long-1' }), PurelyMailUnavailableError);
    expect(error.status).toBe(503);
    expect((await f.sent()).map((r) => r.op)).toEqual(['createUser']);
    expect(slept).toEqual([]);
  });

  it('a dropped connection on deleteDomain is not retried', async () => {
    f.sandbox.injectFault({ op: 'deleteDomain', drop: true });
    const error = await failure(client().deleteDomain({ name: 'lumen.example' }), PurelyMailUnavailableError);
    expect(error.reason).toBe('network');
    expect(await f.sent()).toHaveLength(1);
  });
});

describe('timeouts and bad answers', () => {
  it('a slow answer becomes a timeout (read: retried, then reported)', async () => {
    f.sandbox.injectFault({ op: 'listUser', delayMs: 2_000, count: 2 });
    const error = await failure(client({ timeoutMs: 100, maxRetries: 1 }).listUser(), PurelyMailUnavailableError);
    expect(error).toMatchObject({ operation: 'listUser', reason: 'timeout' });
    expect(error.status).toBeUndefined();
    expect(attempts.map(([, o]) => o)).toEqual(['timeout', 'timeout']);
  });

  it('a slow write times out once', async () => {
    f.sandbox.injectFault({ op: 'addDomain', delayMs: 2_000 });
    const error = await failure(client({ timeoutMs: 100 }).addDomain({ domainName: 'harborview.example' }), PurelyMailUnavailableError);
    expect(error.reason).toBe('timeout');
    expect(await f.sent()).toHaveLength(1);
  });

  it('a 200 that is not JSON is a protocol failure', async () => {
    f.sandbox.injectFault({ op: 'checkAccountCredit', status: 200, body: '<html>maintenance</html>', count: 10 });
    const error = await failure(client({ maxRetries: 0 }).checkAccountCredit(), PurelyMailUnavailableError);
    expect(error).toMatchObject({ reason: 'protocol', status: 200 });
  });

  it('a 200 with the wrong result shape is a protocol failure', async () => {
    f.sandbox.injectFault({ op: 'listUser', status: 200, body: JSON.stringify({ type: 'success', result: { users: 'nope' } }) });
    expect((await failure(client({ maxRetries: 0 }).listUser(), PurelyMailUnavailableError)).reason).toBe('protocol');
  });

  it('accepts a void success with no result, and a bare {result}', async () => {
    f.sandbox.injectFault({ op: 'deleteUser', status: 200, body: JSON.stringify({ type: 'success' }) });
    await client().deleteUser({ userName: 'alice@northwind.example' });
    f.sandbox.injectFault({ op: 'listUser', status: 200, body: JSON.stringify({ result: { users: ['x@y.example'] } }) });
    expect(await client().listUser()).toEqual({ users: ['x@y.example'] });
  });

  it('a non-2xx error envelope is a business error, a 2xx {code,message} without result too', async () => {
    f.sandbox.injectFault({ op: 'getUser', status: 400, body: JSON.stringify({ type: 'error', code: 'badThing', message: 'Bad thing' }) });
    expect(await failure(client().getUser({ userName: 'alice@northwind.example' }), PurelyMailApiError)).toMatchObject({ code: 'badThing', message: 'Bad thing' });
    f.sandbox.injectFault({ op: 'getUser', status: 200, body: JSON.stringify({ code: 'other', message: 'Other' }) });
    expect(await failure(client().getUser({ userName: 'alice@northwind.example' }), PurelyMailApiError)).toMatchObject({ code: 'other' });
  });
});

describe('tokens', () => {
  it('an invalid token is a PurelyMailApiError with code invalidToken, not retried', async () => {
    const error = await failure(client({ token: 'pm-live-wrong-token-value' }).listDomains(), PurelyMailApiError);
    expect(error).toMatchObject({ code: 'invalidToken', operation: 'listDomains', message: 'Token not valid.' });
    expect(await f.sent()).toHaveLength(1);
  });

  it('reads the token from the provider once, forgets a failed read, and re-reads after invalidToken', async () => {
    let calls = 0;
    let current = 'first-bad-token';
    const c = client({
      token: async () => {
        calls += 1;
        if (calls === 1) throw new Error('secrets manager blip');
        return current;
      },
    });
    await expect(c.listUser()).rejects.toThrow('secrets manager blip');
    await failure(c.listUser(), PurelyMailApiError);
    current = TEST_TOKEN;
    await c.listUser();
    await c.checkAccountCredit();
    expect(calls).toBe(3);
    expect((await f.sent()).map((r) => r.tokenValid)).toEqual([false, true, true]);
  });

  it('no error from any test here contains the token', () => {
    expect(errors.length).toBeGreaterThan(10);
    for (const error of errors) {
      let e: unknown = error;
      while (e instanceof Error) {
        for (const text of [String(e), e.message, e.stack ?? '', JSON.stringify(e)]) expect(text).not.toContain(TEST_TOKEN);
        e = e.cause;
      }
    }
  });
});
