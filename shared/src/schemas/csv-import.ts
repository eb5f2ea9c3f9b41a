import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/**
 * What every CSV import shares (migration jobs, users): the choice between all-or-nothing and valid rows only,
 * and how a file-level problem and a skipped line are reported.
 */

/** `all-or-nothing`: any invalid row and nothing is created. `valid-only`: the invalid rows are skipped, each named. */
export const ImportPolicy = lazySchema(() => z.enum(['all-or-nothing', 'valid-only']));
export type ImportPolicy = z.infer<typeof ImportPolicy>;

export const ImportFileError = lazySchema(() => z.object({ line: z.number().int().nullable(), message: z.string() }));
export type ImportFileError = z.infer<typeof ImportFileError>;

/** A line left out of a valid-only import, with the reasons the preview gave for it. */
export const SkippedLine = lazySchema(() => z.object({ line: z.number().int(), errors: z.array(z.string()) }));
export type SkippedLine = z.infer<typeof SkippedLine>;
