import {
  MAX_USER_IMPORT_ROWS,
  USER_IMPORT_COLUMNS,
  USER_IMPORT_OPTIONAL_COLUMNS,
  type UserImportInput,
  type UserImportPreview,
  type UserImportPreviewInput,
  type UserImportResult,
} from '@app/shared';
import type { CacheStore } from '../cache/ports.ts';
import { rowsToImport } from '../csv-import/import-policy.ts';
import { parseCsvTable } from '../csv-import/parse-csv-table.ts';
import { ValidationError } from '../errors.ts';
import { PurelyMailApiError, PurelyMailUnavailableError, PurelyMailWriteUnconfirmedError } from '../purelymail/errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import { generateMailboxPassword } from '../users/generate-password.ts';
import { domainOf } from '../users/user-rules.ts';
import { validateUserImport, type AccountView, type UserImportColumn, type UserToCreate } from './validate-user-import.ts';

/** The downloadable template: the header and example rows to overwrite (an empty password is generated). */
export const USER_IMPORT_TEMPLATE = `${[...USER_IMPORT_COLUMNS, ...USER_IMPORT_OPTIONAL_COLUMNS].join(',')}\r\nalice@example.com,Alice Martin (sales),,yes,alice.martin@example.net\r\nbob@example.com,"Bob Stone, support",,no,\r\n`;

const CACHE_GROUP = 100;

/**
 * One part of an import sent in several requests (`lines`): the policy decides on the part's rows — for all-or-nothing
 * every row from the part's first line to the end of the file (the earlier parts' rows now exist, and a later row that
 * became invalid must stop the import before this part) — and only the part's rows are created or skipped.
 */
function partOf(preview: UserImportPreview, valid: readonly { line: number; input: UserToCreate }[], policy: UserImportInput['policy'], lines: { from: number; to: number }) {
  const inPart = (line: number) => line >= lines.from && line <= lines.to;
  const checked = (line: number) => line >= lines.from && (policy === 'all-or-nothing' || line <= lines.to);
  const rows = preview.rows.filter((r) => checked(r.line));
  if (!preview.rows.some((r) => inPart(r.line))) throw new ValidationError(`No row of the file starts on lines ${lines.from}–${lines.to}; nothing was created.`, [{ path: 'lines', message: 'holds no row' }]);
  const file = { ...preview, rows, totalRows: rows.length, invalidRows: rows.filter((r) => r.errors.length).length };
  const { inputs, skipped } = rowsToImport(file, valid.filter((v) => checked(v.line)), policy, 'created');
  return { inputs: inputs.filter((u) => inPart(u.line)), skipped: skipped.filter((x) => inPart(x.line)) };
}

/** One user's outcome, for its own audit entry (the caller adds who, IP and user agent). */
export interface UserImportEvent {
  address: string;
  result: 'ok' | 'failed';
  reason?: string;
  details: string;
}

export interface UserImportDeps {
  purelymail: Pick<PurelyMail, 'createUser' | 'modifyUser' | 'listDomains'>;
  cache: Pick<CacheStore, 'read' | 'addUsers'>;
}

/** Why PurelyMail did not create a user, in the panel's words (never a password). */
function whyNotCreated(err: unknown): string {
  if (err instanceof PurelyMailApiError) return `PurelyMail refused: ${err.message}`;
  if (err instanceof PurelyMailWriteUnconfirmedError) {
    return err.outcome === 'unknown' ? `${err.message} If the user exists, set a new password from its page: its password is not in the hand-over.` : err.message;
  }
  if (err instanceof PurelyMailUnavailableError) return 'PurelyMail could not be reached; this user was not created.';
  // Anything else is a fault of ours: the line says so rather than losing the answer for the users already made.
  return 'An unexpected error stopped this line; whether the user exists is not known. Check the Users page.';
}

/**
 * Bulk users from a CSV, in two steps like the migration import (one CSV reader, one policy).
 * preview: 1. Parse  2. Check every row against the account (domains, known users, password strength)  3. Answer
 *          per line, never a password.
 * import:  1. The same parse and check, server-side  2. The policy picks the rows (or refuses, creating nothing)
 *          3. Per row, in file order: createUser (a generated password when none was given), then modifyUser for
 *          2FA when asked, one audit event; the addresses written through to the cache in groups. 4. A PurelyMail refusal
 *          is reported on its line; all-or-nothing stops there (the rest "not attempted"), valid-only goes on.
 *          5. The credentials of exactly the users created, once, in the answer: nothing stores them.
 */
