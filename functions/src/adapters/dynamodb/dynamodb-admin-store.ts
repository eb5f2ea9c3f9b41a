import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AdminRole } from '@app/shared';
import { ConflictError } from '../../modules/errors.ts';
import type { AdminRecord, AdminStore } from '../../modules/auth/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { conditionalWrite } from './conditional-write.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

export const adminKey = (email: string) => ({ pk: `ADMIN#${email}`, sk: 'ADMIN' });
const key = adminKey;
const OWNERS = { pk: 'META', sk: 'OWNERS' };
const LAST_OWNER = 'The last owner cannot be removed. Make another admin an owner first.';

/**
 * An admin item. 2FA lives in flat attributes so each change is one conditional update: the last TOTP step (no
 * replay), the recovery code hashes as a string set (DynamoDB drops an emptied set, so it may be absent).
 */
export const AdminItem = z
  .object({
    email: z.string(),
    name: z.string(),
    role: AdminRole,
    passwordHash: z.string(),
    createdAt: z.string(),
    lastLoginAt: orNull(z.string()),
    mfaSecret: z.string().optional(),
    mfaEnabledAt: z.string().optional(),
    mfaLastStep: z.number().default(0),
    mfaRecoverySalt: z.string().optional(),
    mfaRecoveryHashes: z.set(z.string()).optional(),
    mfaPendingSecret: z.string().optional(),
    mfaPendingAt: z.string().optional(),
  })
  .transform((i, ctx): AdminRecord => {
    const admin: AdminRecord = { email: i.email, name: i.name, role: i.role, passwordHash: i.passwordHash, createdAt: i.createdAt, lastLoginAt: i.lastLoginAt };
    if (i.mfaSecret !== undefined) {
      if (i.mfaEnabledAt === undefined || i.mfaRecoverySalt === undefined) {
        ctx.issues.push({ code: 'custom', message: 'is required while 2FA is on', path: [i.mfaEnabledAt === undefined ? 'mfaEnabledAt' : 'mfaRecoverySalt'], input: undefined });
        return z.NEVER;
      }
      admin.mfa = { secret: i.mfaSecret, enabledAt: i.mfaEnabledAt, lastStep: i.mfaLastStep, recoverySalt: i.mfaRecoverySalt, recoveryCodeHashes: [...(i.mfaRecoveryHashes ?? [])] };
    }
    if (i.mfaPendingSecret !== undefined) {
      if (i.mfaPendingAt === undefined) {
        ctx.issues.push({ code: 'custom', message: 'is required while 2FA enrolment is pending', path: ['mfaPendingAt'], input: undefined });
        return z.NEVER;
      }
      admin.mfaPending = { secret: i.mfaPendingSecret, createdAt: i.mfaPendingAt };
    }
    return admin;
  });

const OwnersItem = z.object({ owners: z.number().int().default(0) });

const MFA_ATTRIBUTES = 'mfaSecret, mfaEnabledAt, mfaLastStep, mfaRecoverySalt, mfaRecoveryHashes, mfaPendingSecret, mfaPendingAt';

const withoutMfa = ({ mfa: _m, mfaPending: _p, ...rest }: AdminRecord) => rest;

/**
 * Admins keyed by email. A separate owner counter makes "never zero owners" one conditional write,
 * even when two owners remove each other at the same moment.
 */
export function createDynamoAdminStore(table: Table): AdminStore {
  const { doc, name: TableName } = table;
  const admins = itemReader(table, 'admin', AdminItem);
  const owners = itemReader(table, 'owner count', OwnersItem);
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
  const conditional = (input: Omit<UpdateCommandInput, 'TableName' | 'Key'>, email: string): Promise<boolean> =>
    conditionalWrite(() => doc.send(new UpdateCommand({ TableName, Key: key(email), ...input })));
  return {
    async get(email) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(email), ConsistentRead: true }));
      return Item ? admins.one(Item) : undefined;
    },
    async list() {
      const { Items = [] } = await doc.send(
        new QueryCommand({ TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'ADMINS' } }),
      );
      return admins.many(Items);
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
      return Item ? owners.one(Item).owners : 0;
    },
  };
}
