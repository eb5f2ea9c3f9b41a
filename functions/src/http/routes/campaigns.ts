import { AddSubmissionInput, CreateCampaignInput, LaunchCampaignInput, MapSubmissionInput } from '@app/shared';
import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import { CAMPAIGN_ID_PATTERN, SUBMISSION_ID_PATTERN } from '../../modules/campaigns/ids.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson, readParam } from '../read-input.ts';

const Id = lazySchema(() => z.string().regex(CAMPAIGN_ID_PATTERN, 'is not a valid campaign id'));
const SubId = lazySchema(() => z.string().regex(SUBMISSION_ID_PATTERN, 'is not a valid submission id'));

/**
 * Campaigns for signed-in admins. The link (with its token) appears only in the answer to create and to
 * "new link"; audit entries name the campaign, never the link. Passwords never appear in any answer, except
 * the generated mailbox passwords of a launch, shown once (no-store).
 */
export const campaignRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json({ campaigns: await deps.campaigns.list() }))
    .post('/', audited(deps, 'campaign.create'), async (c) => {
      const input = await readJson(c, CreateCampaignInput);
      c.set('auditTarget', input.name);
      const out = await deps.campaigns.create(input, c.get('admin').email);
      c.set('auditTarget', `${out.campaign.id} ${input.name}`);
      c.set('auditDetails', `expires ${out.campaign.expiresAt}, destination ${input.destMode}`);
      c.header('Cache-Control', 'no-store');
      return c.json(out, 201);
    })
    .get('/:id', async (c) => c.json(await deps.campaigns.detail(readParam(c, 'id', Id))))
    .post('/:id/link', audited(deps, 'campaign.link.replace'), async (c) => {
      const out = await deps.campaigns.newLink(readParam(c, 'id', Id));
      c.set('auditDetails', 'a new link replaced the old one (closed at once)');
      c.header('Cache-Control', 'no-store');
      return c.json(out);
    })
    .post('/:id/deactivate', audited(deps, 'campaign.deactivate'), async (c) => {
      const { appPasswords, ...campaign } = await deps.campaigns.deactivate(readParam(c, 'id', Id), c.get('admin').email);
      if (appPasswords) c.set('auditDetails', `app passwords of its jobs: ${appPasswords.deleted} deleted, ${appPasswords.failed} failed (retried by the sweep), ${appPasswords.kept} kept until their runs end`);
      return c.json(campaign);
    })
    .post('/:id/submissions', audited(deps, 'campaign.submission.add'), async (c) => {
      const id = readParam(c, 'id', Id);
      const input = await readJson(c, AddSubmissionInput);
      c.set('auditTarget', `${id} ${input.sourceEmail}`);
      return c.json(await deps.campaigns.submissions.add(id, input), 201);
    })
    .put('/:id/submissions/:subId', audited(deps, 'campaign.submission.map'), async (c) => {
      const id = readParam(c, 'id', Id);
      const input = await readJson(c, MapSubmissionInput);
      const sub = await deps.campaigns.submissions.map(id, readParam(c, 'subId', SubId), input);
      c.set('auditTarget', `${id} ${sub.sourceEmail} → ${sub.destEmail}`);
      if (input.destPassword) c.set('auditDetails', 'destination password given');
      return c.json(sub);
    })
    .delete('/:id/submissions/:subId', audited(deps, 'campaign.submission.delete'), async (c) => {
      const id = readParam(c, 'id', Id);
      const sub = await deps.campaigns.submissions.remove(id, readParam(c, 'subId', SubId));
      c.set('auditTarget', `${id} ${sub.sourceEmail}`);
      return c.body(null, 204);
    })
    .post('/:id/launch', audited(deps, 'campaign.launch'), async (c) => {
      const id = readParam(c, 'id', Id);
      const input = await readJson(c, LaunchCampaignInput);
      const out = await deps.campaigns.launch(id, input, c.get('admin').email);
      c.set('auditDetails', `batch ${out.batchId ?? 'none'}: ${out.jobIds.length} jobs (${input.start}), ${out.createdMailboxes.length} mailboxes created (${out.createdMailboxes.map((m) => m.address).join(', ')}), ${out.skipped.length} skipped`.slice(0, 1000));
      c.header('Cache-Control', 'no-store');
      return c.json(out, out.batchId ? 201 : 200);
    });
