import { CreateHandoverLinksInput, UserImportInput, UserImportPreviewInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';
import { importBodyLimit } from './bulk-import.ts';

/**
 * Bulk users from a CSV: the template, a per-line preview and the import. The request gets one `user.import`
 * entry (counts and lines); every user created or refused gets its own `user.create` entry, noting the import
 * and its line. Passwords never reach the audit log, a log line or an error: only the import's answer holds them.
 */
export const userImportRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/template.csv', (c) => {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="users-import-template.csv"');
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(deps.userImport.template());
    })
    .post('/preview', audited(deps, 'user.import.preview', () => 'Users CSV preview'), importBodyLimit, async (c) => {
      const preview = await deps.userImport.preview(await readJson(c, UserImportPreviewInput));
      c.set('auditDetails', `${preview.totalRows} rows, ${preview.invalidRows} with errors`);
      return c.json(preview);
    })
    // One-time links for the hand-over (from the import's answer, which the browser holds): never in the audit entry
    // but the addresses and the expiry; the answer holds the links once.
    .post('/handover-links', audited(deps, 'user.handover.create', () => 'Users CSV import hand-over'), importBodyLimit, async (c) => {
      const input = await readJson(c, CreateHandoverLinksInput);
      c.set('auditDetails', `${input.credentials.length} one-time links for ${input.credentials.map((x) => x.address).join(' ')}`.slice(0, 1000));
      const out = await deps.userHandover.create(input, c.get('admin').email);
      c.set('auditDetails', `${out.links.length} one-time links, valid ${out.validHours} h (until ${out.expiresAt}), for ${out.links.map((l) => l.address).join(' ')}`.slice(0, 1000));
      c.header('Cache-Control', 'no-store');
      return c.json(out, 201);
    })
    .post('/', audited(deps, 'user.import', () => 'Users CSV import'), importBodyLimit, async (c) => {
      const input = await readJson(c, UserImportInput);
      const actor = c.get('admin').email;
      const ip = deps.clientIp(c);
      const userAgent = (c.req.header('user-agent') ?? '').slice(0, 300);
      const result = await deps.userImport.import(input, (e) =>
        deps.audit.record({ actor, action: 'user.create', target: e.address, result: e.result, ...(e.reason ? { reason: e.reason } : {}), ip, userAgent, details: e.details.slice(0, 1000) }).then(() => undefined),
      );
      const lines = (xs: { line: number }[]) => xs.map((x) => x.line).join(' ');
      c.set(
        'auditDetails',
        [
          `${input.policy}${input.lines ? ` (part: lines ${input.lines.from}–${input.lines.to})` : ''}: ${result.created.length} created`,
          result.failed.length ? `${result.failed.length} refused by PurelyMail (lines ${lines(result.failed)})` : '',
          result.notAttempted.length ? `${result.notAttempted.length} not attempted (lines ${lines(result.notAttempted)})` : '',
          result.skipped.length ? `${result.skipped.length} invalid skipped (lines ${lines(result.skipped)})` : '',
        ]
          .filter(Boolean)
          .join(', ')
          .slice(0, 1000),
      );
      // 201 when every chosen row was created; 200 when PurelyMail refused some (the body says which).
      return c.json(result, result.failed.length || result.notAttempted.length ? 200 : 201);
    });
