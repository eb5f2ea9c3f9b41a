import { Hono } from 'hono';
import { Hono as QuickHono } from 'hono/quick';
import { bodyLimit } from 'hono/body-limit';
import { NotFoundError } from '../modules/errors.ts';
import type { AppDeps } from './app-deps.ts';
import type { AppEnv } from './app-env.ts';
import { csrf } from './middleware/csrf.ts';
import { requestId } from './middleware/request-id.ts';
import { requireMfaEnrolment } from './middleware/require-mfa-enrolment.ts';
import { requireSession } from './middleware/require-session.ts';
import { readOnlyForViewers } from './middleware/read-only-viewers.ts';
import { API_SECURITY_HEADERS, securityHeaders } from './middleware/security-headers.ts';
import { makeOnError } from './on-error.ts';
import { accountRoutes } from './routes/account.ts';
import { adminRoutes } from './routes/admins.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { domainRoutes } from './routes/domains.ts';
import { routingRoutes } from './routes/routing.ts';
import { healthDetailRoutes, healthRoutes } from './routes/health.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { settingsRoutes } from './routes/settings.ts';
import { migrationRoutes } from './routes/migrations.ts';
import { batchRoutes } from './routes/batches.ts';
import { bulkImportRoutes, LARGE_BODY_PATHS } from './routes/bulk-import.ts';
import { serverRoutes } from './routes/servers.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { dnsHealthRoutes } from './routes/dns-health.ts';
import { setupRoutes } from './routes/setup.ts';
import { userImportRoutes } from './routes/user-import.ts';
import { userRoutes } from './routes/users.ts';
import { pendingActionRoutes } from './routes/pending-actions.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { publicCampaignRoutes } from './routes/public-campaign.ts';
import { publicHandoverRoutes } from './routes/public-handover.ts';
import { domainMoveListRoutes, domainMoveRoutes } from './routes/domain-moves.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export { PUBLIC_ROUTES } from './public-routes.ts';

/**
 * The one Hono app behind API Gateway (Lambda) and the local server.
 * Order: request id → security headers → body limit → CSRF → public routes → session → 2FA enrolment →
 * read-only viewers → private routes.
 */
export function createApp(deps: AppDeps) {
  // Hono's `quick` preset (LinearRouter): adding routes costs nothing and the first request builds nothing, where
  // the default RegExpRouter compiles all ~180 routes into one matcher on a cold start's first request (~5 ms of
  // CPU). Hono recommends it where the app is built per process start, as on Lambda; a match still takes microseconds.
  const app = new QuickHono<AppEnv>();
  app.use('/api/*', requestId(), securityHeaders(API_SECURITY_HEADERS));
  const smallBodies = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: { code: 'too_large', message: 'The request is too large.' } }, 413) });
  // The CSV import routes set their own, larger limit; everything else keeps the small one.
  app.use('/api/*', (c, next) => (LARGE_BODY_PATHS.includes(c.req.path.replace(/\/$/, '')) ? next() : smallBodies(c, next)));
  app.use('/api/*', csrf(deps.allowedOrigins));

  app.route('/api/health', healthRoutes(deps));
  app.route('/api/setup', setupRoutes(deps));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/public/campaigns', publicCampaignRoutes(deps));
  app.route('/api/public/handover', publicHandoverRoutes(deps));

  const priv = new Hono<AppEnv>();
  priv.use('*', requireSession(deps.auth));
  priv.use('*', requireMfaEnrolment(deps.settings));
  priv.use('*', readOnlyForViewers(deps));
  priv.route('/health', healthDetailRoutes(deps));
  priv.route('/sessions', sessionRoutes(deps));
  priv.route('/account', accountRoutes(deps));
  priv.route('/admins', adminRoutes(deps));
  priv.route('/audit', auditRoutes(deps));
  priv.route('/settings', settingsRoutes(deps));
  priv.route('/migrations/servers', serverRoutes(deps));
  priv.route('/migrations/campaigns', campaignRoutes(deps));
  priv.route('/migrations/import', bulkImportRoutes(deps));
  priv.route('/migrations/batches', batchRoutes(deps));
  priv.route('/migrations', migrationRoutes(deps));
  priv.route('/notifications', notificationRoutes(deps));
  priv.route('/dns-health', dnsHealthRoutes(deps));
  priv.route('/domain-moves', domainMoveListRoutes(deps));
  priv.route('/domains', domainMoveRoutes(deps));
  priv.route('/domains', domainRoutes(deps));
  priv.route('/routing', routingRoutes(deps));
  priv.route('/users/import', userImportRoutes(deps));
  priv.route('/users', userRoutes(deps));
  priv.route('/pending-actions', pendingActionRoutes(deps));
  priv.route('/', dashboardRoutes(deps));
  app.route('/api', priv);

  app.all('/api/*', () => {
    throw new NotFoundError('There is no such API route.');
  });
  app.onError(makeOnError(deps.logger));
  return app;
}
export type App = ReturnType<typeof createApp>;
