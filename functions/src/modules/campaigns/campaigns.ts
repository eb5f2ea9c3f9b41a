import type { CampaignDeps } from './campaign-deps.ts';
import { makeLaunchCampaign } from './launch-campaign.ts';
import { makeManageCampaigns } from './manage-campaigns.ts';
import { makePurgeCampaigns } from './purge-campaigns.ts';
import { makeCampaignRateLimits } from './rate-limits.ts';
import { makeReviewSubmissions } from './review-submissions.ts';
import { makeStepUp } from './step-up.ts';
import { makePublicCampaign } from './submit-public.ts';

/** The campaigns capability: admin side (create, review, map, launch, deactivate), the public form, the purge. */
export function makeCampaigns(deps: CampaignDeps) {
  const stepUp = makeStepUp(deps);
  const manage = makeManageCampaigns(deps, stepUp);
  const limits = makeCampaignRateLimits({ counter: deps.counter, limits: deps.limits, now: () => deps.clock.now().getTime() });
  return {
    ...manage,
    submissions: makeReviewSubmissions(deps, manage.load),
    launch: makeLaunchCampaign(deps, manage.load),
    public: makePublicCampaign(deps, limits, stepUp),
    purge: makePurgeCampaigns(deps),
  };
}
export type Campaigns = ReturnType<typeof makeCampaigns>;
