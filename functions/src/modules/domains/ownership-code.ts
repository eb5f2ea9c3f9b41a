import type { OwnershipCode } from '@app/shared';
import { OWNERSHIP_CODE_PATTERN } from '../purelymail/purelymail-types.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PurelyMail } from '../purelymail/ports.ts';

const PREFIX = 'purelymail_ownership_proof=';
/** The code is per account and does not change, so one call an hour is plenty. */
const MEMO_MS = 60 * 60 * 1000;

/** Accepts the bare token or the full `purelymail_ownership_proof=…` value in PURELYMAIL_OWNERSHIP_TOKEN. */
export function fullOwnershipValue(token: string): string {
  const trimmed = token.trim();
  return trimmed.startsWith(PREFIX) ? trimmed : `${PREFIX}${trimmed}`;
}

/**
 * The TXT value to publish at a domain's apex before adding it.
 *
 * 1. Return the remembered code if it was read from PurelyMail within the hour.
 * 2. Ask PurelyMail (`getOwnershipCode`). Any non-empty value is passed on exactly as given; `expectedShape`
 *    says whether it looks as documented, so the page can show an odd one with a word of caution.
 * 3. If that fails and PURELYMAIL_OWNERSHIP_TOKEN is set, return it (source `config`); otherwise rethrow.
 */
export const makeGetOwnershipCode = (deps: { purelymail: PurelyMail; clock: Clock; fallback?: string | undefined }) => {
  let memo: { at: number; code: string } | undefined;
  return async (): Promise<OwnershipCode> => {
    const now = deps.clock.now().getTime();
    const answer = (code: string, source: OwnershipCode['source']): OwnershipCode => ({ code, source, expectedShape: OWNERSHIP_CODE_PATTERN.test(code) });
    if (memo && now - memo.at < MEMO_MS) return answer(memo.code, 'purelymail');
    try {
      const { code } = await deps.purelymail.getOwnershipCode();
      memo = { at: now, code };
      return answer(code, 'purelymail');
    } catch (err) {
      if (deps.fallback?.trim()) return answer(fullOwnershipValue(deps.fallback), 'config');
      throw err;
    }
  };
};
