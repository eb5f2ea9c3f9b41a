import type { Campaign, CampaignDetail, CampaignLink, CreateCampaignInput } from '@app/shared';
import type * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { CampaignDeps } from './campaign-deps.ts';
import { campaignLink, hashCampaignToken, newCampaignId, newCampaignToken } from './ids.ts';
import type { CampaignRecord } from './ports.ts';
import type { StepUp } from './step-up.ts';
import { isOpen, toCampaignView, toSubmissionView } from './views.ts';

type CreateInput = z.output<typeof CreateCampaignInput>;

/**
 * Campaigns for admins.
 * Create: 1. Both servers exist  2. A 256-bit token; only its SHA-256 is stored  3. Write campaign + lookup
 *         4. Return the link once (`/c/#t=<token>`: in the fragment, never in a path or a query).
 * New link: a fresh token replaces the old one, which is closed at once.
 * Deactivate (close): one conditional write; the link answers 410 from then on. Then the app passwords the panel made
 *         for the campaign's jobs are deleted at once (a job whose run is in progress keeps its own until the run has
 *         ended: the app-password sweep deletes it then); a later run of a job makes a fresh one.
 */
export function makeManageCampaigns(deps: CampaignDeps, stepUp: Pick<StepUp, 'required'>) {
  const load = async (id: string): Promise<CampaignRecord> => {
    const c = await deps.campaigns.get(id);
    if (!c) throw new NotFoundError('There is no such campaign.');
    return c;
  };
  const save = async (next: CampaignRecord, prev: CampaignRecord) => {
    if (!(await deps.campaigns.replace(next, prev.version, prev.tokenHash))) throw new ConflictError('Someone else changed this campaign meanwhile. Reload and try again.', 'stale_version');
    return toCampaignView(next, deps.clock.now());
  };

  return {
    load,
    async list(): Promise<Campaign[]> {
      const now = deps.clock.now();
      return (await deps.campaigns.list()).map((c) => toCampaignView(c, now));
    },
    async create(input: CreateInput, actor: string): Promise<CampaignLink> {
      for (const [field, id] of [['sourceServerId', input.sourceServerId], ['destServerId', input.destServerId]] as const) {
        if (!(await deps.servers.get(id))) throw new ValidationError('Choose a saved server.', [{ path: field, message: 'is not a saved server' }]);
      }
      const now = deps.clock.now();
      const token = newCampaignToken();
      const c: CampaignRecord = {
        id: newCampaignId(now),
        name: input.name,
        requester: input.requester,
        message: input.message,
        sourceServerId: input.sourceServerId,
        destServerId: input.destServerId,
        destPurelyMail: input.destPurelyMail,
        destMode: input.destMode,
        destDomain: input.destDomain,
        tokenHash: hashCampaignToken(token),
        createdAt: now.toISOString(),
        createdBy: actor,
        expiresAt: new Date(now.getTime() + input.expiryDays * 86_400_000).toISOString(),
        deactivatedAt: null,
        purgeAfterDays: input.purgeAfterDays,
        purgedAt: null,
        submissionCount: 0,
        batchIds: [],
        version: 1,
      };
      await deps.campaigns.create(c);
      return { campaign: toCampaignView(c, now), link: campaignLink(deps.panelUrl, token) };
    },
    async detail(id: string): Promise<CampaignDetail> {
      const c = await load(id);
      const [subs, known, counts, challengeRequired] = await Promise.all([
        deps.submissions.list(id),
        c.destPurelyMail ? deps.mailboxes.addresses() : Promise.resolve([]),
        deps.campaigns.attempts(id),
        stepUp.required(id),
      ]);
      const knownSet = c.destPurelyMail ? await deps.mailboxes.existing(subs.flatMap((s) => (s.destEmail ? [s.destEmail] : []))) : new Set<string>();
      const submissions = subs
        .map((s) => ({ ...toSubmissionView(s), willBeCreated: c.destPurelyMail && s.destEmail !== null && !knownSet.has(s.destEmail) }))
        .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
      return { campaign: toCampaignView(c, deps.clock.now()), submissions, knownAddresses: known, batchIds: c.batchIds, attempts: { ...counts, challengeRequired } };
    },
    async newLink(id: string): Promise<CampaignLink> {
      const c = await load(id);
      if (!isOpen(c, deps.clock.now())) throw new ConflictError('This campaign is closed; create a new campaign instead.', 'campaign_closed');
      const token = newCampaignToken();
      const campaign = await save({ ...c, tokenHash: hashCampaignToken(token), version: c.version + 1 }, c);
      return { campaign, link: campaignLink(deps.panelUrl, token) };
    },
    async deactivate(id: string, actor = 'the panel'): Promise<Campaign & { appPasswords?: { deleted: number; failed: number; kept: number } }> {
      const c = await load(id);
      if (c.deactivatedAt || !isOpen(c, deps.clock.now())) throw new ConflictError('This campaign is already closed.', 'campaign_closed');
      const closed = await save({ ...c, deactivatedAt: deps.clock.now().toISOString(), version: c.version + 1 }, c);
      const released = await deps.appPasswords?.releaseForOwner?.({ campaignId: id }, `campaign "${c.name}" was closed`, actor);
      return released ? { ...closed, appPasswords: released } : closed;
    },
  };
}
export type ManageCampaigns = ReturnType<typeof makeManageCampaigns>;
