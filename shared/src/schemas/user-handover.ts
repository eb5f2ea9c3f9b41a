import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/**
 * Per-user one-time hand-over links for the users a CSV import created: each link shows that user's address and
 * password once, then says "already opened"; it expires after USER_HANDOVER_LINK_HOURS (default 72). The password is
 * kept sealed (never in clear) until the link is opened or expires; the link's token is kept only as its SHA-256, and
 * travels in the URL's fragment (`/h/#t=<token>`), never in a path or a query, so no access log records it.
 */

/** Links asked for in one request (the browser sends a larger hand-over in several). */
export const MAX_HANDOVER_LINKS_PER_REQUEST = 200;

export const CreateHandoverLinksInput = lazySchema(() =>
  z.strictObject({
    credentials: z
      .array(
        z.strictObject({
          address: z.string().trim().toLowerCase().pipe(z.email('is not a valid email address')),
          password: z.string().min(1, 'is empty').max(256, 'is too long'),
        }),
      )
      .min(1, 'is empty')
      .max(MAX_HANDOVER_LINKS_PER_REQUEST, `has more than ${MAX_HANDOVER_LINKS_PER_REQUEST} users: send them in parts`),
  }),
);
export type CreateHandoverLinksInput = z.infer<typeof CreateHandoverLinksInput>;

/** The links, once (the panel cannot show them again: it keeps only their hashes). */
export const HandoverLinks = lazySchema(() =>
  z.object({
    links: z.array(z.object({ address: z.string(), url: z.string() })),
    expiresAt: z.string(),
    validHours: z.number().int(),
  }),
);
export type HandoverLinks = z.infer<typeof HandoverLinks>;

export const PublicHandoverInput = lazySchema(() => z.strictObject({ token: z.string().trim().regex(/^[A-Za-z0-9_-]{20,100}$/, 'is not a hand-over link') }));
export type PublicHandoverInput = z.infer<typeof PublicHandoverInput>;

/** What an opened link shows, once. */
export const PublicHandover = lazySchema(() => z.object({ address: z.string(), password: z.string(), openedAt: z.string() }));
export type PublicHandover = z.infer<typeof PublicHandover>;
