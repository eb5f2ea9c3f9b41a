import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PURELYMAIL_WRITES = /^(create|delete|modify|upsert|add|update)/;
// Routes that log the caller out or end the fuzzing session are exercised elsewhere.
const SKIP = new Set(['POST /api/auth/logout']);

/** Hostile JSON: wrong types, nulls, huge and odd strings, deep nesting, prototype keys. */
const hostileValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '"><img src=x onerror=alert(1)>', '--delete1', 'a\r\nA1 LOGOUT', 'x'.repeat(70_000), '💥'.repeat(50), '../../etc/passwd', 'NaN'),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}')),
);
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom('email', 'name', 'password', 'version', 'domainName', 'userName', 'target', 'matchUser', 'targetAddresses', 'host', 'port', 'id', '__proto__', 'constructor', 'prototype', 'role'), hostileValue, { maxKeys: 6 }),
  hostileValue,
  fc.constant('{"a":'),
  fc.constant('['.repeat(1000) + ']'.repeat(1000)),
);

function concretePaths(path: string): fc.Arbitrary<string> {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (!names.length) return fc.constant(path);
  return fc.tuple(...names.map(() => fc.constantFrom('x', 'a'.repeat(64), 'info%40northwind.example', 'northwind.example', '1', '99999', '%00', '..%2F..', 'x'.repeat(300)))).map((values) => {
    let i = 0;
    return path.replace(/:(\w+)/g, () => values[i++]!);
  });
}

// BI-1: property-based fuzzing of every JSON route → never a 5xx, no prototype pollution, and no
// PurelyMail write caused by a request that was refused.
describe('fuzzing every JSON route', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  beforeAll(async () => {
    t = await startTestRuntime({ LOGIN_IP_FAILURES_PER_WINDOW: '10000', LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF: '100' });
    owner = await t.setupOwner();
    await owner.post('/api/sync');
  });
  afterAll(() => t?.close());

  it('answers hostile input with a 4xx and changes nothing upstream', { timeout: 240_000 }, async () => {
    const routes = createApp(t.runtime.deps)
      .routes.filter((r) => MUTATING.has(r.method) && !r.path.endsWith('*') && !SKIP.has(`${r.method} ${r.path}`))
      .map((r) => ({ method: r.method, path: r.path }));
    const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
    expect(unique.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const route of unique) {
      await fc.assert(
        fc.asyncProperty(concretePaths(route.path), hostileBody, async (path, body) => {
          t.runtime.sandbox!.clearRequests();
          const res = await owner.request(route.method, path, typeof body === 'string' ? body : body);
          const writes = t.runtime.sandbox!.requests().filter((r) => PURELYMAIL_WRITES.test(r.op));
          if (res.status >= 500) failures.push(`${route.method} ${path} ${JSON.stringify(body).slice(0, 120)} → ${res.status} ${(await res.text()).slice(0, 200)}`);
          if (res.status >= 400 && writes.length) failures.push(`${route.method} ${path} refused (${res.status}) but sent ${writes.map((w) => w.op).join(', ')}`);
          return true;
        }),
        { numRuns: 25, seed: 20261121 },
      );
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The session survived the whole run: fuzzing never corrupted auth state.
    expect((await owner.get('/api/auth/me')).status).toBe(200);
  });
});
