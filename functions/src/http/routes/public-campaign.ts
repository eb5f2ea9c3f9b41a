import { PublicChallengeInput, PublicInfoInput, PublicSubmitInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';

/**
 * The public campaign form's API (no session). The token travels in the JSON body (the page reads it from
 * the URL fragment), so no access log ever records it. An accepted submission writes one audit entry with the
 * actor `campaign:<id>` and the submitted source address as target (never a password, never the token); page
 * views, browser checks and every refused or dropped submission are counted per day instead (anyone with or
 * without a link can send them), and the campaign page counts wrong passwords and browser checks per link.
 */
const countOnly = { keep: () => false };
export const publicCampaignRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .use('*', async (c, next) => {
      await next();
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
    })
    .post('/info', audited(deps, 'campaign.public.view', () => '', countOnly), async (c) => {
      const { token } = await readJson(c, PublicInfoInput);
      const info = await deps.campaigns.public.info(token, deps.clientIp(c), (id) => c.set('auditActor', `campaign:${id}`));
      return c.json(info);
    })
    // The browser check asked for after repeated wrong passwords (answer `challenge_required` to /submit).
    .post('/challenge', audited(deps, 'campaign.public.challenge', () => '', countOnly), async (c) => {
      const { token } = await readJson(c, PublicChallengeInput);
      const challenge = await deps.campaigns.public.challenge(token, deps.clientIp(c), (id) => c.set('auditActor', `campaign:${id}`));
      return c.json(challenge, 201);
    })
    .post('/submit', audited(deps, 'campaign.public.submit', () => '', { keep: (c, failed) => !failed && !c.get('auditDetails')?.startsWith('dropped') }), async (c) => {
      const input = await readJson(c, PublicSubmitInput);
      c.set('auditTarget', input.sourceEmail);
      const out = await deps.campaigns.public.submit(input, {
        ip: deps.clientIp(c),
        onCampaign: (id) => c.set('auditActor', `campaign:${id}`),
        onStepUpRefused: (why) => c.set('auditDetails', `browser check ${why === 'missing' ? 'asked for (none sent)' : `refused: ${why}`}; the mail server was not contacted`),
      });
      if (out.dropped) c.set('auditDetails', 'dropped: the hidden honeypot field was filled');
      return c.json({ status: out.status, sourceEmail: out.sourceEmail, submittedAt: out.submittedAt }, out.status === 'accepted' ? 201 : 200);
    });
