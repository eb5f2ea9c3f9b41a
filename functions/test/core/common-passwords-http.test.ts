import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, body } from '../support/api-client.ts';
import { startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

const COMMON = [{ path: 'password', message: 'is one of the most common passwords' }];

// AS-7 policy: every way of setting an admin password refuses the top-3,000 list (any case, repeated or
// padded), with a 400 naming the field; login itself never applies the policy.
describe('common passwords over HTTP', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let setupToken: string;

  beforeAll(async () => {
    t = await startTestRuntime();
    setupToken = new URL(t.runtime.setupUrl!).hash.replace('#token=', '');
  });
  afterAll(() => t.close());

  it('setup refuses a common password without spending the one-time link', async () => {
    const res = await t.anonymous().post('/api/setup', { token: setupToken, email: 'owner@example.com', name: 'Olive', password: 'MailCreated5240' });
    expect(res.status).toBe(400);
    const b = await body(res);
    expect(b.error.code).toBe('invalid_input');
    expect(b.error.fields).toEqual(COMMON);
    expect(b.error.message).toMatch(/most common passwords/);
    owner = t.anonymous();
    expect((await owner.post('/api/setup', { token: setupToken, email: 'owner@example.com', name: 'Olive', password: TEST_PASSWORD })).status).toBe(201);
  });

  it('adding an admin refuses one', async () => {
    const res = await owner.post('/api/admins', { email: 'ann@example.com', name: 'Ann', password: 'Dragon123456789!' });
    expect(res.status).toBe(400);
    expect((await body(res)).error.fields).toEqual(COMMON);
    expect((await owner.json<{ admins: unknown[] }>(owner.get('/api/admins'))).admins).toHaveLength(1);
  });

  it('a password change refuses one, and reports a wrong current password alongside', async () => {
    const res = await owner.post('/api/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'passwordpassword', endOtherSessions: false });
    expect(res.status).toBe(400);
    expect((await body(res)).error.fields).toEqual([{ path: 'newPassword', message: 'is one of the most common passwords' }]);
    const both = await owner.post('/api/account/password', { currentPassword: 'not the current one', newPassword: 'passwordpassword', endOtherSessions: false });
    expect((await body(both)).error.fields).toEqual([
      { path: 'currentPassword', message: 'is wrong' },
      { path: 'newPassword', message: 'is one of the most common passwords' },
    ]);
    // Nothing changed: the old password still signs in.
    expect((await t.anonymous().post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(200);
  });
});
