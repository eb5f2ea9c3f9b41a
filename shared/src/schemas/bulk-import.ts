import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { Batch, BatchMode } from './batch.ts';
import { ImportFileError, ImportPolicy, SkippedLine } from './csv-import.ts';

/**
 * Bulk CSV import: the browser sends the file's text (JSON, not multipart: the CSRF rule wants a custom
 * header on every write) twice, once for a preview and once to queue. Passwords are never sent back:
 * a preview row only says whether each side has one.
 */

export const MAX_IMPORT_ROWS = 1000;
export const MAX_IMPORT_CSV_CHARS = 2 * 1024 * 1024;

/** Required columns, in the template's order; `source_server` and `dest_server` are optional overrides. */
export const IMPORT_COLUMNS = ['source_email', 'source_password', 'dest_email', 'dest_password'] as const;
export const IMPORT_OPTIONAL_COLUMNS = ['source_server', 'dest_server'] as const;

export const ImportPreviewInput = lazySchema(() =>
  z.strictObject({
    csv: z.string().min(1, 'is empty').max(MAX_IMPORT_CSV_CHARS, 'is larger than 2 MB'),
    /** Default servers; a row may name another saved server in `source_server` / `dest_server`. */
    sourceServerId: z.string().min(1, 'is required').max(64),
    destServerId: z.string().min(1, 'is required').max(64),
  }),
);
export type ImportPreviewInput = z.infer<typeof ImportPreviewInput>;

export const ImportInput = lazySchema(() =>
  ImportPreviewInput.extend({
    batchName: z.string().trim().min(1, 'is required').max(200),
    mode: BatchMode,
    /** `later`: the jobs wait in the batch until someone presses Start. */
    start: z.enum(['now', 'later']),
    /** Queue every row or nothing (the default), or only the valid rows, skipping the others. */
    policy: ImportPolicy.default('all-or-nothing'),
  }),
);
export type ImportInput = z.infer<typeof ImportInput>;

const ServerRef = lazySchema(() => z.object({ id: z.string(), name: z.string() }));

export const ImportRowPreview = lazySchema(() =>
  z.object({
    /** The line in the file where the row starts (1 = the header). */
    line: z.number().int(),
    sourceUser: z.string(),
    destUser: z.string(),
    sourceServer: ServerRef.nullable(),
    destServer: ServerRef.nullable(),
    hasSourcePassword: z.boolean(),
    hasDestPassword: z.boolean(),
    /** Plain-language problems with this row; empty when it can be queued. */
    errors: z.array(z.string()),
  }),
);
export type ImportRowPreview = z.infer<typeof ImportRowPreview>;

export const ImportPreview = lazySchema(() =>
  z.object({
    /** True when every row is valid and there is at least one. */
    ok: z.boolean(),
    /** Problems with the file as a whole (encoding, header, size); `line` when one can be named. */
    fileErrors: z.array(ImportFileError),
    rows: z.array(ImportRowPreview),
    totalRows: z.number().int(),
    invalidRows: z.number().int(),
  }),
);
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportResult = lazySchema(() =>
  z.object({
    batch: Batch,
    jobCount: z.number().int(),
    /** Lines left out (valid-only), with why; empty for all-or-nothing, which queues every row or none. */
    skipped: z.array(SkippedLine),
  }),
);
export type ImportResult = z.infer<typeof ImportResult>;
