import type { TestLoginAdHocInput, TestLoginInput, TestLoginResult } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import type { ImapLoginTester, ServerStore } from './ports.ts';

/**
 * "Test login": 1. Take the server (saved or described inline)  2. One real IMAP LOGIN through the tester
 * (which applies the private-address rule first)  3. Report ok or a plain reason. The password is not kept.
 */
export function makeTestLogin(deps: { servers: ServerStore; tester: ImapLoginTester }) {
  return {
    async saved(serverId: string, input: TestLoginInput): Promise<TestLoginResult> {
      const s = await deps.servers.get(serverId);
      if (!s) throw new NotFoundError('There is no such server.');
      return deps.tester.testLogin({ host: s.host, port: s.port, tls: s.tls, verifyCert: s.verifyCert, user: input.user, password: input.password });
    },
    adHoc: (input: TestLoginAdHocInput): Promise<TestLoginResult> => deps.tester.testLogin(input),
  };
}
export type TestLogin = ReturnType<typeof makeTestLogin>;
