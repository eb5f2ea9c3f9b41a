import type { AuthDeps } from './deps.ts';
import type { AdminRecord } from './ports.ts';
import { hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes.ts';
import { matchTotp } from './totp.ts';

export type SecondFactor = 'totp' | 'recovery code';

/**
 * Checks a code against an admin's active 2FA and uses it up.
 * 1. Six digits: a TOTP code within ±1 step, later than the last accepted step; the step is recorded with
 * one conditional write, so a code works once even when sent twice at the same moment
 * 2. Otherwise a recovery code: hashed with the admin's salt and removed with one conditional write.
 * Returns which factor matched, or undefined.
 */
export const makeVerifySecondFactor =
  (deps: Pick<AuthDeps, 'admins' | 'clock'>) =>
  async (admin: AdminRecord, code: string): Promise<SecondFactor | undefined> => {
    const mfa = admin.mfa;
    if (!mfa) return undefined;
    const digits = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(digits)) {
      const step = await matchTotp(mfa.secret, digits, deps.clock.now());
      if (step === undefined || step <= mfa.lastStep) return undefined;
      return (await deps.admins.acceptTotpStep(admin.email, step)) ? 'totp' : undefined;
    }
    const normalised = normaliseRecoveryCode(code);
    if (!normalised) return undefined;
    const hash = await hashRecoveryCode(normalised, mfa.recoverySalt);
    if (!mfa.recoveryCodeHashes.includes(hash)) return undefined;
    return (await deps.admins.useRecoveryCode(admin.email, hash)) ? 'recovery code' : undefined;
  };
