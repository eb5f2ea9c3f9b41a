import type { PublicCampaignInfo, PublicChallenge, PublicSubmitInput, PublicSubmitResult } from '@app/shared';
import type * as z from 'zod';
import { ConflictError, ValidationError } from '../errors.ts';
import { SEALED_KIND } from '../migrations/ports.ts';
import type { CampaignDeps } from './campaign-deps.ts';
import { hintsFor } from './hints.ts';
import { submissionIdFor } from './ids.ts';
import type { SubmissionRecord } from './ports.ts';
import type { CampaignRateLimits, Slot } from './rate-limits.ts';
import { resolveToken } from './resolve-token.ts';
import type { StepUp, StepUpRefusal } from './step-up.ts';
import { defaultDest } from './views.ts';

type Input = z.output<typeof PublicSubmitInput>;
const IDEMPOTENT_WINDOW_MS = 60_000;

type Check = { serverId: string; user: string; password: string; field: 'sourcePassword' | 'destPassword' };

/**
 * The real IMAP logins of a submission, each reserved before it happens: one check in flight per address
 * (a parallel submission for the same address is refused), one check of the address's hourly allowance and
 * one of the link's (which asks for the browser check after repeated failures), each a conditional write.
 * A password the server accepts gives its reservations back; a rejected one keeps them (that is the failure
 * counted) and answers 400; a server that could not be asked gives everything back and answers 409.
 */
async function verifyPasswords(deps: CampaignDeps, limits: CampaignRateLimits, stepUp: StepUp, campaignId: string, checks: Check[], pow: Input['pow'], onStepUpRefused?: (why: StepUpRefusal) => void) {
  const inFlight: Slot[] = [];
  const reserved: (Slot & { left: number })[] = [];
  let link: Slot | undefined;
  let keep = false;
  try {
    for (const c of checks) inFlight.push(await limits.claimCheck(c.serverId, c.user));
    for (const c of checks) reserved.push(await limits.reserveAddress(c.serverId, c.user));
    link = await stepUp.reserve(campaignId, pow, onStepUpRefused);
    for (const [i, c] of checks.entries()) {
      const r = await deps.verifier.verify(c.serverId, c.user, c.password);
      if (r.ok) {
        await reserved[i]!.release();
        reserved[i] = { left: 0, release: async () => {} };
        continue;
      }
      if (r.reason === 'auth') {
        // This check's address slot and the link's slot stay counted: they are the failure.
        const left = reserved[i]!.left;
        reserved[i] = { left, release: async () => {} };
        link = undefined;
        keep = true;
        await stepUp.recordFailure(campaignId);
        const which = c.field === 'sourcePassword' ? 'your mailbox' : 'the new mailbox';
        const tries = left > 0 ? ` You can try ${left} more time${left === 1 ? '' : 's'} this hour.` : ' Wait an hour before trying again.';
        throw new ValidationError(`The mail server did not accept this email address and password for ${which}. Check them and try again.${tries}`, [{ path: c.field, message: 'was not accepted by the mail server' }]);
      }
      throw new ConflictError(`We could not check your password: ${r.message} Try again in a few minutes.`, 'cannot_verify');
    }
  } finally {
    // Every slot not kept as a failure goes back: the accepted checks, the ones not reached, and all of them
    // when something other than a wrong password stopped the submission.
    await Promise.all([...reserved.map((s) => s.release()), ...(keep ? [] : [link?.release()]), ...inFlight.map((s) => s.release())]);
  }
}

/**
 * The public page: what the campaign asks for, and a submission.
 * Submit: 1. Honeypot filled → silent drop (no lookup, no IMAP)  2. Per-IP bucket  3. Token → open campaign
 * (404/410)  4. Per-token bucket  5. One check in flight per address, the per-address allowance and (after
 * repeated wrong passwords on the link) a solved browser check, each reserved BEFORE contacting the server
 * 6. Real IMAP LOGIN (source, and destination when a password was given)  7. Only now, with the password
 * proven: the same address already there → an identical re-send within 60 s returns the original result;
 * otherwise "already submitted" unless the person asked to replace  8. Seal under the job id reserved for
 * this submission  9. One conditional write.
 * Challenge: the same IP bucket as page views and the same token resolution (identical 404), then a challenge.
 */
