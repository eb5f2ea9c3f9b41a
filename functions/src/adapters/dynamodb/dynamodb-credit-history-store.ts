import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CreditHistoryStore, ForecastAlertStore } from '../../modules/credit-forecast/ports.ts';
import { queryAll } from './query-all.ts';
import { itemReader } from './stored-item.ts';
import type { Table } from './table.ts';
import { versionedItem } from './versioned-item.ts';

// Access patterns: credit readings → Query pk=CREDITHIST sk >= <YYYY-MM-DD> (one item per UTC day, TTL 90 days);
// forecast alert state → GetItem pk=NOTIFY_STATE sk=CREDIT_FORECAST.
const HISTORY_PK = 'CREDITHIST';
const ReadingItem = z.object({ sk: z.string().regex(/^\d{4}-\d\d-\d\d$/), credit: z.string().regex(/^-?\d+(\.\d+)?$/), at: z.string() });
const AlertItem = z.object({ below: z.boolean(), version: z.number().int() });

export function createDynamoCreditHistoryStore(table: Table): CreditHistoryStore {
  const { doc, name: TableName } = table;
  const readings = itemReader(table, 'credit reading', ReadingItem);
  return {
    async put(r, expiresAt) {
      await doc.send(new PutCommand({ TableName, Item: { pk: HISTORY_PK, sk: r.day, credit: r.credit, at: r.at, expiresAt } }));
    },
    async since(fromDay) {
      const items = await queryAll(doc, { TableName, KeyConditionExpression: 'pk = :p AND sk >= :from', ExpressionAttributeValues: { ':p': HISTORY_PK, ':from': fromDay } });
      return readings.many(items).map((i) => ({ day: i.sk, credit: i.credit, at: i.at }));
    },
  };
}

/** Whether the forecast email went out for the current crossing: one item, moved by a conditional write on `version`. */
export function createDynamoForecastAlertStore(table: Table): ForecastAlertStore {
  const alerts = versionedItem(table, { pk: 'NOTIFY_STATE', sk: 'CREDIT_FORECAST' }, 'credit forecast alert state', AlertItem);
  return {
    get: () => alerts.get(),
    set: (below, expectedVersion) => alerts.put({ below, version: expectedVersion + 1 }, expectedVersion),
  };
}
