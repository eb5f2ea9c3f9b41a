import { loadPasswordJudge } from '@app/shared/password-strength';
import { ValidationError } from '../errors.ts';

export const WEAK_PASSWORD_FIELD_MESSAGE = 'is too easy to guess';

/**
 * Why the strength meter would show a mailbox password as weak, or null when it is Good or Strong: the same
 * judge (zxcvbn-ts with its dictionaries, plus the common-password list the admin passwords use) with the same
 * inputs (the address), so what the meter calls weak the API refuses and what it calls Good or Strong it accepts.
 */
export async function weakMailboxPassword(password: string, userInputs: string[]): Promise<{ why: string; field: string } | null> {
  const verdict = (await loadPasswordJudge())(password, userInputs);
  if (!verdict.weak) return null;
  return verdict.common
    ? { why: 'it is one of the 3,000 most common passwords (or one of them repeated or padded with digits and symbols), the first ones attackers try', field: 'is one of the most common passwords' }
    : { why: 'the strength meter rates it below Good: it is built from common words, names, keyboard patterns or the address itself', field: WEAK_PASSWORD_FIELD_MESSAGE };
}

/** Refuses a mailbox password the strength meter shows as weak (see weakMailboxPassword). */
export async function assertStrongMailboxPassword(
  password: string,
  field: 'password' | 'newPassword',
  address: string,
  /** What the meter is given: [local part, domain] in the new-user dialog, [address] elsewhere. */
  userInputs: string[] = [address],
): Promise<void> {
  const weak = await weakMailboxPassword(password, userInputs);
  if (!weak) return;
  throw new ValidationError(`Choose a stronger password for ${address}: ${weak.why}. Use Generate for a strong random one.`, [{ path: field, message: weak.field }]);
}
