import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditPage, PublicRequestCounts } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

const DAY_S = 86_400;

// Issue 15 (low): an anonymous client wrote 300 audit entries with 300 requests. Refused public requests are now
// counted per day; the audit keeps what names a real account or succeeded; entries have a retention.
describe('public requests: counted, not audited one by one', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock();
  const entries = async () => (await owner.json<AuditPage>(owner.get('/api/audit?limit=200'))).entries;

  beforeAll(async () => {
    t = await startTestRuntime({ SESSION_IDLE_MINUTES: '1440', AUDIT_RETENTION_DAYS: '90' }, clock);
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  it('300 anonymous requests (sign-ins for unknown accounts, bad setup and campaign links) add no audit entry and are counted', async () => {
    const before = (await entries()).length;
    const bogus = Buffer.alloc(32, 3).toString('base64url');
    const anon = t.anonymous();
    for (let i = 0; i < 100; i++) {
      await Promise.all([
        anon.post('/api/auth/login', { email: `nobody${i}@example.com`, password: 'not the password' }),
        anon.post('/api/setup', { token: 'wrong', email: 'x@example.com', name: 'X', password: 'a long enough passphrase 9' }),
        anon.post('/api/public/campaigns/submit', { token: bogus, name: 'x', sourceEmail: 'x@old.example', sourcePassword: 'x' }),
      ]);
    }
    expect((await entries()).length).toBe(before);
    const counts = await owner.json<PublicRequestCounts>(owner.get('/api/audit/public-requests'));
    expect(counts.retentionDays).toBe(90);
    const today = counts.days[0]!;
    expect(today.day).toBe(clock.now().toISOString().slice(0, 10));
    const sum = (action: string) => today.counts.filter((c) => c.action === action).reduce((n, c) => n + c.count, 0);
    expect(sum('auth.login')).toBe(100);
    expect(sum('setup.complete')).toBe(100);
    expect(sum('campaign.public.submit')).toBe(100);
    expect(today.counts.every((c) => c.outcome.startsWith('refused '))).toBe(true);
  });

  it('keeps an entry for a wrong password on a real account and for a sign-in that worked; entries expire after the retention', async () => {
    clock.advance(16 * 60_000);
    const anon = t.anonymous();
    expect((await anon.post('/api/auth/login', { email: 'owner@example.com', password: 'not the password' })).status).toBe(401);
    expect((await anon.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(200);
    const logins = (await entries()).filter((e) => e.action === 'auth.login');
    expect(logins.map((e) => [e.actor, e.result])).toEqual([
      ['owner@example.com', 'ok'],
      ['owner@example.com', 'failed'],
    ]);
    const { Item } = await t.runtime.table.doc.send(new GetCommand({ TableName: t.runtime.table.name, Key: { pk: `AUDIT#${logins[0]!.id}`, sk: 'AUDIT' } }));
    expect(Item!.expiresAt).toBe(Math.ceil(Date.parse(logins[0]!.at) / 1000) + 90 * DAY_S);
  });
});
