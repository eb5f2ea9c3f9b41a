import { GoneError, NotFoundError } from '../errors.ts';
import type { CampaignDeps } from './campaign-deps.ts';
import { hashCampaignToken } from './ids.ts';
import type { CampaignRecord } from './ports.ts';
import { isOpen } from './views.ts';

export const INVALID_LINK_MESSAGE = 'This link is not valid. Check that you copied all of it, or ask for a new one.';
export const CLOSED_MESSAGE = 'This link has been closed, so it no longer accepts passwords. If you still need to send yours, ask the person who sent you the link.';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Token → open campaign.
 * 1. Hash the token and look the hash up — also for a malformed token, so unknown and malformed take the
 *    same path and give the same 404 body.
 * 2. A campaign that expired or was deactivated (or purged) answers 410: only someone holding a once-valid
 *    256-bit token can tell it from an unknown one, so this enumerates nothing. A link replaced by a new one
 *    is closed too.
 */
export async function resolveToken(deps: Pick<CampaignDeps, 'campaigns' | 'clock'>, token: string): Promise<CampaignRecord> {
  const hash = hashCampaignToken(token);
  const id = await deps.campaigns.findByTokenHash(hash);
  const campaign = id && TOKEN_SHAPE.test(token) ? await deps.campaigns.get(id) : undefined;
  if (!campaign) throw new NotFoundError(INVALID_LINK_MESSAGE);
  // A replaced link (the admin made a new one) is closed too.
  if (!isOpen(campaign, deps.clock.now()) || campaign.purgedAt || campaign.tokenHash !== hash) throw new GoneError(CLOSED_MESSAGE);
  return campaign;
}