export function makePublicCampaign(deps: CampaignDeps, limits: CampaignRateLimits, stepUp: StepUp) {
  return {
    async challenge(token: string, ip: string, onCampaign: (campaignId: string) => void = () => {}): Promise<PublicChallenge> {
      await limits.hitIpView(ip);
      const c = await resolveToken(deps, token);
      onCampaign(c.id);
      return stepUp.issue(c.id);
    },

    async info(token: string, ip: string, onCampaign: (campaignId: string) => void = () => {}): Promise<PublicCampaignInfo> {
      await limits.hitIpView(ip);
      const c = await resolveToken(deps, token);
      onCampaign(c.id);
      const source = await deps.servers.get(c.sourceServerId);
      return { name: c.name, requester: c.requester, message: c.message, destMode: c.destMode, destDomain: c.destDomain, sourceHost: source?.host ?? '', hints: hintsFor(source?.host ?? ''), expiresAt: c.expiresAt };
    },

    async submit(input: Input, ctx: { ip: string; onCampaign: (campaignId: string) => void; onStepUpRefused?: (why: StepUpRefusal) => void }): Promise<PublicSubmitResult & { dropped?: true }> {
      const now = deps.clock.now();
      if (input.website) return { status: 'accepted', sourceEmail: input.sourceEmail, submittedAt: now.toISOString(), dropped: true };
      await limits.hitIp(ctx.ip);
      const c = await resolveToken(deps, input.token);
      ctx.onCampaign(c.id);
      await limits.hitToken(c.id);

      const typed = input.destEmail ?? null;
      if (c.destMode === 'typed' && !typed) throw new ValidationError('Tell us the address of your new mailbox.', [{ path: 'destEmail', message: 'is required' }]);
      const dest = defaultDest(c, input.sourceEmail, typed);
      if (input.destPassword && !dest) throw new ValidationError('Give the address of the new mailbox with its password.', [{ path: 'destEmail', message: 'is required with a password' }]);

      // Whether this address already submitted is looked at only once its password is proven: anyone with the
      // link must not learn who has submitted (the answers before this point never depend on it).
      await verifyPasswords(
        deps,
        limits,
        stepUp,
        c.id,
        [
          { serverId: c.sourceServerId, user: input.sourceEmail, password: input.sourcePassword, field: 'sourcePassword' },
          ...(input.destPassword && dest ? [{ serverId: c.destServerId, user: dest, password: input.destPassword, field: 'destPassword' as const }] : []),
        ],
        input.pow,
        ctx.onStepUpRefused,
      );

      const id = submissionIdFor(input.sourceEmail);
      const existing = await deps.submissions.get(c.id, id);
      if (existing) {
        const identical = existing.via === 'public' && existing.name === input.name && existing.typedDest === typed && existing.verification.ok;
        if (identical && now.getTime() - Date.parse(existing.updatedAt) <= IDEMPOTENT_WINDOW_MS) {
          return { status: existing.version > 1 ? 'replaced' : 'accepted', sourceEmail: existing.sourceEmail, submittedAt: existing.updatedAt };
        }
        if (existing.launchedAt) throw new ConflictError(`The move of ${existing.sourceEmail} has already started, so this submission can no longer be changed. Contact ${c.requester} if something is wrong.`, 'already_launched');
        if (!input.replace) throw new ConflictError(`${existing.sourceEmail} was already submitted. You can replace that submission with this one.`, 'already_submitted');
      }

      const jobId = existing?.reservedJobId ?? deps.newJobId(now);
      const record: SubmissionRecord = {
        id,
        campaignId: c.id,
        name: input.name,
        sourceEmail: input.sourceEmail,
        typedDest: typed,
        // An admin's mapping survives a replacement; otherwise the campaign's rule decides.
        destEmail: existing && existing.destEmail !== defaultDest(c, existing.sourceEmail, existing.typedDest) ? existing.destEmail : dest,
        verification: { ok: true, message: 'Signed in to the mail server.', at: now.toISOString() },
        via: 'public',
        submittedAt: existing?.submittedAt ?? now.toISOString(),
        updatedAt: now.toISOString(),
        reservedJobId: jobId,
        sealedSourcePassword: await deps.sealer.seal(input.sourcePassword, { kind: SEALED_KIND.source, id: jobId }),
        sealedDestPassword: input.destPassword ? await deps.sealer.seal(input.destPassword, { kind: SEALED_KIND.dest, id: jobId }) : (existing?.sealedDestPassword ?? null),
        launchedAt: null,
        version: (existing?.version ?? 0) + 1,
      };
      const written = existing ? await deps.submissions.replace(record, existing.version) : await deps.submissions.create(record);
      if (!written) throw new ConflictError('This address was submitted at the same moment from somewhere else. Try again.', 'stale_version');
      if (!existing) await deps.campaigns.countSubmission(c.id, 1);
      return { status: existing ? 'replaced' : 'accepted', sourceEmail: record.sourceEmail, submittedAt: record.updatedAt };
    },
  };
}
export type PublicCampaign = ReturnType<typeof makePublicCampaign>;
