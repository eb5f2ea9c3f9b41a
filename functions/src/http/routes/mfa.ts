import { ConfirmMfaInput, DisableMfaInput, type MfaRecoveryCodes } from '@app/shared';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppContext, AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';
import { setSessionCookie } from '../session-cookie.ts';

const NoBody = lazySchema(() => z.strictObject({}));

/**
 * The signed-in admin's own 2FA, under /api/account/mfa. Reachable by enrolment-only sessions. Audit
 * entries name the admin and the outcome; the secret and the codes never leave except in the one
 * enrolment (secret) and confirmation (recovery codes) response.
 */
export const mfaRoutes = (deps: AppDeps) => {
  const self = (c: AppContext) => c.get('admin').email;
  const origin = (c: AppContext) => ({ ip: deps.clientIp(c), userAgent: c.req.header('user-agent') ?? '' });
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json(deps.auth.mfaStatus(c.get('admin'), (await deps.settings.get()).requireAdminMfa)))
    .post('/enrol', audited(deps, 'account.mfa.enrol', self), async (c) => {
      await readJson(c, NoBody);
      return c.json(await deps.auth.startMfaEnrolment(c.get('admin')));
    })
    .post('/confirm', audited(deps, 'account.mfa.enable', self), async (c) => {
      const input = await readJson(c, ConfirmMfaInput);
      const { recoveryCodes, cookie, endedSessions } = await deps.auth.confirmMfaEnrolment(c.get('admin'), c.get('session').id, input, origin(c));
      setSessionCookie(c, cookie, deps.sessionCookieMaxAgeSeconds);
      c.set('auditDetails', `ended ${endedSessions} other session(s); ${recoveryCodes.length} recovery codes issued`);
      return c.json({ recoveryCodes, endedSessions } satisfies MfaRecoveryCodes);
    })
    .post('/disable', audited(deps, 'account.mfa.disable', self), async (c) => {
      const input = await readJson(c, DisableMfaInput);
      const { cookie, factor } = await deps.auth.disableMfa(c.get('admin'), c.get('session').id, input, origin(c));
      setSessionCookie(c, cookie, deps.sessionCookieMaxAgeSeconds);
      c.set('auditDetails', `confirmed with ${factor === 'totp' ? 'an authenticator code' : 'a recovery code'}`);
      return c.body(null, 204);
    });
};