export function makeUserImport(deps: UserImportDeps) {
  async function account(parsedDomains: readonly string[]): Promise<AccountView> {
    const snapshot = await deps.cache.read();
    let domains = snapshot.domains?.domains ?? [];
    // A domain missing from the cache may have been added since the last refresh: ask PurelyMail once.
    if (parsedDomains.some((d) => !domains.some((x) => x.name.toLowerCase() === d))) domains = (await deps.purelymail.listDomains({ includeShared: true })).domains;
    const users = snapshot.users;
    return { domains, existing: new Set((users?.addresses ?? []).map((a) => a.toLowerCase())), existingComplete: !!users && !users.capped };
  }
  const check = async (csv: string) => {
    const parsed = await parseCsvTable<UserImportColumn>(csv, { required: USER_IMPORT_COLUMNS, optional: USER_IMPORT_OPTIONAL_COLUMNS, maxRows: MAX_USER_IMPORT_ROWS });
    const wanted = [...new Set(parsed.rows.map((r) => (r.cells.address ?? '').trim().toLowerCase()).filter((a) => a.includes('@')).map(domainOf))];
    return validateUserImport(parsed, await account(wanted));
  };

  async function createOne(u: UserToCreate, password: string): Promise<{ warning?: string }> {
    await deps.purelymail.createUser({
      userName: u.localPart,
      domainName: u.domain,
      password,
      enablePasswordReset: true,
      enableSearchIndexing: true,
      sendWelcomeEmail: false,
      ...(u.recoveryEmail ? { recoveryEmail: u.recoveryEmail } : {}),
    });
    if (!u.require2fa) return {};
    try {
      await deps.purelymail.modifyUser({ userName: u.address, requireTwoFactorAuthentication: true });
      return {};
    } catch (err) {
      return { warning: `Created, but 2FA could not be required: ${whyNotCreated(err)} Turn it on from the user's page.` };
    }
  }

  return {
    template: () => USER_IMPORT_TEMPLATE,
    async preview(input: UserImportPreviewInput): Promise<UserImportPreview> {
      return (await check(input.csv)).preview;
    },
    async import(input: UserImportInput, onUser: (e: UserImportEvent) => Promise<void>): Promise<UserImportResult> {
      const { preview, valid } = await check(input.csv);
      const { inputs, skipped } = input.lines ? partOf(preview, valid, input.policy, input.lines) : rowsToImport(preview, valid, input.policy, 'created');
      const result: UserImportResult = { totalRows: preview.totalRows, created: [], failed: [], notAttempted: [], skipped, credentials: [] };
      let stopped = false;
      // The cache write-through goes in groups: one update per user rewrote the whole cached list each time
      // (1,000 users: ~1,000 reads and writes of a growing item). A crash loses at most a group, which the
      // next refresh lists anyway.
      let unwritten: string[] = [];
      const writeThrough = async () => {
        const batch = unwritten;
        unwritten = [];
        await deps.cache.addUsers(batch).catch(() => undefined);
      };
      for (const u of inputs) {
        if (stopped) {
          result.notAttempted.push({ line: u.line, address: u.address });
          continue;
        }
        const password = u.password ?? generateMailboxPassword();
        const details = [`CSV import (user.import) line ${u.line}`, `password ${u.password ? 'from the file' : 'generated'}`, u.require2fa ? '2FA required' : '', u.recoveryEmail ? 'recovery email set' : '', u.note ? `note: ${u.note}` : '']
          .filter(Boolean)
          .join(', ');
        let outcome: { warning?: string };
        try {
          outcome = await createOne(u, password);
        } catch (err) {
          const reason = whyNotCreated(err);
          result.failed.push({ line: u.line, address: u.address, reason });
          await onUser({ address: u.address, result: 'failed', reason, details });
          if (input.policy === 'all-or-nothing') stopped = true;
          continue;
        }
        result.created.push({ line: u.line, address: u.address, ...outcome });
        unwritten.push(u.address);
        if (unwritten.length >= CACHE_GROUP) await writeThrough();
        result.credentials.push({ address: u.address, password, note: u.note });
        await onUser({ address: u.address, result: 'ok', details: outcome.warning ? `${details}; ${outcome.warning}` : details });
      }
      await writeThrough();
      return result;
    },
  };
}
export type UserImport = ReturnType<typeof makeUserImport>;
