import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/** The body of every non-2xx API response. `fields` names each invalid input field in plain words. */
export const ApiErrorBody = lazySchema(() =>
  z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      requestId: z.string().optional(),
    }),
  }),
);
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Header every state-changing request must carry (CSRF defence together with a same-origin Origin). */
export const CSRF_HEADER = 'x-purelymanage-csrf';
