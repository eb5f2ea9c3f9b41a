import type { AuthDeps } from './deps.ts';
import type { AdminRecord } from './ports.ts';
import { hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes.ts';
import { matchTotp } from './totp.ts';

export type SecondFactor = 'totp' | 'recovery code';

/**
 * Checks a code against an admin's active 2FA and uses it up.
 * 1. Six digits: the sealed secret opened, a TOTP code within ±1 step, later than the last accepted step; the step is recorded with
 * one conditional write, so a code works once even when sent twice at the same moment
 * 2. Otherwise a recovery code: hashed with the admin's salt and removed with one conditional write.
 * Returns which factor matched, or undefined.
 */
export const makeVerifySecondFactor =
  (deps: Pick<AuthDeps, 'admins' | 'clock' | 'mfaSecrets'>) =>
  async (admin: AdminRecord, code: string): Promise<SecondFactor | undefined> => {
    const mfa = admin.mfa;
    if (!mfa) return undefined;
    const digits = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(digits)) {
      const { secret, legacy } = await deps.mfaSecrets.open(mfa.secret, admin.email);
      const step = await matchTotp(secret, digits, deps.clock.now());
      if (step === undefined || step <= mfa.lastStep) return undefined;
      if (!(await deps.admins.acceptTotpStep(admin.email, step))) return undefined;
      // A secret stored in clear by an older version is sealed now (losing a race to another change is fine).
      if (legacy) await deps.admins.replaceMfaSecret(admin.email, mfa.secret, await deps.mfaSecrets.seal(secret, admin.email));
      return 'totp';
    }
    const normalised = normaliseRecoveryCode(code);
    if (!normalised) return undefined;
    const hash = await hashRecoveryCode(normalised, mfa.recoverySalt);
    if (!mfa.recoveryCodeHashes.includes(hash)) return undefined;
    return (await deps.admins.useRecoveryCode(admin.email, hash)) ? 'recovery code' : undefined;
  };
