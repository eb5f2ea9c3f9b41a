import type { AuditPage, CreatedAppPassword, Offboarding, OffboardingResponse, PendingActionOverview } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, TEST_PASSWORD, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const OLD_PASSWORD = 'Quartz-Meadow-Lantern-42';
const COLLEAGUE = 'grace@northwind.example';
const DAY = 86_400_000;

describe('off-boarding a user through the HTTP API against the PurelyMail sandbox', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock(Date.now());
  const sandbox = () => t.runtime.sandbox!;

  const json = async <T>(res: Promise<Response> | Response, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const signIn = async () => {
    owner = t.anonymous();
    await json(owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD }), 200);
  };
  const createUser = async (localPart: string) => {
    await json(owner.post('/api/users', { localPart, domain: 'northwind.example', password: OLD_PASSWORD }), 201);
    return `${localPart}@northwind.example`;
  };
  const audit = async (action: string) => (await json<AuditPage>(owner.get(`/api/audit?action=${action}`), 200)).entries;
  const pending = () => json<PendingActionOverview>(owner.get('/api/pending-actions'), 200);
  const offboard = (address: string, body: unknown) => owner.post(`/api/users/${address}/offboard`, body);

  beforeAll(async () => {
    t = await startTestRuntime({}, clock);
    owner = await t.setupOwner();
  }, 60_000);
  afterAll(() => t?.close());

  it('rotates the password, revokes the app passwords, forwards, and schedules the deletion N days ahead; cancel marks it cancelled', async () => {
    const leaver = await createUser('leaver');
    const phone = await json<CreatedAppPassword>(owner.post(`/api/users/${leaver}/app-passwords`, { name: 'Phone' }), 201);
    const laptop = await json<CreatedAppPassword>(owner.post(`/api/users/${leaver}/app-passwords`, { name: 'Laptop' }), 201);
    expect(sandbox().verifyPassword(leaver, OLD_PASSWORD)).toBe(true);
    expect((await json<OffboardingResponse>(owner.get(`/api/users/${leaver}/offboard`), 200)).offboarding).toBeNull();

    const started = clock.now().getTime();
    const { offboarding } = await json<{ offboarding: Offboarding }>(offboard(leaver, { forwardTo: ` ${COLLEAGUE.toUpperCase()} `, deleteAfterDays: 14 }), 201);
    expect(offboarding.steps.map((s) => `${s.name} ${s.state}`)).toEqual(['rotate_password done', 'revoke_app_passwords done', 'archive_copy skipped', 'forward done', 'schedule_deletion done']);
    expect(offboarding).toMatchObject({ address: leaver, status: 'scheduled', forwardTo: COLLEAGUE, deleteAfterDays: 14, startedBy: 'owner@example.com' });

    // At PurelyMail: the old password no longer works, the app passwords are gone, the rule exists.
    expect(sandbox().verifyPassword(leaver, OLD_PASSWORD)).toBe(false);
    expect(sandbox().verifyAppPassword(leaver, phone.secret)).toBe(false);
    expect(sandbox().verifyAppPassword(leaver, laptop.secret)).toBe(false);
    expect(sandbox().state.users[leaver]!.appPasswords).toEqual([]);
    expect(sandbox().state.rules.filter((r) => r.domainName === 'northwind.example' && r.matchUser === 'leaver')).toEqual([
      expect.objectContaining({ prefix: false, catchall: false, targetAddresses: [COLLEAGUE] }),
    ]);
    const modify = sandbox().requests().filter((r) => r.op === 'modifyUser').at(-1)!;
    expect(Object.keys(modify.body as object).sort()).toEqual(['newPassword', 'userName']);
    expect((await json<{ appPasswords: unknown[] }>(owner.get(`/api/users/${leaver}/app-passwords`), 200)).appPasswords).toEqual([]);

    // The pending deletion runs 14 days later, not after the 24-hour default.
    const action = (await pending()).actions.find((a) => a.kind === 'delete-user' && a.target === leaver)!;
    expect(action.id).toBe(offboarding.deletionActionId);
    expect(Date.parse(action.executeAt) - started).toBe(14 * DAY);
    expect(offboarding.deletionExecuteAt).toBe(action.executeAt);

    // Each step is audited, and no audit entry or answer carries a secret.
    for (const name of ['user.offboard.start', 'user.offboard.password.rotate', 'user.offboard.app_passwords.revoke', 'user.offboard.forward.create', 'user.offboard.delete.request']) {
      expect((await audit(name)).map((e) => `${e.target} ${e.result}`), name).toContain(`${leaver} ok`);
    }
    const everything = JSON.stringify([offboarding, await audit('user.offboard')]);
    for (const secret of [phone.secret, laptop.secret, OLD_PASSWORD]) expect(everything).not.toContain(secret);

    // A second off-boarding while one is scheduled is refused.
    const again = await offboard(leaver, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already being off-boarded');

    // Cancelling the pending deletion (the existing cancel) marks the off-boarding cancelled; the user stays.
    await json(owner.post(`/api/pending-actions/${action.id}/cancel`), 200);
    const after = (await json<OffboardingResponse>(owner.get(`/api/users/${leaver}/offboard`), 200)).offboarding!;
    expect(after).toMatchObject({ status: 'cancelled', cancelledBy: 'owner@example.com' });
    expect(after.steps).toEqual(offboarding.steps);
    expect((await audit('user.offboard.cancel')).map((e) => e.target)).toContain(leaver);
    expect(sandbox().state.users[leaver]).toBeDefined();
  });

  it('a failed password change is reported with its reason, the other steps go on, and no deletion is scheduled', async () => {
    const leaver = await createUser('leaver2');
    const phone = await json<CreatedAppPassword>(owner.post(`/api/users/${leaver}/app-passwords`, { name: 'Phone' }), 201);
    sandbox().injectFault({ op: 'modifyUser', status: 500, body: '{"type":"error","code":"internalError","message":"modify broke"}', count: 10 });
    const { offboarding } = await json<{ offboarding: Offboarding }>(offboard(leaver, { deleteAfterDays: 30 }), 201);
    sandbox().clearFaults();
    expect(offboarding.steps.map((s) => `${s.name} ${s.state}`)).toEqual(['rotate_password failed', 'revoke_app_passwords done', 'archive_copy skipped', 'forward skipped', 'schedule_deletion skipped']);
    expect(offboarding.steps[0]!.detail.length).toBeGreaterThan(0);
    expect(offboarding.steps[4]!.detail).toContain('password could not be changed');
    expect(offboarding).toMatchObject({ status: 'incomplete', deletionActionId: null });
    expect(sandbox().verifyPassword(leaver, OLD_PASSWORD)).toBe(true);
    expect(sandbox().verifyAppPassword(leaver, phone.secret)).toBe(false);
    expect((await pending()).actions.filter((a) => a.target === leaver)).toEqual([]);
    expect((await audit('user.offboard.password.rotate')).find((e) => e.target === leaver)).toMatchObject({ result: 'failed' });

    // Not scheduled, so it can be started again once PurelyMail works: this time it completes (1 day = the floor).
    const retry = await json<{ offboarding: Offboarding }>(offboard(leaver, { deleteAfterDays: 1 }), 201);
    expect(retry.offboarding.status).toBe('scheduled');
    expect(retry.offboarding.steps.map((s) => s.state)).toEqual(['done', 'skipped', 'skipped', 'skipped', 'done']);
    expect(sandbox().verifyPassword(leaver, OLD_PASSWORD)).toBe(false);
  });

  it('a forward that PurelyMail cannot add (the address already has a rule) fails with the reason; the deletion is still scheduled', async () => {
    // The seed has an exact rule for sales@northwind.example (to alice and bob).
    const leaver = await createUser('sales');
    const rulesBefore = JSON.stringify(sandbox().state.rules);
    const { offboarding } = await json<{ offboarding: Offboarding }>(offboard(leaver, { forwardTo: COLLEAGUE, deleteAfterDays: 2 }), 201);
    expect(offboarding.steps.map((s) => `${s.name} ${s.state}`)).toEqual(['rotate_password done', 'revoke_app_passwords skipped', 'archive_copy skipped', 'forward failed', 'schedule_deletion done']);
    expect(offboarding.steps[3]!.detail).toMatch(/sales@northwind\.example/);
    expect(JSON.stringify(sandbox().state.rules)).toBe(rulesBefore);
    expect(offboarding.status).toBe('scheduled');
    expect((await audit('user.offboard.forward.create')).find((e) => e.target === leaver)).toMatchObject({ result: 'failed' });
  });

  it('two admins off-boarding the same person at once: exactly one goes ahead, the other gets a 409', async () => {
    const leaver = await createUser('leaver4');
    const other = owner.clone();
    const before = sandbox().requests().filter((r) => r.op === 'modifyUser').length;
    const answers = await Promise.all([offboard(leaver, { deleteAfterDays: 5 }), other.post(`/api/users/${leaver}/offboard`, { deleteAfterDays: 6 })]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const refused = answers.find((r) => r.status === 409)!;
    expect(await refused.text()).toMatch(/being off-boarded|already being off-boarded/);
    expect(sandbox().requests().filter((r) => r.op === 'modifyUser').length).toBe(before + 1);
    const record = (await json<OffboardingResponse>(owner.get(`/api/users/${leaver}/offboard`), 200)).offboarding!;
    expect(record.status).toBe('scheduled');
    expect((await pending()).actions.filter((a) => a.target === leaver)).toHaveLength(1);
  });

  it('refuses bad input, unknown users and a stale sign-in with a clear 4xx, changing nothing', async () => {
    const leaver = await createUser('leaver3');
    const calls = () => sandbox().requests().filter((r) => r.op === 'modifyUser' || r.op === 'createRoutingRule').length;
    const before = calls();
    for (const [body, field] of [
      [{ deleteAfterDays: 0 }, 'deleteAfterDays'],
      [{ deleteAfterDays: 366 }, 'deleteAfterDays'],
      [{ deleteAfterDays: 2.5 }, 'deleteAfterDays'],
      [{ forwardTo: 'not an address' }, 'forwardTo'],
      [{ forwardTo: leaver }, 'forwardTo'],
      [{ deleteAfterDays: 3, extra: true }, '(body)'],
    ] as const) {
      const res = await offboard(leaver, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.text()).toContain(field === '(body)' ? 'extra' : field);
    }
    const ghost = await offboard('ghost@northwind.example', {});
    expect(ghost.status).toBe(404);
    expect(calls()).toBe(before);

    // Like setting a password: a password check from the last 5 minutes.
    clock.advance(6 * 60_000);
    const stale = await offboard(leaver, {});
    expect(stale.status).toBe(401);
    expect(await stale.text()).toContain('reauth_required');
    expect(calls()).toBe(before);
    expect((await json<OffboardingResponse>(owner.get(`/api/users/${leaver}/offboard`), 200)).offboarding).toBeNull();
    await signIn();
    const ok = await json<{ offboarding: Offboarding }>(offboard(leaver, {}), 201);
    expect(ok.offboarding.deleteAfterDays).toBe(30);
  });
});
