import type { ProofOfWork, PublicChallenge } from '@app/shared';
import { ConflictError } from '../errors.ts';
import type { CampaignDeps } from './campaign-deps.ts';
import { CHALLENGE_ID_PATTERN, newChallengeId, newChallengePrefix, solvesChallenge } from './proof-of-work.ts';
import type { RateCounter } from './ports.ts';

const HOUR = 3_600_000;
/** Long enough for a slow phone (about 1 s expected at 15 bits), short enough that solutions cannot be stockpiled. */
export const CHALLENGE_TTL_MS = 60_000;
export const CHALLENGE_REQUIRED_MESSAGE = 'Your browser needs to finish a quick check before we can try this password. Send the form again.';

/** Why a submission was stopped for a browser check; goes to the audit entry (no nonce, no prefix, no id). */
export type StepUpRefusal = 'missing' | 'unknown or already used' | 'expired' | 'for another link' | 'wrong solution';

/**
 * The step-up of the public form (checklist AS-9 a): once a link has had `challengeAfterLinkFailures` wrong
 * passwords within the hour, every submission must carry a solved proof of work, checked BEFORE anything
 * contacts the IMAP server. The per-address cap (5 wrong passwords an hour) still applies on top.
 * Difficulty: 15 bits takes 2^15 ≈ 33,000 SHA-256 on average; Chromium with crypto.subtle did ≈ 100,000/s on
 * a desktop core and ≈ 25,000/s at a 4× CPU slowdown (a mid-range phone), so about 0.3 s and 1.3 s.
 *
 * Issue: 1. a random id and prefix, the configured difficulty, expiry now + 60 s  2. one item in the table.
 * Reserve: 1. count this check on the link (one conditional write)  2. fewer earlier failures or running
 * checks than the threshold → pass  3. no solution → refuse  4. take the challenge out (one conditional
 * write: a reused one is gone)  5. same link, not expired (checked here, never left to TTL), the hash has
 * enough zero bits → pass; anything else → the same `challenge_required` refusal (and the slot is given back).
 */
export function makeStepUp(deps: Pick<CampaignDeps, 'challenges' | 'campaigns' | 'limits' | 'clock'> & { counter: RateCounter }) {
  const failKey = (campaignId: string) => `campaign-linkfail#${campaignId}`;
  const now = () => deps.clock.now().getTime();
  const required = async (campaignId: string) => (await deps.counter.count(failKey(campaignId), now(), HOUR)) >= deps.limits.challengeAfterLinkFailures;

  async function check(campaignId: string, pow: ProofOfWork | undefined): Promise<StepUpRefusal | null> {
    if (!pow) return 'missing';
    // A malformed id takes no table read: it cannot name a challenge.
    const c = CHALLENGE_ID_PATTERN.test(pow.id) ? await deps.challenges.take(pow.id) : undefined;
    if (!c) return 'unknown or already used';
    if (Date.parse(c.expiresAt) <= now()) return 'expired';
    if (c.campaignId !== campaignId) return 'for another link';
    return solvesChallenge(c.prefix, pow.nonce, c.difficulty) ? null : 'wrong solution';
  }

  return {
    required,

    async issue(campaignId: string): Promise<PublicChallenge> {
      const c = { id: newChallengeId(), campaignId, prefix: newChallengePrefix(), difficulty: deps.limits.challengeDifficulty, expiresAt: new Date(now() + CHALLENGE_TTL_MS).toISOString() };
      await deps.challenges.create(c);
      return { id: c.id, prefix: c.prefix, difficulty: c.difficulty, expiresAt: c.expiresAt };
    },

    /**
     * Reserves this submission's password check on the link (one conditional write, before the IMAP login) and
     * throws `challenge_required` (409) when the link has had enough wrong passwords, counting checks still
     * running, unless `pow` solves a live challenge of this link. The slot stays counted if the password turns
     * out wrong; give it back otherwise. Parallel submissions therefore cannot all slip under the threshold.
     */
    async reserve(campaignId: string, pow: ProofOfWork | undefined, onRefused: (why: StepUpRefusal) => void = () => {}): Promise<{ release(): Promise<void> }> {
      const key = failKey(campaignId);
      const r = await deps.counter.reserve(key, now(), HOUR, Number.MAX_SAFE_INTEGER);
      if (!r.ok) throw new ConflictError(CHALLENGE_REQUIRED_MESSAGE, 'challenge_required');
      const slot = { release: () => deps.counter.release(key, r.windowStartedAt) };
      // The checks before this one: failures and checks in flight.
      if (r.count - 1 < deps.limits.challengeAfterLinkFailures) return slot;
      const why = await check(campaignId, pow);
      if (!why) return slot;
      await slot.release();
      onRefused(why);
      await deps.campaigns.countAttempt(campaignId, why === 'missing' ? 'challengesAsked' : 'challengesRefused');
      throw new ConflictError(CHALLENGE_REQUIRED_MESSAGE, 'challenge_required');
    },

    /** After the IMAP server refused a password given through this link (its slot stays counted). */
    async recordFailure(campaignId: string): Promise<void> {
      await deps.campaigns.countAttempt(campaignId, 'failedPasswords');
    },
  };
}
export type StepUp = ReturnType<typeof makeStepUp>;
