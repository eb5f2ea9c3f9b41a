import { ApplyDomainMoveDnsInput, CreateDomainMoveInput, DomainNameInput, StartDomainMoveSyncInput } from '@app/shared';
import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv, AppContext } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { requireRecentAuth } from '../middleware/require-recent-auth.ts';
import { readJson, readParam } from '../read-input.ts';

const Address = lazySchema(() => z.string().trim().toLowerCase().min(3).max(320).regex(/^[^@\s]+@[^@\s]+$/, 'is not an email address'));

const domainOf = (c: AppContext) => readParam(c, 'name', DomainNameInput);
/** The steps that take no input still refuse a body with fields (an attacker's `stage`, `version`, …): nothing is ignored silently. */
const NoInput = lazySchema(() => z.strictObject({}));
const who = (c: AppContext) => c.get('admin').email;

/** GET /api/domain-moves: every move (the dashboard shows those in progress). */
export const domainMoveListRoutes = (deps: AppDeps) => new Hono<AppEnv>().get('/', async (c) => c.json({ moves: await deps.domainMoves.list() }));

/**
 * /api/domains/:name/move: one guided move per domain (issue 19). Every change is audited; applying or rolling back
 * DNS and finishing (emails to every moved user, app passwords deleted) need a fresh sign-in.
 */
export const domainMoveRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/:name/move', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await deps.domainMoves.get(domainOf(c)));
    })
    .post('/:name/move', audited(deps, 'domain_move.create'), async (c) => {
      const domain = domainOf(c);
      const input = await readJson(c, CreateDomainMoveInput);
      const move = await deps.domainMoves.create(domain, input, who(c));
      c.set('auditDetails', `${move.mailboxes.length} mailboxes from ${input.source.kind} ${input.source.kind === 'campaign' ? input.source.campaignId : input.source.batchId}, delta pass every ${move.syncEveryHours} h`);
      return c.json(move, 201);
    })
    .post('/:name/move/copy', audited(deps, 'domain_move.copy.start'), async (c) => {
      await readJson(c, NoInput);
      const move = await deps.domainMoves.startCopy(domainOf(c), who(c));
      c.set('auditDetails', `batch ${move.batchId}: ${move.mailboxes.length} mailboxes`);
      return c.json(move, 202);
    })
    .post('/:name/move/sync', audited(deps, 'domain_move.schedule.create'), async (c) => {
      const input = await readJson(c, StartDomainMoveSyncInput);
      const move = await deps.domainMoves.startSync(domainOf(c), input, who(c));
      c.set('auditDetails', `every ${move.syncEveryHours} h (${move.schedule?.name ?? 'no schedule'})`);
      return c.json(move);
    })
    .post('/:name/move/mailboxes/:address/resume', audited(deps, 'domain_move.mailbox.resume'), async (c) => {
      await readJson(c, NoInput);
      const address = readParam(c, 'address', Address);
      return c.json(await deps.domainMoves.resume(domainOf(c), address, who(c)));
    })
    .post('/:name/move/old-mx/check', audited(deps, 'domain_move.old_mx.check'), async (c) => {
      await readJson(c, NoInput);
      const move = await deps.domainMoves.recheckOldMx(domainOf(c));
      c.set('auditDetails', `TTL ${move.oldMx?.ttlSeconds ?? 'unknown'} s`);
      return c.json(move);
    })
    .get('/:name/move/dns', async (c) => c.json(await deps.domainMoves.dnsPlan(domainOf(c))))
    .post('/:name/move/dns/apply', audited(deps, 'domain_move.dns.apply'), requireRecentAuth(deps.auth), async (c) => {
      await readJson(c, ApplyDomainMoveDnsInput);
      const move = await deps.domainMoves.applyDns(domainOf(c), who(c));
      c.set('auditDetails', `applied through ${move.dns.applied}`);
      return c.json(move);
    })
    .post('/:name/move/dns/published', audited(deps, 'domain_move.dns.publish'), async (c) => {
      await readJson(c, NoInput);
      return c.json(await deps.domainMoves.markPublished(domainOf(c), who(c)));
    })
    .post('/:name/move/dns/rollback', audited(deps, 'domain_move.dns.restore'), requireRecentAuth(deps.auth), async (c) => {
      await readJson(c, NoInput);
      const out = await deps.domainMoves.rollbackDns(domainOf(c), who(c));
      c.set('auditDetails', out.restored ? 'saved records restored' : 'no saved records: shown to publish by hand');
      return c.json(out);
    })
    .post('/:name/move/final', audited(deps, 'domain_move.final_pass.run'), async (c) => {
      await readJson(c, NoInput);
      return c.json(await deps.domainMoves.finalPass(domainOf(c), who(c)), 202);
    })
    .post('/:name/move/finish', audited(deps, 'domain_move.finish'), requireRecentAuth(deps.auth), async (c) => {
      await readJson(c, NoInput);
      const out = await deps.domainMoves.finish(domainOf(c), who(c));
      c.set('auditDetails', `${out.emailsSent} user emails, ${out.appPasswordsRemoved} app passwords removed, campaign ${out.campaignClosed ? 'closed' : 'none'}`);
      return c.json(out.move);
    })
    .post('/:name/move/cancel', audited(deps, 'domain_move.cancel'), async (c) => {
      await readJson(c, NoInput);
      return c.json(await deps.domainMoves.cancel(domainOf(c), who(c)));
    })
    .get('/:name/move/report.csv', async (c) => {
      const domain = domainOf(c);
      const csv = await deps.domainMoves.reportCsv(domain);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="move-${domain}-report.csv"`);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cache-Control', 'no-store');
      return c.body(csv);
    });
