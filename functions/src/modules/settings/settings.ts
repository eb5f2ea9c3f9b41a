import { whyNot, type AdminRole, type Settings, type UpdateSettingsInput } from '@app/shared';
import { compareDecimal } from '@app/shared/money';
import { ConflictError, ForbiddenError, ReauthRequiredError, ValidationError } from '../errors.ts';
import type { SettingsStore } from './ports.ts';

export const DEFAULT_SETTINGS: Settings = { creditAmber: '5', creditRed: '2', deletionDelayHours: 24, creditForecastDays: 14, requireAdminMfa: false, version: 0 };

/** The settings in force: what was stored over the defaults (nothing is stored until first saved). */
export const withDefaultSettings = (stored: Settings | undefined): Settings => ({ ...DEFAULT_SETTINGS, ...stored });

/** Panel-wide settings with optimistic locking, so two admins never silently overwrite each other. */
export function makeSettings(deps: { store: SettingsStore }) {
  const get = async (): Promise<Settings> => withDefaultSettings(await deps.store.get());
  return {
    get,
    /**
     * `actor` is who asks: only an owner changes the deletion delay and `requireAdminMfa` (the panel's safety
     * policy); `requireAdminMfa` moreover only by an owner who uses 2FA (so nobody locks themselves out), and only
     * with a password check from the last few minutes (`recentAuth`, step-up re-auth).
     */
    async update(input: UpdateSettingsInput, actor?: { role: AdminRole; mfaEnabled: boolean; recentAuth?: boolean }): Promise<Settings> {
      const current = await get();
      const delayChanged = input.deletionDelayHours !== undefined && input.deletionDelayHours !== current.deletionDelayHours;
      const mfaChanged = input.requireAdminMfa !== undefined && input.requireAdminMfa !== current.requireAdminMfa;
      const refused = (delayChanged || mfaChanged) && whyNot(actor?.role, 'panel-policy');
      if (refused) throw new ForbiddenError(refused);
      if (mfaChanged && actor) {
        if (input.requireAdminMfa && !actor.mfaEnabled) {
          throw new ConflictError('Turn on two-factor authentication for your own account first (Settings → Two-factor authentication).', 'mfa_not_enabled');
        }
        if (!actor.recentAuth) throw new ReauthRequiredError();
      }
      const next: Settings = {
        creditAmber: input.creditAmber ?? current.creditAmber,
        creditRed: input.creditRed ?? current.creditRed,
        deletionDelayHours: input.deletionDelayHours ?? current.deletionDelayHours,
        creditForecastDays: input.creditForecastDays ?? current.creditForecastDays,
        requireAdminMfa: input.requireAdminMfa ?? current.requireAdminMfa,
        version: input.version + 1,
      };
      if (compareDecimal(next.creditRed, next.creditAmber) > 0) {
        throw new ValidationError('The red threshold must not be above the amber one.', [{ path: 'creditRed', message: 'must not be above the amber threshold' }]);
      }
      await deps.store.save(next, input.version);
      return next;
    },
  };
}
export type SettingsModule = ReturnType<typeof makeSettings>;
