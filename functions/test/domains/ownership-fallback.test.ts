import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime({ PURELYMAIL_OWNERSHIP_TOKEN: 'cfgToken123' });
});
afterAll(() => t.close());

it('falls back to PURELYMAIL_OWNERSHIP_TOKEN when getOwnershipCode fails, as the full TXT value', async () => {
  // Prepare: PurelyMail answers getOwnershipCode with an error status (not retried).
  const admin = await t.setupOwner();
  t.runtime.sandbox!.injectFault({ op: 'getOwnershipCode', status: 404 });
  // Act
  const res = await admin.get('/api/domains/ownership-code');
  // Assess
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ code: 'purelymail_ownership_proof=cfgToken123', source: 'config', expectedShape: true });
  expect(t.runtime.sandbox!.requests().filter((r) => r.op === 'getOwnershipCode').map((r) => r.body)).toEqual([{}]);
});
