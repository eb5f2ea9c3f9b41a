import { RulePreviewQuery, RouteTraceQuery, RoutingRuleInput } from '@app/shared';
import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import { describeRule, presetFields } from '../../modules/routing/describe-rule.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { requireRecentAuth } from '../middleware/require-recent-auth.ts';
import { readJson, readParam, readQuery } from '../read-input.ts';

const RuleId = lazySchema(() => z.coerce.number({ message: 'must be a rule number' }).int('must be a rule number').positive('must be a rule number'));

/**
 * /api/routing: the overview and the "where does mail go?" trace read the cache; changes are audited and, since
 * a rule can send someone's mail elsewhere, need a password check from the last 5 minutes (step-up re-auth).
 */
export const routingRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json(await deps.routing.overview(c.get('admin').email)))
    .get('/trace', async (c) => c.json(await deps.routing.trace(readQuery(c, RouteTraceQuery).address)))
    // The route simulator's verdict on a rule before it is saved (the rule dialog's warning).
    .get('/preview', async (c) => c.json(await deps.routing.preview(readQuery(c, RulePreviewQuery))))
    .post('/rules', audited(deps, 'routing.create'), requireRecentAuth(deps.auth), async (c) => {
      const input = await readJson(c, RoutingRuleInput);
      c.set('auditTarget', describeRule({ domainName: input.domainName, ...presetFields(input.preset, input.matchUser), targetAddresses: input.targetAddresses }));
      return c.json(await deps.routing.create(input, c.get('admin').email), 201);
    })
    .put('/rules/:id', audited(deps, 'routing.update'), requireRecentAuth(deps.auth), async (c) => {
      const id = readParam(c, 'id', RuleId);
      c.set('auditTarget', `rule ${id}`);
      const input = await readJson(c, RoutingRuleInput);
      c.set('auditDetails', `to ${describeRule({ domainName: input.domainName, ...presetFields(input.preset, input.matchUser), targetAddresses: input.targetAddresses })}`);
      return c.json(await deps.routing.edit(id, input));
    })
    .delete('/rules/:id', audited(deps, 'routing.delete.request'), requireRecentAuth(deps.auth), async (c) => {
      const action = await deps.routing.requestDeletion(readParam(c, 'id', RuleId), c.get('admin').email);
      c.set('auditTarget', action.label);
      return c.json({ action }, 202);
    })
    // No re-auth here: only the creator, within minutes of the create that needed one, puts things back as they were.
    .post('/rules/:id/undo', audited(deps, 'routing.undo'), async (c) => {
      const id = readParam(c, 'id', RuleId);
      c.set('auditTarget', `rule ${id}`);
      const { label } = await deps.routing.undo(id, c.get('admin').email);
      c.set('auditTarget', label);
      return c.json({ undone: true });
    });
