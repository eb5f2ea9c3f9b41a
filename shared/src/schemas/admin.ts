import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

export const AdminRole = lazySchema(() => z.enum(['owner', 'admin', 'viewer']));
export type AdminRole = z.infer<typeof AdminRole>;

/** Email addresses are compared lower-cased; the schema normalises them. */
export const AdminEmail = lazySchema(() =>
  z
    .string()
    .trim()
    .max(254, 'is too long (254 characters at most)')
    .pipe(z.email('is not a valid email address'))
    .transform((s) => s.toLowerCase()),
);

/**
 * Admin password policy (OWASP ASVS 5.0 6.2.1/6.2.9): at least 15 characters, long passphrases accepted,
 * no composition rules, never truncated; more than 1,024 bytes is refused before hashing.
 */
export const AdminPassword = lazySchema(() =>
  z
    .string()
    .min(15, 'must be at least 15 characters')
    .refine((s) => new TextEncoder().encode(s).length <= 1024, 'must be at most 1,024 bytes'),
);

export const AdminName = lazySchema(() => z.string().trim().min(1, 'is required').max(80, 'is too long (80 characters at most)'));

export const Admin = lazySchema(() =>
  z.object({
    email: z.string(),
    name: z.string(),
    role: AdminRole,
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    /** Two-factor authentication is on for this admin (never the secret). */
    mfaEnabled: z.boolean(),
  }),
);
export type Admin = z.infer<typeof Admin>;

export const AdminList = lazySchema(() => z.object({ admins: z.array(Admin) }));
export type AdminList = z.infer<typeof AdminList>;

export const CreateAdminInput = lazySchema(() =>
  z.strictObject({
    email: AdminEmail,
    name: AdminName,
    password: AdminPassword,
    role: AdminRole.default('admin'),
  }),
);
export type CreateAdminInput = z.infer<typeof CreateAdminInput>;

/** An owner changes another admin's role (promote, demote, make read-only). */
export const ChangeRoleInput = lazySchema(() => z.strictObject({ role: AdminRole }));
export type ChangeRoleInput = z.infer<typeof ChangeRoleInput>;
