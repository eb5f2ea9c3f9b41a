import type { CampaignDeps } from './campaign-deps.ts';
import { endedAt } from './views.ts';

/**
 * The purge sweep (scheduled `sweep` on AWS, a local timer here): credentials of a campaign's submissions
 * are deleted `purgeAfterDays` after the campaign ended (expired or deactivated).
 * Per due campaign: 1. Delete every submission's sealed passwords (idempotent)  2. Mark the campaign purged
 * (one conditional write)  3. One audit entry with a deterministic id, so a retried sweep never doubles it.
 * Jobs already created keep their own sealed copies; deleting a job deletes those.
 */
export function makePurgeCampaigns(deps: Pick<CampaignDeps, 'campaigns' | 'submissions' | 'audit' | 'clock'>) {
  return async (): Promise<{ purged: string[] }> => {
    const now = deps.clock.now();
    const purged: string[] = [];
    for (const c of await deps.campaigns.listPurgeDue(now)) {
      const subs = await deps.submissions.list(c.id);
      const holding = subs.filter((s) => s.sealedSourcePassword || s.sealedDestPassword);
      for (const s of holding) await deps.submissions.purge(c.id, s.id);
      const at = now.toISOString();
      if (!(await deps.campaigns.replace({ ...c, purgedAt: at, version: c.version + 1 }, c.version))) continue;
      await deps.audit.record({
        id: `campaign-purge-${c.id}`,
        at,
        actor: 'system',
        action: 'campaign.purge',
        target: `${c.id} ${c.name}`,
        result: 'ok',
        ip: '-',
        userAgent: 'purge sweep',
        details: `credentials of ${holding.length} submission${holding.length === 1 ? '' : 's'} deleted, ${c.purgeAfterDays} days after the campaign ended (${endedAt(c, now)})`,
      });
      purged.push(c.id);
    }
    return { purged };
  };
}
