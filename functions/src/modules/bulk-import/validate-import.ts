import { ImapPassword, ImapUser, type ImportPreview, type ImportRowPreview, type ServerProfile } from '@app/shared';
import type { BatchRowInput } from '../batches/create-batch.ts';
import type { ParsedImportCsv } from './parse-import-csv.ts';

const EMAIL = /^[^\s@",;<>]+@[^\s@",;<>]+\.[^\s@",;<>]+$/;
// A plain IMAP login such as `bob` or `j.doe` (many source servers use them; single jobs accept them too). Only
// the destination must be an address. Shown back in the preview like an address: a login of this shape is what
// the column is for, while a longer or odder value may be a password in the wrong column and is never echoed.
const PLAIN_LOGIN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const MAX_ERRORS_PER_FILE = 1000;
const validSourceLogin = (v: string) => (EMAIL.test(v) || PLAIN_LOGIN.test(v)) && ImapUser.safeParse(v).success;

export interface ValidatedImport {
  preview: ImportPreview;
  /** The valid rows with their lines (none when the file itself has a problem): what to create, passwords included (never leaves the server). */
  valid: { line: number; input: BatchRowInput }[];
}

/**
 * Checks every row and resolves server overrides by name.
 * 1. The default servers exist  2. Per row: the source login an address or a plain IMAP login, the destination an
 *    address, both passwords present and usable, overrides
 *    name exactly one saved server  3. The same source mailbox twice is a duplicate (reported on the later line)
 * A preview row carries user names only when they are valid (an address, or for the source a plain login of
 * at most 64 letters, digits and . _ + -), so a password in the wrong column is not echoed, and `hasPassword`
 * flags, never a password.
 */
export function validateImport(parsed: ParsedImportCsv, servers: readonly ServerProfile[], defaults: { sourceServerId: string; destServerId: string }): ValidatedImport {
  const fileErrors = [...parsed.fileErrors];
  const byId = new Map(servers.map((s) => [s.id, s]));
  const byName = new Map<string, ServerProfile[]>();
  for (const s of servers) byName.set(s.name.trim().toLowerCase(), [...(byName.get(s.name.trim().toLowerCase()) ?? []), s]);
  const defaultSource = byId.get(defaults.sourceServerId);
  const defaultDest = byId.get(defaults.destServerId);
  if (!defaultSource) fileErrors.push({ line: null, message: 'Choose the source server: the one given is not a saved server.' });
  if (!defaultDest) fileErrors.push({ line: null, message: 'Choose the destination server: the one given is not a saved server.' });

  const resolve = (column: string, name: string | undefined, fallback: ServerProfile | undefined, errors: string[]) => {
    const wanted = name?.trim() ?? '';
    if (!wanted) return fallback;
    const found = byName.get(wanted.toLowerCase()) ?? [];
    if (found.length === 1) return found[0];
    const shown = wanted.length > 60 ? `${wanted.slice(0, 60)}…` : wanted;
    errors.push(found.length ? `${column} "${shown}" matches ${found.length} saved servers; rename one of them.` : `${column} "${shown}" is not a saved server.`);
    return undefined;
  };

  const seen = new Map<string, number>();
  const valid: ValidatedImport['valid'] = [];
  const previews = parsed.rows.map((r): ImportRowPreview => {
    const errors: string[] = [];
    if (r.fieldCountError) errors.push(`This line ${r.fieldCountError}`);
    const c = r.cells;
    const sourceUser = (c.source_email ?? '').trim();
    const destUser = (c.dest_email ?? '').trim();
    const sourcePassword = c.source_password ?? '';
    const destPassword = c.dest_password ?? '';
    if (!r.fieldCountError) {
      if (!sourceUser) errors.push('source_email is empty.');
      else if (!validSourceLogin(sourceUser)) errors.push('source_email is not an email address or an IMAP login (like bob).');
      if (!destUser) errors.push('dest_email is empty.');
      else if (!EMAIL.test(destUser) || !ImapUser.safeParse(destUser).success) errors.push('dest_email is not an email address.');
      for (const [column, v] of [['source_password', sourcePassword], ['dest_password', destPassword]] as const) {
        // An empty dest_password means: the panel creates an app password on the destination mailbox (PurelyMail).
        if (!v && column === 'dest_password') continue;
        if (!v) errors.push(`${column} is empty.`);
        else if (!ImapPassword.safeParse(v).success) errors.push(v.length > 1024 ? `${column} is too long (over 1,024 characters).` : `${column} contains a line break.`);
      }
    }
    const sourceServer = r.fieldCountError ? undefined : resolve('source_server', c.source_server, defaultSource, errors);
    const destServer = r.fieldCountError ? undefined : resolve('dest_server', c.dest_server, defaultDest, errors);
    const validSource = validSourceLogin(sourceUser);
    const validDest = EMAIL.test(destUser) && ImapUser.safeParse(destUser).success;
    if (validSource && sourceServer) {
      const key = `${sourceServer.id}\n${sourceUser.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push(`Duplicate: the source mailbox ${sourceUser} is already on line ${first}.`);
      else seen.set(key, r.line);
    }
    if (errors.length === 0 && sourceServer && destServer) {
      valid.push({ line: r.line, input: { source: { serverId: sourceServer.id, user: sourceUser, password: sourcePassword }, dest: { serverId: destServer.id, user: destUser, ...(destPassword ? { password: destPassword } : {}) } } });
    }
    return {
      line: r.line,
      sourceUser: validSource ? sourceUser : '',
      destUser: validDest ? destUser : '',
      sourceServer: sourceServer ? { id: sourceServer.id, name: sourceServer.name } : null,
      destServer: destServer ? { id: destServer.id, name: destServer.name } : null,
      hasSourcePassword: sourcePassword.length > 0,
      hasDestPassword: destPassword.length > 0,
      errors,
    };
  });
  const invalidRows = previews.filter((p) => p.errors.length).length;
  const ok = fileErrors.length === 0 && previews.length > 0 && invalidRows === 0;
  return {
    preview: { ok, fileErrors: fileErrors.slice(0, MAX_ERRORS_PER_FILE), rows: previews, totalRows: previews.length, invalidRows },
    valid: fileErrors.length ? [] : valid,
  };
}
