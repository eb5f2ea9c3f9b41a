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
 * Guard: 1. not required (fewer failures) → pass  2. no solution → refuse  3. take the challenge out (one
 * conditional write: a reused one is gone)  4. same link, not expired (checked here, never left to TTL), the
 * hash has enough zero bits → pass; anything else → the same `challenge_required` refusal.
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

    /** Throws `challenge_required` (409) unless no check is needed or `pow` solves a live challenge of this link. */
    async guard(campaignId: string, pow: ProofOfWork | undefined, onRefused: (why: StepUpRefusal) => void = () => {}): Promise<void> {
      if (!(await required(campaignId))) return;
      const why = await check(campaignId, pow);
      if (!why) return;
      onRefused(why);
      await deps.campaigns.countAttempt(campaignId, why === 'missing' ? 'challengesAsked' : 'challengesRefused');
      throw new ConflictError(CHALLENGE_REQUIRED_MESSAGE, 'challenge_required');
    },

    /** After the IMAP server refused a password given through this link. */
    async recordFailure(campaignId: string): Promise<void> {
      await deps.counter.hit(failKey(campaignId), now(), HOUR);
      await deps.campaigns.countAttempt(campaignId, 'failedPasswords');
    },
  };
}
export type StepUp = ReturnType<typeof makeStepUp>;
