import type { TestLoginAdHocInput, TestLoginInput, TestLoginResult } from '@app/shared';
import { createHash } from 'node:crypto';
import { NotFoundError, TooManyRequestsError } from '../errors.ts';
import type { ImapLoginTester, ServerStore } from './ports.ts';

/** Counts attempts in a fixed window (the login throttle's buckets); returns the count including this one. */
export interface AttemptCounter {
  hit(key: string, now: number, windowMs: number): Promise<number>;
}

/** Per admin, saved and ad-hoc tests together: enough to fix a typo a few times, too few to guess passwords. */
export const TEST_LOGIN_LIMIT = { attempts: 20, windowMs: 15 * 60_000 } as const;

/**
 * "Test login": 1. Count the attempt against the admin's budget (429 once spent, before any connection)
 * 2. Take the server (saved or described inline)  3. One real IMAP LOGIN through the tester (which applies the
 * private-address rule first)  4. Report ok (with latency and capabilities) or a plain reason. The password is
 * not kept.
 */
export function makeTestLogin(deps: { servers: ServerStore; tester: ImapLoginTester; attempts?: AttemptCounter; now?: () => number }) {
  const now = deps.now ?? Date.now;
  // The admin whose budget is spent; the public campaign form passes none: it has its own per-IP, per-link and
  // per-address limits (modules/campaigns/rate-limits.ts).
  const spend = async (actor: string | undefined) => {
    if (!deps.attempts || actor === undefined) return;
    const key = `imap-test-login#${createHash('sha256').update(actor.toLowerCase()).digest('hex').slice(0, 32)}`;
    if ((await deps.attempts.hit(key, now(), TEST_LOGIN_LIMIT.windowMs)) > TEST_LOGIN_LIMIT.attempts) {
      throw new TooManyRequestsError('Too many test logins. Wait a few minutes, then try again.', TEST_LOGIN_LIMIT.windowMs / 1000);
    }
  };
  return {
    async saved(serverId: string, input: TestLoginInput, actor?: string): Promise<TestLoginResult> {
      const s = await deps.servers.get(serverId);
      if (!s) throw new NotFoundError('There is no such server.');
      await spend(actor);
      return deps.tester.testLogin({ host: s.host, port: s.port, tls: s.tls, verifyCert: s.verifyCert, user: input.user, password: input.password });
    },
    async adHoc(input: TestLoginAdHocInput, actor?: string): Promise<TestLoginResult> {
      await spend(actor);
      return deps.tester.testLogin(input);
    },
  };
}
export type TestLogin = ReturnType<typeof makeTestLogin>;
