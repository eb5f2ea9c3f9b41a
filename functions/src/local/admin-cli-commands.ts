import { createDynamoAdminStore } from '../adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoAuditStore } from '../adapters/dynamodb/dynamodb-audit-store.ts';
import { createDynamoSessionStore } from '../adapters/dynamodb/dynamodb-session-store.ts';
import type { Table } from '../adapters/dynamodb/table.ts';
import { makeAudit } from '../modules/audit/audit.ts';
import { makeCreateAdmin, makeResetAdminPassword } from '../modules/auth/manage-admins.ts';
import { createScryptPasswordHasher } from '../modules/auth/scrypt-password-hasher.ts';
import { systemClock } from '../platform/clock.ts';

/** The admin CLI's two commands, over any table. Both are audited as actor "cli". */
export function makeAdminCli(table: Table, scryptLogN: number) {
  const admins = createDynamoAdminStore(table);
  const sessions = createDynamoSessionStore(table);
  const hasher = createScryptPasswordHasher(scryptLogN);
  const audit = makeAudit({ store: createDynamoAuditStore(table), clock: systemClock, retentionDays: Number(process.env.AUDIT_RETENTION_DAYS) || undefined });
  const cliOrigin = { actor: 'cli', ip: 'local', userAgent: 'purelymanage-admin-cli' };
  // The CLI acts as an owner: it exists for when nobody can log in.
  const cliOwner = { email: 'cli', name: 'CLI', role: 'owner' as const, passwordHash: '', createdAt: '', lastLoginAt: null };
  return {
    async create(email: string, name: string, password: string): Promise<string> {
      await makeCreateAdmin({ admins, hasher, clock: systemClock })(cliOwner, { email, name, password, role: 'owner' });
      await audit.record({ ...cliOrigin, action: 'admin.create', target: `${email} (owner)`, result: 'ok' });
      return `Created owner ${email}. Sign in at the panel's /login page.`;
    },
    async resetPassword(email: string, password: string): Promise<string> {
      await makeResetAdminPassword({ admins, sessions, hasher })(email, password);
      await audit.record({ ...cliOrigin, action: 'admin.password.reset', target: email, result: 'ok' });
      return `Password reset for ${email}; their sessions were ended.`;
    },
  };
}
