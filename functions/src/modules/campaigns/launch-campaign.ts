import type { LaunchCampaignInput, LaunchResult } from '@app/shared';
import type * as z from 'zod';
import { ConflictError } from '../errors.ts';
import type { DestCredential } from '@app/shared';
import { migrationAppPasswordName } from '../app-passwords/app-passwords.ts';
import { SEALED_KIND } from '../migrations/ports.ts';
import type { CampaignDeps } from './campaign-deps.ts';
import { generateMailboxPassword } from '../users/generate-password.ts';
import type { CampaignRecord, SubmissionRecord } from './ports.ts';

type Input = z.output<typeof LaunchCampaignInput>;
type Skip = LaunchResult['skipped'][number];

/**
 * "Create jobs", in one click.
 * 1. Take the chosen submissions not launched yet; each needs credentials (not purged) and a destination.
 * 2. Claim each (one conditional write: not launched → launched), so a double click never makes two jobs.
 * 3. PurelyMail destination missing → create the mailbox with a generated password, seal that password
 *    under the job id right away (a retry reuses it), and return it once to the admin. An existing PurelyMail
 *    mailbox without a given password → an app password made on it for the job (nobody types a password).
 * 4. One batch with a job per submission: the sealed blobs travel as they are (they are already bound to
 *    the job id), so the API never opens anything.
 * 5. If the batch cannot be created, the claims are released and the reason is reported per row.
 */
export function makeLaunchCampaign(deps: CampaignDeps, load: (id: string) => Promise<CampaignRecord>) {
  const skip = (s: SubmissionRecord, reason: string): Skip => ({ submissionId: s.id, sourceEmail: s.sourceEmail, reason });
  const release = (s: SubmissionRecord) => deps.submissions.replace({ ...s, launchedAt: null, version: s.version + 1 }, s.version);

  return async (campaignId: string, input: Input, actor: string): Promise<LaunchResult> => {
    const c = await load(campaignId);
    if (c.purgedAt) throw new ConflictError('The credentials of this campaign were purged.', 'purged');
    const batches = deps.batches();
    if (!batches) throw new ConflictError('Batches are not available in this runtime.', 'not_configured');
    const wanted = input.submissionIds ? new Set(input.submissionIds) : undefined;
    const all = (await deps.submissions.list(campaignId)).filter((s) => !s.launchedAt && (!wanted || wanted.has(s.id)));
    const known = c.destPurelyMail ? await deps.mailboxes.existing(all.flatMap((s) => (s.destEmail ? [s.destEmail] : []))) : new Set<string>();
    const skipped: Skip[] = [];
    const claimed: SubmissionRecord[] = [];
    const now = deps.clock.now().toISOString();

    for (const s of all) {
      if (!s.sealedSourcePassword) skipped.push(skip(s, 'The credentials were purged.'));
      else if (!s.destEmail) skipped.push(skip(s, 'No destination address yet: map it first.'));
      else if (!s.sealedDestPassword && !c.destPurelyMail) skipped.push(skip(s, `${s.destEmail}: give its password in the mapping (the destination is not PurelyMail).`));
      else if (!s.sealedDestPassword && known.has(s.destEmail) && !deps.appPasswords) skipped.push(skip(s, `${s.destEmail} already exists: give its password in the mapping.`));
      else {
        const next = { ...s, launchedAt: now, version: s.version + 1 };
        if (await deps.submissions.replace(next, s.version)) claimed.push(next);
        else skipped.push(skip(s, 'It changed meanwhile (or another launch took it).'));
      }
    }

    const createdMailboxes: LaunchResult['createdMailboxes'] = [];
    const ready: SubmissionRecord[] = [];
    const credentials = new Map<string, DestCredential>();
    for (const s of claimed) {
      if (s.sealedDestPassword) {
        ready.push(s);
        continue;
      }
      if (known.has(s.destEmail!) && deps.appPasswords) {
        // Sealed for this launch's job only (not kept on the submission): a retried launch makes a new one.
        const name = migrationAppPasswordName(`${c.name}: ${s.sourceEmail}`);
        try {
          const made = await deps.appPasswords.create({ mailbox: s.destEmail!, name, purpose: 'migration', actor, jobId: s.reservedJobId, campaignId });
          credentials.set(s.id, { kind: 'app_password', appPasswordId: made.record.id, name });
          ready.push({ ...s, sealedDestPassword: await deps.sealer.seal(made.secret, { kind: SEALED_KIND.dest, id: s.reservedJobId }) });
        } catch (err) {
          await release(s);
          skipped.push(skip(s, `No app password could be made on ${s.destEmail}: ${(err as Error).message}`));
        }
        continue;
      }
      const password = generateMailboxPassword();
      try {
        await deps.mailboxes.create(s.destEmail!, password);
      } catch (err) {
        await release(s);
        skipped.push(skip(s, `The mailbox ${s.destEmail} could not be created: ${(err as Error).message}`));
        continue;
      }
      createdMailboxes.push({ address: s.destEmail!, password });
      const sealed = { ...s, sealedDestPassword: await deps.sealer.seal(password, { kind: SEALED_KIND.dest, id: s.reservedJobId }), version: s.version + 1 };
      await deps.submissions.replace(sealed, s.version);
      ready.push(sealed);
    }
    if (!ready.length) return { batchId: null, jobIds: [], createdMailboxes, skipped };

    let batch: Awaited<ReturnType<typeof batches.create>>;
    try {
      batch = await batches.create({
        name: c.name,
        origin: 'campaign',
        campaignId,
        createdBy: actor,
        start: input.start,
        rows: ready.map((s) => ({
          jobId: s.reservedJobId,
          source: { serverId: c.sourceServerId, user: s.sourceEmail, sealedPassword: s.sealedSourcePassword! },
          dest: { serverId: c.destServerId, user: s.destEmail!, sealedPassword: s.sealedDestPassword! },
          destCredential: credentials.get(s.id) ?? { kind: 'typed' as const },
        })),
      });
    } catch (err) {
      for (const s of ready) await release(s);
      for (const s of ready) if (credentials.has(s.id)) await deps.appPasswords?.releaseForJob(s.reservedJobId, actor);
      const reason = `The jobs could not be created: ${(err as Error).message}`;
      return { batchId: null, jobIds: [], createdMailboxes, skipped: [...skipped, ...ready.map((s) => skip(s, reason))] };
    }
    // Secondary write: the campaign lists its batches (retried once on a concurrent change).
    for (let i = 0; i < 2; i++) {
      const fresh = await load(campaignId);
      if (await deps.campaigns.replace({ ...fresh, batchIds: [...fresh.batchIds, batch.batch.id], version: fresh.version + 1 }, fresh.version)) break;
    }
    return { batchId: batch.batch.id, jobIds: batch.jobs.map((j) => j.id), createdMailboxes, skipped };
  };
}
export type LaunchCampaign = ReturnType<typeof makeLaunchCampaign>;
