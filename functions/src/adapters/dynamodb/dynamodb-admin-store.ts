import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminRole } from '@app/shared';
import { ConflictError } from '../../modules/errors.ts';
import type { AdminMfa, AdminRecord, AdminStore } from '../../modules/auth/ports.ts';
import { GSI1 } from './table-definition.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

export const adminKey = (email: string) => ({ pk: `ADMIN#${email}`, sk: 'ADMIN' });
const key = adminKey;
const OWNERS = { pk: 'META', sk: 'OWNERS' };
const LAST_OWNER = 'The last owner cannot be removed. Make another admin an owner first.';

export const toAdminRecord = (item: Record<string, unknown>): AdminRecord => ({
  email: item.email as string,
  name: item.name as string,
  role: item.role as AdminRole,
  passwordHash: item.passwordHash as string,
  createdAt: item.createdAt as string,
  lastLoginAt: (item.lastLoginAt as string | undefined) ?? null,
  ...(typeof item.mfaSecret === 'string' ? { mfa: toMfa(item) } : {}),
  ...(typeof item.mfaPendingSecret === 'string' ? { mfaPending: { secret: item.mfaPendingSecret, createdAt: item.mfaPendingAt as string } } : {}),
});

// 2FA lives in flat attributes on the admin item so each change is one conditional update: the last TOTP
// step (no replay), the recovery code hashes as a string set (DynamoDB drops an emptied set).
const toMfa = (item: Record<string, unknown>): AdminMfa => ({
  secret: item.mfaSecret as string,
  enabledAt: item.mfaEnabledAt as string,
  lastStep: (item.mfaLastStep as number | undefined) ?? 0,
  recoverySalt: item.mfaRecoverySalt as string,
  recoveryCodeHashes: [...((item.mfaRecoveryHashes as Set<string> | undefined) ?? [])],
});
const MFA_ATTRIBUTES = 'mfaSecret, mfaEnabledAt, mfaLastStep, mfaRecoverySalt, mfaRecoveryHashes, mfaPendingSecret, mfaPendingAt';

const withoutMfa = ({ mfa: _m, mfaPending: _p, ...rest }: AdminRecord) => rest;

/**
 * Admins keyed by email. A separate owner counter makes "never zero owners" one conditional write,
 * even when two owners remove each other at the same moment.
 */
