import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AuditEntry } from '@app/shared';
import type { AuditFilter, AuditStore } from '../../modules/audit/ports.ts';
import { ValidationError } from '../../modules/errors.ts';
import { itemReader, jsonText } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const PAGE = 200;
// Public request counts: one item per UTC day, one attribute per `<action> <outcome>`.
const publicKey = (day: string) => ({ pk: `PUBLICREQ#${day}`, sk: 'COUNTS' });
const COUNT_PREFIX = 'n:';
const MAX_PAGES_PER_CALL = 25;

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
/** A page cursor (user input): the index key of the entry the next page starts after, as base64url JSON. */
const AuditCursor = jsonText.pipe(z.object({ pk: z.string(), sk: z.string(), gsi1pk: z.literal('AUDIT'), gsi1sk: z.string() }));
function decodeCursor(cursor: string): Record<string, unknown> {
  const key = AuditCursor.safeParse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!key.success) throw new ValidationError('The page cursor is not valid. Reload the list.', [{ path: 'cursor', message: 'is not valid' }]);
  return key.data;
}

/** An audit entry as the API shows it; an empty reason or details is left out, as when written without one. */
const AuditItem = AuditEntry.transform(({ reason, details, ...entry }): AuditEntry => ({ ...entry, ...(reason ? { reason } : {}), ...(details ? { details } : {}) }));

/** A day's public request counts: one number attribute per `<action> <outcome>`, prefixed `n:`. */
const PublicCountsItem = z
  .record(z.string(), z.unknown())
  .transform((item) => Object.fromEntries(Object.entries(item).flatMap(([k, v]) => (k.startsWith(COUNT_PREFIX) ? [[k.slice(COUNT_PREFIX.length), v]] : []))))
  .pipe(z.record(z.string(), z.number()));

/**
 * Audit entries: one item each, indexed in gsi1 under `AUDIT` by `<at>#<id>` so the log reads newest first
 * with a date range in the key condition. Filters narrow pages; we keep reading until the page is full.
 */
export function createDynamoAuditStore(table: Table): AuditStore {
  const { doc, name: TableName } = table;
  const auditEntries = itemReader(table, 'audit entry', AuditItem);
  const publicCounts = itemReader(table, 'public request count', PublicCountsItem);
  return {
    async append(entry, expiresAt) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { pk: `AUDIT#${entry.id}`, sk: 'AUDIT', gsi1pk: 'AUDIT', gsi1sk: `${entry.at}#${entry.id}`, targetLower: entry.target.toLowerCase(), ...entry, expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err; // already recorded: a retried secondary write
      }
    },
    async countPublic(day, key, expiresAt) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: publicKey(day),
          UpdateExpression: 'ADD #k :one SET expiresAt = :e',
          ExpressionAttributeNames: { '#k': `${COUNT_PREFIX}${key}` },
          ExpressionAttributeValues: { ':one': 1, ':e': expiresAt },
        }),
      );
    },
    async publicCounts(days) {
      const items = await Promise.all(days.map((day) => doc.send(new GetCommand({ TableName, Key: publicKey(day) }))));
      return Object.fromEntries(days.map((day, i) => [day, publicCounts.one(items[i]!.Item ?? {})]));
    },
    async query(filter: AuditFilter, limit, cursor) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':p': 'AUDIT', ':from': filter.fromIso, ':to': `${filter.toIso}\uffff` };
      const conditions: string[] = [];
      if (filter.actor) { names['#actor'] = 'actor'; values[':actor'] = filter.actor.toLowerCase(); conditions.push('#actor = :actor'); }
      if (filter.action) {
        names['#action'] = 'action';
        values[':action'] = filter.action;
        const old = (filter.oldActions ?? []).map((name, i) => ((values[`:old${i}`] = name), `:old${i}`));
        conditions.push(old.length ? `(begins_with(#action, :action) OR #action IN (${old.join(', ')}))` : 'begins_with(#action, :action)');
      }
      if (filter.q) { values[':q'] = filter.q.toLowerCase(); conditions.push('contains(targetLower, :q)'); }
      const entries: AuditEntry[] = [];
      let startKey = cursor ? decodeCursor(cursor) : undefined;
      for (let i = 0; i < MAX_PAGES_PER_CALL && entries.length < limit; i++) {
        const out = await doc.send(
          new QueryCommand({
            TableName,
            IndexName: GSI1,
            KeyConditionExpression: 'gsi1pk = :p AND gsi1sk BETWEEN :from AND :to',
            ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: PAGE,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const entry of auditEntries.many(out.Items ?? [])) {
          if (entries.length === limit) {
            // Stop mid-page: the next call starts right after the last entry returned.
            const last = entries[entries.length - 1]!;
            return { entries, nextCursor: encodeCursor({ pk: `AUDIT#${last.id}`, sk: 'AUDIT', gsi1pk: 'AUDIT', gsi1sk: `${last.at}#${last.id}` }) };
          }
          entries.push(entry);
        }
        startKey = out.LastEvaluatedKey;
        if (!startKey) return { entries, nextCursor: null };
      }
      const last = entries[entries.length - 1];
      return { entries, nextCursor: last ? encodeCursor({ pk: `AUDIT#${last.id}`, sk: 'AUDIT', gsi1pk: 'AUDIT', gsi1sk: `${last.at}#${last.id}` }) : startKey ? encodeCursor(startKey) : null };
    },
  };
}
