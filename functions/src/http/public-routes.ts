/**
 * Routes that answer without a session (method and path as Hono and API Gateway both write them). Everything else
 * fails closed with 401 (a test enforces it). The CDK app gives each of these its own API Gateway route and
 * throttle, so a flood on one cannot use up the limit of the others or of the signed-in admins' routes.
 */
export const PUBLIC_ROUTES = ['GET /api/health', 'GET /api/setup/status', 'POST /api/setup', 'POST /api/auth/login', 'POST /api/auth/login/mfa', 'POST /api/public/campaigns/info', 'POST /api/public/campaigns/challenge', 'POST /api/public/campaigns/submit', 'POST /api/public/handover/open'] as const;
export type PublicRoute = (typeof PUBLIC_ROUTES)[number];
