import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DomainMove } from '@app/shared';
import * as z from 'zod';
import type { DomainMoveStore } from '../../modules/domain-moves/ports.ts';
import { conditionalWrite } from './conditional-write.ts';
import { queryAll } from './query-all.ts';
import { itemReader, jsonText } from './stored-item.ts';
import type { Table } from './table.ts';

const key = (domain: string) => ({ pk: `MOVE#${domain}`, sk: 'MOVE' });
const savedKey = (domain: string) => ({ pk: `MOVE#${domain}`, sk: 'DNSSAVED' });
const LIST = 'MOVES';

const SavedDns = z.object({ records: jsonText.pipe(z.array(z.unknown())) });

/**
 * A domain move: one item per domain (MOVE#<domain>, sk MOVE), listed through gsi1 (gsi1pk=MOVES,
 * gsi1sk=<createdAt>#<domain>), written only with a condition on `version` (one winner among parallel requests),
 * and read back through its schema. The record sets a DNS apply replaced sit beside it (sk DNSSAVED, as JSON
 * text: their shape belongs to the DNS cutover and is checked there).
 */
export function createDynamoDomainMoveStore(table: Table): DomainMoveStore {
  const { doc, name: TableName } = table;
  const reader = itemReader(table, 'domain move', DomainMove);
  const savedReader = itemReader(table, 'domain move DNS records', SavedDns);
  const item = (move: DomainMove) => ({ ...key(move.domain), gsi1pk: LIST, gsi1sk: `${move.createdAt}#${move.domain}`, ...move });
  return {
    async get(domain) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(domain), ConsistentRead: true }));
      return Item ? reader.one(Item) : undefined;
    },
    async list() {
      const items = await queryAll(doc, { TableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': LIST }, ScanIndexForward: false });
      return reader.many(items);
    },
    create: (move) => conditionalWrite(() => doc.send(new PutCommand({ TableName, Item: item(move), ConditionExpression: 'attribute_not_exists(pk)' }))),
    replace: (next, expectedVersion) =>
      conditionalWrite(() =>
        doc.send(new PutCommand({ TableName, Item: item(next), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } })),
      ),
    async saveDnsRecords(domain, saved) {
      await doc.send(new PutCommand({ TableName, Item: { ...savedKey(domain), records: JSON.stringify(saved) } }));
    },
    async dnsRecords(domain) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: savedKey(domain), ConsistentRead: true }));
      return Item ? savedReader.one(Item).records : undefined;
    },
  };
}
