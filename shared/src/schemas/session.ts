import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/** An admin session as listed in Settings → Sessions. Never carries the token or anything that derives it. */
export const SessionInfo = lazySchema(() =>
  z.object({
    id: z.string(),
    adminEmail: z.string(),
    adminName: z.string(),
    userAgent: z.string(),
    device: z.string(),
    ip: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    current: z.boolean(),
  }),
);
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SessionList = lazySchema(() => z.object({ sessions: z.array(SessionInfo) }));
export type SessionList = z.infer<typeof SessionList>;

/** The answer to ending all of one's other sessions. */
export const EndedSessions = lazySchema(() => z.object({ endedSessions: z.number().int().nonnegative() }));
export type EndedSessions = z.infer<typeof EndedSessions>;
