import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { RuleUndoRecord, RuleUndoStore } from '../../modules/routing/ports.ts';
import { conditionalWrite } from './conditional-write.ts';
import { queryAll } from './query-all.ts';
import { itemReader } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import type { Table } from './table.ts';

// Access patterns: rule created through the panel → GetItem pk=RULEUNDO#<ruleId> sk=RULEUNDO; the recent ones
// → Query gsi1 gsi1pk=RULEUNDO gsi1sk >= <since> (gsi1sk=<createdAt>#<ruleId>). TTL removes old records; the
// 15-minute window is checked in code and in the claim's condition, since TTL deletion can lag.
const key = (ruleId: number) => ({ pk: `RULEUNDO#${ruleId}`, sk: 'RULEUNDO' });

const UndoItem = z.object({ ruleId: z.number().int(), identity: z.string(), createdBy: z.string(), createdAt: z.string() });

export function createDynamoRuleUndoStore(table: Table): RuleUndoStore {
  const { doc, name: TableName } = table;
  const records = itemReader(table, 'routing rule undo record', UndoItem);
  const plain = (r: RuleUndoRecord): RuleUndoRecord => ({ ruleId: r.ruleId, identity: r.identity, createdBy: r.createdBy, createdAt: r.createdAt });
  return {
    async put(r, expiresAt) {
      await doc.send(new PutCommand({ TableName, Item: { ...key(r.ruleId), gsi1pk: 'RULEUNDO', gsi1sk: `${r.createdAt}#${r.ruleId}`, ...plain(r), expiresAt } }));
    },
    async get(ruleId) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(ruleId), ConsistentRead: true }));
      return Item ? plain(records.one(Item)) : undefined;
    },
    async createdSince(since) {
      const items = await queryAll(doc, {
        TableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':p': 'RULEUNDO', ':since': since },
      });
      return records.many(items).map(plain);
    },
    claim(ruleId, by, since, at) {
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(ruleId),
            UpdateExpression: 'SET claimedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(claimedAt) AND createdBy = :by AND createdAt >= :since',
            ExpressionAttributeValues: { ':at': at, ':by': by, ':since': since },
          }),
        ),
      );
    },
    async release(ruleId) {
      // The record may be gone meanwhile (TTL): then there is nothing to give back.
      await conditionalWrite(() => doc.send(new UpdateCommand({ TableName, Key: key(ruleId), UpdateExpression: 'REMOVE claimedAt', ConditionExpression: 'attribute_exists(pk)' })));
    },
    async delete(ruleId) {
      await doc.send(new DeleteCommand({ TableName, Key: key(ruleId) }));
    },
  };
}