export function createDynamoAdminStore(table: Table): AdminStore {
  const { doc, name: TableName } = table;
  const addOwners = (n: number, condition?: string) =>
    doc.send(
      new UpdateCommand({
        TableName,
        Key: OWNERS,
        UpdateExpression: 'ADD owners :n',
        ConditionExpression: condition,
        ExpressionAttributeValues: { ':n': n, ...(condition ? { ':one': 1 } : {}) },
      }),
    );
  /** An update that reports a failed condition as false. */
  const conditional = async (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>, email: string): Promise<boolean> => {
    try {
      await doc.send(new UpdateCommand({ TableName, Key: key(email), ...input }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  };
  return {
    async get(email) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(email), ConsistentRead: true }));
      return Item ? toAdminRecord(Item) : undefined;
    },
    async list() {
      const { Items = [] } = await doc.send(
        new QueryCommand({ TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'ADMINS' } }),
      );
      return Items.map(toAdminRecord);
    },
    async create(admin) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...key(admin.email), gsi1pk: 'ADMINS', gsi1sk: admin.email, ...withoutMfa(admin) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new ConflictError('An admin with that email already exists.', 'admin_exists', { cause: err });
        throw err;
      }
      if (admin.role === 'owner') await addOwners(1);
    },
    async remove(email, role) {
      if (role === 'owner') {
        try {
          await addOwners(-1, 'owners > :one');
        } catch (err) {
          if (isConditionalCheckFailed(err)) throw new ConflictError(LAST_OWNER, 'last_owner', { cause: err });
          throw err;
        }
      }
      try {
        await doc.send(new DeleteCommand({ TableName, Key: key(email), ConditionExpression: 'attribute_exists(pk)' }));
      } catch (err) {
        // Someone else removed them first: give the owner slot back.
        if (role === 'owner') await addOwners(1);
        if (isConditionalCheckFailed(err)) return;
        throw err;
      }
    },
    async setRole(email, from, to) {
      if (from === 'owner') {
        try {
          await addOwners(-1, 'owners > :one');
        } catch (err) {
          if (isConditionalCheckFailed(err)) throw new ConflictError(LAST_OWNER, 'last_owner', { cause: err });
          throw err;
        }
      }
      const changed = await conditional({ UpdateExpression: 'SET #role = :to', ConditionExpression: '#role = :from', ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':from': from, ':to': to } }, email);
      if (!changed) {
        if (from === 'owner') await addOwners(1);
        throw new ConflictError('That admin was changed or removed meanwhile. Reload and try again.', 'stale_admin');
      }
      if (to === 'owner') await addOwners(1);
    },
    async setPasswordHash(email, passwordHash) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: key(email),
          UpdateExpression: 'SET passwordHash = :h',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':h': passwordHash },
        }),
      );
    },
    async recordLogin(email, at) {
      await doc.send(
        new UpdateCommand({ TableName, Key: key(email), UpdateExpression: 'SET lastLoginAt = :t', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':t': at } }),
      );
    },
    async setPendingMfa(email, pending) {
      const ok = await conditional(
        {
          UpdateExpression: 'SET mfaPendingSecret = :s, mfaPendingAt = :t',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mfaSecret)',
          ExpressionAttributeValues: { ':s': pending.secret, ':t': pending.createdAt },
        },
        email,
      );
      if (!ok) throw new ConflictError('Two-factor authentication is already on.', 'mfa_already_on');
    },
    async activateMfa(email, mfa, pendingSecret) {
      return conditional(
        {
          UpdateExpression:
            'SET mfaSecret = :secret, mfaEnabledAt = :t, mfaLastStep = :step, mfaRecoverySalt = :salt, mfaRecoveryHashes = :h REMOVE mfaPendingSecret, mfaPendingAt',
          ConditionExpression: 'mfaPendingSecret = :pending AND attribute_not_exists(mfaSecret)',
          ExpressionAttributeValues: {
            ':pending': pendingSecret,
            ':secret': mfa.secret,
            ':t': mfa.enabledAt,
            ':step': mfa.lastStep,
            ':salt': mfa.recoverySalt,
            ':h': new Set(mfa.recoveryCodeHashes),
          },
        },
        email,
      );
    },
    async acceptTotpStep(email, step) {
      return conditional(
        { UpdateExpression: 'SET mfaLastStep = :s', ConditionExpression: 'attribute_exists(mfaSecret) AND mfaLastStep < :s', ExpressionAttributeValues: { ':s': step } },
        email,
      );
    },
    async useRecoveryCode(email, hash) {
      return conditional(
        { UpdateExpression: 'DELETE mfaRecoveryHashes :set', ConditionExpression: 'contains(mfaRecoveryHashes, :h)', ExpressionAttributeValues: { ':set': new Set([hash]), ':h': hash } },
        email,
      );
    },
    async replaceMfaSecret(email, from, to) {
      return conditional({ UpdateExpression: 'SET mfaSecret = :to', ConditionExpression: 'mfaSecret = :from', ExpressionAttributeValues: { ':from': from, ':to': to } }, email);
    },
    async disableMfa(email) {
      await doc.send(new UpdateCommand({ TableName, Key: key(email), UpdateExpression: `REMOVE ${MFA_ATTRIBUTES}`, ConditionExpression: 'attribute_exists(pk)' }));
    },
    async countOwners() {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: OWNERS, ConsistentRead: true }));
      return (Item?.owners as number | undefined) ?? 0;
    },
  };
}
