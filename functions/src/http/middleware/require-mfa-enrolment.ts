import { MFA_ENROLMENT_REQUIRED, type ApiErrorBody } from '@app/shared';
import type { MiddlewareHandler } from 'hono';
import type { AdminRecord } from '../../modules/auth/ports.ts';
import type { SettingsModule } from '../../modules/settings/settings.ts';
import type { AppContext, AppEnv } from '../app-env.ts';

export const MFA_ENROLMENT_MESSAGE = 'Set up two-factor authentication first: this panel requires it for every admin.';
/** What an enrolment-only session may still reach (besides /api/auth/me and /api/auth/logout). */
const ENROLMENT_PATH = '/api/account/mfa';

/** True when the panel requires 2FA and this admin has none yet. */
export const needsMfaEnrolment = async (settings: Pick<SettingsModule, 'get'>, admin: AdminRecord): Promise<boolean> =>
  !admin.mfa && (await settings.get()).requireAdminMfa;

/** The settings requireSession already started reading for this request, or a fresh read. */
export const requestSettings = (c: AppContext, settings: Pick<SettingsModule, 'get'>): Pick<SettingsModule, 'get'> => ({
  get: () => c.get('settings') ?? settings.get(),
});

/**
 * Runs after requireSession: while the panel requires 2FA, an admin without it reaches only the 2FA set-up
 * routes; everything else answers 403 `mfa_enrolment_required`, failing closed.
 */
export const requireMfaEnrolment =
  (settings: Pick<SettingsModule, 'get'>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const path = c.req.path;
    if (path === ENROLMENT_PATH || path.startsWith(`${ENROLMENT_PATH}/`)) return next();
    if (!(await needsMfaEnrolment(requestSettings(c, settings), c.get('admin')))) return next();
    const body: ApiErrorBody = { error: { code: MFA_ENROLMENT_REQUIRED, message: MFA_ENROLMENT_MESSAGE, requestId: c.get('requestId') } };
    return c.json(body, 403);
  };
