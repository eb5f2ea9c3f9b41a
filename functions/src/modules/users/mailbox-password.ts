import { loadPasswordJudge } from '@app/shared/password-strength';
import { ValidationError } from '../errors.ts';

export const WEAK_PASSWORD_FIELD_MESSAGE = 'is too easy to guess';

/**
 * Refuses a mailbox password the strength meter shows as weak: the same judge (zxcvbn-ts with its
 * dictionaries, plus the common-password list the admin passwords use), with the same inputs (the address),
 * so what the meter calls weak the API refuses and what it calls Good or Strong the API accepts.
 */
export async function assertStrongMailboxPassword(
  password: string,
  field: 'password' | 'newPassword',
  address: string,
  /** What the meter is given: [local part, domain] in the new-user dialog, [address] elsewhere. */
  userInputs: string[] = [address],
): Promise<void> {
  const verdict = (await loadPasswordJudge())(password, userInputs);
  if (!verdict.weak) return;
  const why = verdict.common
    ? 'it is one of the 3,000 most common passwords (or one of them repeated or padded with digits and symbols), the first ones attackers try'
    : 'the strength meter rates it below Good: it is built from common words, names, keyboard patterns or the address itself';
  throw new ValidationError(`Choose a stronger password for ${address}: ${why}. Use Generate for a strong random one.`, [
    { path: field, message: verdict.common ? 'is one of the most common passwords' : WEAK_PASSWORD_FIELD_MESSAGE },
  ]);
}
