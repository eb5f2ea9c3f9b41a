import type { PublicCampaignInfo, PublicChallenge, PublicSubmitInput, PublicSubmitResult } from '@app/shared';
import type * as z from 'zod';
import { ConflictError, ValidationError } from '../errors.ts';
import { SEALED_KIND } from '../migrations/ports.ts';
import type { CampaignDeps } from './campaign-deps.ts';
import { hintsFor } from './hints.ts';
import { submissionIdFor } from './ids.ts';
import type { SubmissionRecord } from './ports.ts';
import type { CampaignRateLimits } from './rate-limits.ts';
import { resolveToken } from './resolve-token.ts';
import type { StepUp, StepUpRefusal } from './step-up.ts';
import { defaultDest } from './views.ts';

type Input = z.output<typeof PublicSubmitInput>;
const IDEMPOTENT_WINDOW_MS = 60_000;

/**
 * One verification (the address cap was checked before); a rejected password counts against the address and
 * the link (towards the browser check), anything else is a plain 409.
 */
async function verifyOrThrow(deps: CampaignDeps, limits: CampaignRateLimits, stepUp: StepUp, campaignId: string, serverId: string, user: string, password: string, field: 'sourcePassword' | 'destPassword') {
  const r = await deps.verifier.verify(serverId, user, password);
  if (r.ok) return;
  if (r.reason === 'auth') {
    const left = await limits.failAddress(serverId, user);
    await stepUp.recordFailure(campaignId);
    const which = field === 'sourcePassword' ? 'your mailbox' : 'the new mailbox';
    const tries = left > 0 ? ` You can try ${left} more time${left === 1 ? '' : 's'} this hour.` : ' Wait an hour before trying again.';
    throw new ValidationError(`The mail server did not accept this email address and password for ${which}. Check them and try again.${tries}`, [{ path: field, message: 'was not accepted by the mail server' }]);
  }
  throw new ConflictError(`We could not check your password: ${r.message} Try again in a few minutes.`, 'cannot_verify');
}

/**
 * The public page: what the campaign asks for, and a submission.
 * Submit: 1. Honeypot filled → silent drop (no lookup, no IMAP)  2. Per-IP bucket  3. Token → open campaign
 * (404/410)  4. Per-token bucket  5. Same address already there: an identical re-send within 60 s returns the
 * original result; otherwise "already submitted" unless the person asked to replace  6. Per-address cap,
 * checked BEFORE contacting the server  7. After repeated wrong passwords on the link, a solved browser check
 * (proof of work), also before contacting the server  8. Real IMAP LOGIN (source, and destination when a
 * password was given)  9. Seal under the job id reserved for this submission  10. One conditional write.
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

      const id = submissionIdFor(input.sourceEmail);
      const existing = await deps.submissions.get(c.id, id);
      const typed = input.destEmail ?? null;
      if (existing) {
        const identical = existing.via === 'public' && existing.name === input.name && existing.typedDest === typed && existing.verification.ok;
        if (identical && now.getTime() - Date.parse(existing.updatedAt) <= IDEMPOTENT_WINDOW_MS) {
          return { status: existing.version > 1 ? 'replaced' : 'accepted', sourceEmail: existing.sourceEmail, submittedAt: existing.updatedAt };
        }
        if (existing.launchedAt) throw new ConflictError(`The move of ${existing.sourceEmail} has already started, so this submission can no longer be changed. Contact ${c.requester} if something is wrong.`, 'already_launched');
        if (!input.replace) throw new ConflictError(`${existing.sourceEmail} was already submitted. You can replace that submission with this one.`, 'already_submitted');
      }
      if (c.destMode === 'typed' && !typed) throw new ValidationError('Tell us the address of your new mailbox.', [{ path: 'destEmail', message: 'is required' }]);
      const dest = defaultDest(c, input.sourceEmail, typed);
      if (input.destPassword && !dest) throw new ValidationError('Give the address of the new mailbox with its password.', [{ path: 'destEmail', message: 'is required with a password' }]);

      await limits.checkAddress(c.sourceServerId, input.sourceEmail);
      if (input.destPassword && dest) await limits.checkAddress(c.destServerId, dest);
      await stepUp.guard(c.id, input.pow, ctx.onStepUpRefused);
      await verifyOrThrow(deps, limits, stepUp, c.id, c.sourceServerId, input.sourceEmail, input.sourcePassword, 'sourcePassword');
      if (input.destPassword && dest) await verifyOrThrow(deps, limits, stepUp, c.id, c.destServerId, dest, input.destPassword, 'destPassword');

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
