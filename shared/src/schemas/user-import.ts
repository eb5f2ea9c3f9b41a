import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { MAX_IMPORT_CSV_CHARS } from './bulk-import.ts';
import { ImportFileError, ImportPolicy, SkippedLine } from './csv-import.ts';

/**
 * Bulk users from a CSV: the same two steps and the same file rules as the migration import (one parser on the
 * server), one mailbox per line. Typed passwords are never sent back by the preview; the import answers with
 * the credentials of exactly the users it created, once, for the hand-over (nothing keeps them).
 */

export const MAX_USER_IMPORT_ROWS = 1000;

/** `address` is required; the others may be left out of the header or left empty on a line. */
export const USER_IMPORT_COLUMNS = ['address'] as const;
export const USER_IMPORT_OPTIONAL_COLUMNS = ['display_note', 'password', 'require_2fa', 'recovery_email'] as const;

export const UserImportPreviewInput = lazySchema(() =>
  z.strictObject({
    csv: z.string().min(1, 'is empty').max(MAX_IMPORT_CSV_CHARS, 'is larger than 2 MB'),
  }),
);
export type UserImportPreviewInput = z.infer<typeof UserImportPreviewInput>;

/**
 * Rows per request when the browser sends a confirmed import in parts: each part must end well inside API Gateway's
 * 29-second limit (one createUser per row, plus modifyUser for 2FA; the sandbox bench measures the calls per user).
 */
export const USER_IMPORT_ROWS_PER_REQUEST = 25;

export const UserImportInput = lazySchema(() =>
  UserImportPreviewInput.extend({
    policy: ImportPolicy.default('all-or-nothing'),
    /**
     * Create only the rows that start on these lines (one part of an import sent in several requests; the whole file
     * is still sent and checked). all-or-nothing then checks every row from `from` to the end of the file, so a part
     * is refused when a later row has become invalid; valid-only checks the part's rows.
     */
    lines: z
      .strictObject({ from: z.number().int().min(2, 'starts after the header (line 2 or later)'), to: z.number().int() })
      .refine((l) => l.to >= l.from, { message: 'must end on or after the line it starts on', path: ['to'] })
      .optional(),
  }),
);
export type UserImportInput = z.infer<typeof UserImportInput>;

export const UserImportRowPreview = lazySchema(() =>
  z.object({
    /** The line in the file where the row starts (1 = the header). */
    line: z.number().int(),
    /** The address when it is a valid one (a wrong value may be a password in the wrong column: never echoed). */
    address: z.string(),
    note: z.string(),
    /** `given`: the line has a password (never shown); `generated`: the panel will make a strong one. */
    password: z.enum(['given', 'generated']),
    require2fa: z.boolean(),
    recoveryEmail: z.string(),
    errors: z.array(z.string()),
  }),
);
export type UserImportRowPreview = z.infer<typeof UserImportRowPreview>;

export const UserImportPreview = lazySchema(() =>
  z.object({
    ok: z.boolean(),
    fileErrors: z.array(ImportFileError),
    rows: z.array(UserImportRowPreview),
    totalRows: z.number().int(),
    invalidRows: z.number().int(),
    /**
     * `partial` when PurelyMail's user list reached its 1,000 cap: an address missing from it may still exist,
     * and PurelyMail then refuses it at creation (reported on its line).
     */
    existingCheck: z.enum(['complete', 'partial']),
  }),
);
export type UserImportPreview = z.infer<typeof UserImportPreview>;

const Line = lazySchema(() => z.object({ line: z.number().int(), address: z.string() }));

export const UserImportResult = lazySchema(() =>
  z.object({
    totalRows: z.number().int(),
    /** Created at PurelyMail, in file order; `warning` when a later step for that user (2FA) did not take. */
    created: z.array(Line.extend({ warning: z.string().optional() })),
    /** PurelyMail refused the line: nothing was created for it. */
    failed: z.array(Line.extend({ reason: z.string() })),
    /** All-or-nothing stops at the first refusal: the lines after it were not tried. */
    notAttempted: z.array(Line),
    /** Invalid lines left out (valid-only), with the preview's reasons. */
    skipped: z.array(SkippedLine),
    /** The one-time hand-over: exactly the created users, in file order. Not stored anywhere. */
    credentials: z.array(z.object({ address: z.string(), password: z.string(), note: z.string() })),
  }),
);
export type UserImportResult = z.infer<typeof UserImportResult>;
