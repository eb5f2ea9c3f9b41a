import type { Campaign, Submission } from '@app/shared';
import type { CampaignRecord, SubmissionRecord } from './ports.ts';

/** When the link stopped working, or null while it works. */
export function endedAt(c: CampaignRecord, now: Date): string | null {
  const ends = [Date.parse(c.expiresAt), c.deactivatedAt ? Date.parse(c.deactivatedAt) : Infinity];
  const at = Math.min(...ends);
  return at <= now.getTime() ? new Date(at).toISOString() : null;
}

export const isOpen = (c: CampaignRecord, now: Date): boolean => endedAt(c, now) === null;

/** The API's view: never the token's hash. */
export function toCampaignView(c: CampaignRecord, now: Date): Campaign {
  const ended = endedAt(c, now);
  return {
    id: c.id,
    name: c.name,
    requester: c.requester,
    message: c.message,
    sourceServerId: c.sourceServerId,
    destServerId: c.destServerId,
    destPurelyMail: c.destPurelyMail,
    destMode: c.destMode,
    destDomain: c.destDomain,
    createdAt: c.createdAt,
    createdBy: c.createdBy,
    expiresAt: c.expiresAt,
    deactivatedAt: c.deactivatedAt,
    endedAt: ended,
    purgeAfterDays: c.purgeAfterDays,
    purgedAt: c.purgedAt,
    status: c.purgedAt ? 'purged' : ended ? 'closed' : 'active',
    submissionCount: c.submissionCount,
    version: c.version,
  };
}

/** The API's view: whether passwords exist, never the sealed blobs. */
export function toSubmissionView(s: SubmissionRecord): Submission {
  return {
    id: s.id,
    campaignId: s.campaignId,
    name: s.name,
    sourceEmail: s.sourceEmail,
    typedDest: s.typedDest,
    destEmail: s.destEmail,
    hasDestPassword: s.sealedDestPassword !== null,
    verification: s.verification,
    via: s.via,
    submittedAt: s.submittedAt,
    updatedAt: s.updatedAt,
    jobId: s.launchedAt ? s.reservedJobId : null,
    launchedAt: s.launchedAt,
    purged: s.sealedSourcePassword === null,
    version: s.version,
  };
}

/** The default destination from the campaign's mode: same address (on destDomain when set), or what was typed. */
export function defaultDest(c: Pick<CampaignRecord, 'destMode' | 'destDomain'>, sourceEmail: string, typed: string | null): string | null {
  if (c.destMode === 'admin') return null;
  if (c.destMode === 'typed') return typed;
  const local = sourceEmail.split('@')[0]!;
  return c.destDomain ? `${local}@${c.destDomain}` : sourceEmail;
}
