import { SendTestEmailInput, UpdateMailSettingsInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';

/** Settings → Notifications: sender and extra recipients, and "Send test email". */
export const notificationRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/settings', async (c) => c.json(await deps.mailSettings.get()))
    .put('/settings', audited(deps, 'notifications.settings.update', () => 'mail settings'), async (c) => {
      const input = await readJson(c, UpdateMailSettingsInput);
      const saved = await deps.mailSettings.update(input, c.get('admin').role);
      const { version: _v, ...changed } = input;
      c.set('auditDetails', JSON.stringify(changed));
      return c.json(saved);
    })
    .post('/test', audited(deps, 'notifications.test', () => 'test email'), async (c) => {
      const input = await readJson(c, SendTestEmailInput);
      // The result says who got it now and whose copy waits in the outbox; a mail failure is not an HTTP error.
      const result = await deps.notify.sendTest(c.get('admin')!.email, input.to);
      c.set('auditDetails', JSON.stringify(result));
      return c.json(result);
    });
