import type { AddSubmissionInput, MapSubmissionInput, Submission } from '@app/shared';
import type * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { SEALED_KIND } from '../migrations/ports.ts';
import type { CampaignDeps } from './campaign-deps.ts';
import { submissionIdFor } from './ids.ts';
import type { CampaignRecord, SubmissionRecord } from './ports.ts';
import { defaultDest, toSubmissionView } from './views.ts';

type AddInput = z.output<typeof AddSubmissionInput>;

/**
 * The admin's side of submissions.
 * Map: set the destination address and, for an existing mailbox, its password: checked by a real IMAP LOGIN on
 *      the campaign's destination server (as a source password is), then sealed under the job id.
 * Add by hand: 1. Not already there  2. Real IMAP LOGIN (the admin's typing is checked like anyone's), for the
 *              destination password too when one is given  3. Seal under a reserved job id  4. Create.
 * Remove: only before launch.
 */
export function makeReviewSubmissions(deps: CampaignDeps, load: (id: string) => Promise<CampaignRecord>) {
  const loadSub = async (campaignId: string, id: string) => {
    const s = await deps.submissions.get(campaignId, id);
    if (!s) throw new NotFoundError('There is no such submission.');
    return s;
  };
  /** A destination password is only kept once the destination server accepted it (one real IMAP LOGIN). */
  const checkDest = async (c: CampaignRecord, destEmail: string, password: string) => {
    const r = await deps.verifier.verify(c.destServerId, destEmail, password);
    if (!r.ok) throw new ValidationError(`The destination server refused the sign-in for ${destEmail}: ${r.message}`, [{ path: r.reason === 'auth' ? 'destPassword' : 'destEmail', message: r.message }]);
  };
  const notLaunched = (s: SubmissionRecord) => {
    if (s.launchedAt) throw new ConflictError('A job was already created for this submission.', 'already_launched');
    if (!s.sealedSourcePassword) throw new ConflictError('The credentials of this submission were purged.', 'purged');
  };
  return {
    async map(campaignId: string, id: string, input: MapSubmissionInput): Promise<Submission> {
      const c = await load(campaignId);
      const s = await loadSub(campaignId, id);
      notLaunched(s);
      if (s.version !== input.version) throw new ConflictError('This submission changed meanwhile (replaced or mapped by someone else). Reload and try again.', 'stale_version');
      if (input.destPassword) await checkDest(c, input.destEmail, input.destPassword);
      const next: SubmissionRecord = {
        ...s,
        destEmail: input.destEmail,
        // A password given for another address does not follow the mapping to a new one.
        sealedDestPassword: input.destPassword ? await deps.sealer.seal(input.destPassword, { kind: SEALED_KIND.dest, id: s.reservedJobId }) : input.destEmail === s.destEmail ? s.sealedDestPassword : null,
        updatedAt: deps.clock.now().toISOString(),
        version: s.version + 1,
      };
      if (!(await deps.submissions.replace(next, s.version))) throw new ConflictError('This submission changed meanwhile. Reload and try again.', 'stale_version');
      return toSubmissionView(next);
    },
    async add(campaignId: string, input: AddInput): Promise<Submission> {
      const c = await load(campaignId);
      const id = submissionIdFor(input.sourceEmail);
      if (await deps.submissions.get(campaignId, id)) throw new ConflictError(`${input.sourceEmail} is already in this campaign.`, 'already_submitted');
      const r = await deps.verifier.verify(c.sourceServerId, input.sourceEmail, input.sourcePassword);
      if (!r.ok) throw new ValidationError(`The source server refused the sign-in: ${r.message}`, [{ path: r.reason === 'auth' ? 'sourcePassword' : 'sourceEmail', message: r.message }]);
      const now = deps.clock.now();
      const jobId = deps.newJobId(now);
      const dest = input.destEmail ?? defaultDest(c, input.sourceEmail, null);
      if (input.destPassword && dest) await checkDest(c, dest, input.destPassword);
      const record: SubmissionRecord = {
        id,
        campaignId,
        name: input.name,
        sourceEmail: input.sourceEmail,
        typedDest: input.destEmail ?? null,
        destEmail: dest,
        verification: { ok: true, message: 'Signed in to the mail server.', at: now.toISOString() },
        via: 'admin',
        submittedAt: now.toISOString(),
        updatedAt: now.toISOString(),
        reservedJobId: jobId,
        sealedSourcePassword: await deps.sealer.seal(input.sourcePassword, { kind: SEALED_KIND.source, id: jobId }),
        sealedDestPassword: input.destPassword ? await deps.sealer.seal(input.destPassword, { kind: SEALED_KIND.dest, id: jobId }) : null,
        launchedAt: null,
        version: 1,
      };
      if (!(await deps.submissions.create(record))) throw new ConflictError(`${input.sourceEmail} is already in this campaign.`, 'already_submitted');
      await deps.campaigns.countSubmission(campaignId, 1);
      return toSubmissionView(record);
    },
    async remove(campaignId: string, id: string): Promise<SubmissionRecord> {
      await load(campaignId);
      const s = await loadSub(campaignId, id);
      if (s.launchedAt) throw new ConflictError('A job was already created for this submission; delete the job instead.', 'already_launched');
      if (!(await deps.submissions.delete(campaignId, id, s.version))) throw new ConflictError('This submission changed meanwhile. Reload and try again.', 'stale_version');
      await deps.campaigns.countSubmission(campaignId, -1);
      return s;
    },
  };
}
export type ReviewSubmissions = ReturnType<typeof makeReviewSubmissions>;
