import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { ConflictError } from '../../modules/errors.ts';
import { conditionalWrite } from './conditional-write.ts';
import { itemReader } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

/**
 * One item at a fixed key that changes only by optimistic locking on its `version` (0 = never saved): the
 * panel, migration, mail and DNS check settings and the credit alert state. The read and the conditional
 * write are kept here once, so each store only names its key, its schema and what a lost race means.
 */
export function versionedItem<T>(table: Table, key: { pk: string; sk: string }, kind: string, schema: z.ZodType<T>) {
  const { doc, name: TableName } = table;
  const reader = itemReader(table, kind, schema);
  const send = (value: object, expectedVersion: number) =>
    doc.send(
      new PutCommand({
        TableName,
        Item: { ...key, ...value },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
  return {
    async get(): Promise<T | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
      return Item ? reader.one(Item) : undefined;
    },
    /** Writes `value` (carrying its new version) if the stored version is `expectedVersion`; false if not. */
    put: (value: object, expectedVersion: number): Promise<boolean> => conditionalWrite(() => send(value, expectedVersion)),
    /** The same write for a settings form: a lost race is a ConflictError (409 `stale_version`) saying `conflictMessage`. */
    async save(value: object, expectedVersion: number, conflictMessage: string): Promise<void> {
      try {
        await send(value, expectedVersion);
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new ConflictError(conflictMessage, 'stale_version', { cause: err });
        throw err;
      }
    },
  };
}
