import { CreateAppPasswordInput, CreateUserInput, OffboardInput, SetUserPasswordInput, UpdateUserInput, UpsertResetMethodInput, UserAddress } from '@app/shared';
import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import type { AppDeps } from '../app-deps.ts';
import type { AppContext, AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { requireRecentAuth } from '../middleware/require-recent-auth.ts';
import { readJson, readParam } from '../read-input.ts';
import { APP_PASSWORD_ID, toAppPasswordView } from '../../modules/app-passwords/app-passwords.ts';

const address = (c: AppContext) => readParam(c, 'address', UserAddress);
const AppPasswordId = lazySchema(() => z.string().regex(APP_PASSWORD_ID, 'is not an app password id'));
const ResetTarget = lazySchema(() => z.string().trim().min(1, 'is required').max(254, 'is too long'));

/** Mailboxes: the list comes from the cache; every change goes to PurelyMail first. Deletion is delayed. */
export const userRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json(await deps.users.list()))
    .post('/refresh', audited(deps, 'cache.sync', () => 'PurelyMail (users page)'), async (c) => c.json(await deps.users.list({ refresh: true })))
    .post('/', audited(deps, 'user.create'), async (c) => {
      const input = await readJson(c, CreateUserInput);
      c.set('auditTarget', `${input.localPart}@${input.domain}`);
      c.set('auditDetails', `searchIndexing=${input.enableSearchIndexing}, passwordReset=${input.enablePasswordReset}, recoveryEmail=${input.recoveryEmail ? 'set' : 'none'}, welcomeEmail=${input.sendWelcomeEmail}`);
      return c.json(await deps.users.create(input), 201);
    })
    .get('/:address', async (c) => c.json(await deps.users.get(address(c))))
    .put('/:address', audited(deps, 'user.update'), async (c) => {
      const target = address(c);
      const input = await readJson(c, UpdateUserInput);
      c.set('auditDetails', JSON.stringify({ ...input, ...(input.newPassword === undefined ? {} : { newPassword: 'set' }) }));
      return c.json(await deps.users.update(target, input));
    })
    // Setting someone's mailbox password is sensitive (whoever knows it reads their mail): a password check from the last 5 minutes.
    .post('/:address/password', audited(deps, 'user.password.set'), requireRecentAuth(deps.auth), async (c) => {
      const target = address(c);
      const input = await readJson(c, SetUserPasswordInput);
      await deps.users.setPassword(target, input.newPassword);
      return c.body(null, 204);
    })
    .put('/:address/reset-methods', audited(deps, 'user.recovery.upsert'), async (c) => {
      const target = address(c);
      const input = await readJson(c, UpsertResetMethodInput);
      c.set('auditDetails', `${input.type} ${input.target}${input.existingTarget ? ` (was ${input.existingTarget})` : ''}`);
      return c.json(await deps.users.upsertResetMethod(target, input));
    })
    .delete('/:address/reset-methods/:target', audited(deps, 'user.recovery.remove'), async (c) => {
      const target = address(c);
      const method = readParam(c, 'target', ResetTarget);
      return c.json(await deps.users.removeResetMethod(target, method));
    })
    // App passwords the panel made (PurelyMail cannot list the others). The secret is in the create answer only.
    .get('/:address/app-passwords', async (c) => c.json({ appPasswords: await deps.appPasswords.list(address(c)) }))
    .post('/:address/app-passwords', audited(deps, 'user.app_password.create'), async (c) => {
      const mailbox = address(c);
      const input = await readJson(c, CreateAppPasswordInput);
      c.set('auditDetails', `"${input.name}"`);
      const { record, secret } = await deps.appPasswords.create({ mailbox, name: input.name, purpose: 'person', actor: c.get('admin').email });
      c.header('Cache-Control', 'no-store');
      return c.json({ appPassword: toAppPasswordView(record), secret }, 201);
    })
    /*
     * Revoking is immediate, not a request in the 24-hour queue. The queue exists so a mistaken deletion of
     * something valuable (a mailbox and its mail, a domain) can be taken back; revoking an app password loses nothing
     * (the mail stays, a new app password takes a minute), and the admin revokes because a device is lost or a
     * secret leaked: a day's delay would keep that door open for the one who has it. So it runs now, audited.
     */
    .delete('/:address/app-passwords/:id', audited(deps, 'user.app_password.revoke'), async (c) => {
      const mailbox = address(c);
      const { record, outcome } = await deps.appPasswords.revoke(mailbox, readParam(c, 'id', AppPasswordId));
      c.set('auditTarget', mailbox);
      c.set('auditDetails', `"${record.name}"${outcome === 'already_gone' ? ' (already gone at PurelyMail)' : ''}`);
      return c.json({ outcome });
    })
    /*
     * Off-boarding: the person's access stops now (password rotated, the panel's app passwords revoked), the address
     * may forward to a colleague, and the mailbox is deleted after N days through the pending queue. It locks someone
     * out of their mail, like setting their password: a password check from the last 5 minutes.
     */
    .get('/:address/offboard', async (c) => c.json({ offboarding: await deps.offboarding.get(address(c)) }))
    .post('/:address/offboard', audited(deps, 'user.offboard.start'), requireRecentAuth(deps.auth), async (c) => {
      const target = address(c);
      const input = await readJson(c, OffboardInput);
      const asked = `forwardTo=${input.forwardTo ?? 'none'}, deleteAfterDays=${input.deleteAfterDays}, archive=${input.archive?.mailbox ?? 'none'}`;
      c.set('auditDetails', asked);
      const offboarding = await deps.offboarding.start(target, input, c.get('admin').email);
      const failed = offboarding.steps.filter((s) => s.state === 'failed').map((s) => s.name);
      c.set('auditDetails', `${asked}; ${offboarding.status}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
      return c.json({ offboarding }, 201);
    })
    .delete('/:address', audited(deps, 'user.delete.request'), async (c) => {
      const target = address(c);
      const result = await deps.users.requestDeletion(target, c.get('admin').email);
      c.set('auditDetails', `pending action ${result.action.id}, executes at ${result.action.executeAt}${result.created ? '' : ' (already requested)'}`);
      return c.json(result, result.created ? 201 : 200);
    });
