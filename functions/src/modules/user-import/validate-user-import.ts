import { MailboxPassword, RecoveryEmail, UserAddress, type UserImportPreview, type UserImportRowPreview } from '@app/shared';
import { ValidationError } from '../errors.ts';
import type { ParsedCsv } from '../csv-import/parse-csv-table.ts';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';
import { weakMailboxPassword } from '../users/mailbox-password.ts';
import { checkLocalPartAllowed, domainOf } from '../users/user-rules.ts';

export type UserImportColumn = 'address' | 'display_note' | 'password' | 'require_2fa' | 'recovery_email';

/** One user to create, password included (never leaves the server except in the one-time hand-over). */
export interface UserToCreate {
  line: number;
  localPart: string;
  domain: string;
  address: string;
  /** Typed in the file, or null: one is generated at creation. */
  password: string | null;
  note: string;
  require2fa: boolean;
  recoveryEmail: string;
}

export interface ValidatedUserImport {
  preview: UserImportPreview;
  /** The valid rows (none when the file itself has a problem). */
  valid: { line: number; input: UserToCreate }[];
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['', 'no', 'n', 'false', '0']);
const MAX_NOTE = 200;

/** What the account looks like to the check: its domains and the addresses the panel knows exist. */
export interface AccountView {
  domains: readonly ApiDomainInfo[];
  existing: ReadonlySet<string>;
  /** False when PurelyMail's list was capped (or never read): an address missing from `existing` may still exist. */
  existingComplete: boolean;
}

/**
 * Checks every row of a user import, with the rules creating one user applies:
 * 1. address: a valid address at one of the account's domains; no . + - in the name where the domain refuses them.
 * 2. Not an address PurelyMail already listed, and not the same address as an earlier line (named by its line).
 * 3. password: empty (one is generated), or at least 12 characters and rated Good or better by the strength
 *    meter with the address as its inputs (the same judge as a single new user).
 * 4. require_2fa: empty, yes/no, true/false, 1/0. recovery_email: empty or an address. display_note: one line.
 * A preview row echoes the address only when it is valid, and says whether a password was given, never which.
 */
export async function validateUserImport(parsed: ParsedCsv<UserImportColumn>, account: AccountView): Promise<ValidatedUserImport> {
  const domains = new Map(account.domains.map((d) => [d.name.toLowerCase(), d]));
  const seen = new Map<string, number>();
  const valid: ValidatedUserImport['valid'] = [];
  const rows: UserImportRowPreview[] = [];
  for (const r of parsed.rows) {
    const errors: string[] = [];
    const c = r.cells;
    if (r.fieldCountError) errors.push(`This line ${r.fieldCountError}`);
    const rawAddress = (c.address ?? '').trim();
    const parsedAddress = UserAddress.safeParse(rawAddress);
    const address = parsedAddress.success ? parsedAddress.data : '';
    const localPart = address.slice(0, address.lastIndexOf('@'));
    const domainName = address ? domainOf(address) : '';
    const password = c.password ?? '';
    const note = (c.display_note ?? '').trim();
    const twoFa = (c.require_2fa ?? '').trim().toLowerCase();
    const recovery = (c.recovery_email ?? '').trim();
    if (!r.fieldCountError) {
      if (!rawAddress) errors.push('address is empty.');
      else if (!address) errors.push('address is not a valid email address like alice@example.com.');
      else {
        const domain = domains.get(domainName);
        if (!domain) errors.push(`${domainName} is not a domain on this PurelyMail account. Add it on the Domains page first.`);
        else {
          try {
            checkLocalPartAllowed(localPart, domain);
          } catch (err) {
            if (!(err instanceof ValidationError)) throw err;
            errors.push(err.message);
          }
        }
        const first = seen.get(address);
        if (first !== undefined) errors.push(`Duplicate: ${address} is already on line ${first}.`);
        else seen.set(address, r.line);
        if (account.existing.has(address)) errors.push(`${address} already exists.`);
      }
      if (password) {
        const shape = MailboxPassword.safeParse(password);
        if (!shape.success) errors.push(`password ${shape.error.issues[0]!.message}; leave it empty to have a strong one generated.`);
        else {
          const weak = await weakMailboxPassword(password, address ? [localPart, domainName] : []);
          if (weak) errors.push(`password is too easy to guess: ${weak.why}. Leave it empty to have a strong one generated.`);
        }
      }
      if (!YES.has(twoFa) && !NO.has(twoFa)) errors.push('require_2fa must be yes or no (or empty for no).');
      if (recovery && !RecoveryEmail.safeParse(recovery).success) errors.push('recovery_email is not a valid email address.');
      if (note.length > MAX_NOTE) errors.push(`display_note is longer than ${MAX_NOTE} characters.`);
      else if (/[\r\n]/.test(note)) errors.push('display_note contains a line break.');
    }
    const require2fa = YES.has(twoFa);
    if (errors.length === 0) {
      valid.push({ line: r.line, input: { line: r.line, localPart, domain: domainName, address, password: password || null, note, require2fa, recoveryEmail: recovery } });
    }
    rows.push({
      line: r.line,
      address,
      note: note.length > MAX_NOTE ? `${note.slice(0, MAX_NOTE)}…` : note,
      password: password ? 'given' : 'generated',
      require2fa,
      recoveryEmail: recovery && RecoveryEmail.safeParse(recovery).success ? recovery : '',
      errors,
    });
  }
  const invalidRows = rows.filter((p) => p.errors.length).length;
  const ok = parsed.fileErrors.length === 0 && rows.length > 0 && invalidRows === 0;
  return {
    preview: { ok, fileErrors: parsed.fileErrors, rows, totalRows: rows.length, invalidRows, existingCheck: account.existingComplete ? 'complete' : 'partial' },
    valid: parsed.fileErrors.length ? [] : valid,
  };
}
