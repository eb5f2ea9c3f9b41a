import { randomBytes } from 'node:crypto';
import type { SetupInput } from '@app/shared';
import { GoneError, UnauthorizedError } from '../errors.ts';
import { assertNotCommonPassword } from './common-passwords.ts';
import type { AuthDeps, RequestOrigin } from './deps.ts';
import type { AdminRecord } from './ports.ts';
import { hashToken } from './session-token.ts';
import { makeStartSession } from './start-session.ts';

const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;
export const SETUP_DONE = 'Setup is already done. Sign in instead.';

/** True while no admin exists: the only time the first-run setup is open. */
export const makeNeedsSetup = (deps: Pick<AuthDeps, 'admins'>) => async (): Promise<boolean> =>
  (await deps.admins.list()).length === 0;

/** Issues a one-time setup token (printed by the local runtime as a link) while no admin exists. */
export const makeIssueSetupToken =
  (deps: Pick<AuthDeps, 'admins' | 'setupTokens' | 'clock'>) =>
  async (): Promise<string | undefined> => {
    if (!(await makeNeedsSetup(deps)())) return undefined;
    const token = randomBytes(32).toString('base64url');
    await deps.setupTokens.put(hashToken(token), new Date(deps.clock.now().getTime() + SETUP_TOKEN_TTL_MS));
    return token;
  };

/**
 * First-run setup: creates the first owner and signs them in.
 * 1. Refuse once any admin exists, or a common password  2. Consume the token with one conditional delete (exactly one caller
 * wins; expired or reused tokens lose)  3. Create the owner  4. Start a session.
 */
export const makeCompleteSetup = (deps: AuthDeps) => {
  const startSession = makeStartSession(deps);
  return async (input: SetupInput, origin: RequestOrigin) => {
    if (!(await makeNeedsSetup(deps)())) throw new GoneError(SETUP_DONE);
    // Before the token is spent: a refused password must not cost the one-time link.
    await assertNotCommonPassword(input.password, 'password');
    const now = deps.clock.now();
    if (!(await deps.setupTokens.consume(hashToken(input.token), now))) {
      throw new UnauthorizedError('This setup link is invalid or has expired. Restart the server to print a new one.');
    }
    const admin: AdminRecord = {
      email: input.email,
      name: input.name,
      role: 'owner',
      passwordHash: await deps.hasher.hash(input.password),
      createdAt: now.toISOString(),
      lastLoginAt: now.toISOString(),
    };
    await deps.admins.create(admin);
    const { cookie, session } = await startSession(admin.email, origin);
    return { cookie, session, admin };
  };
};
