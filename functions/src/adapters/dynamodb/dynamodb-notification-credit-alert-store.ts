import * as z from 'zod';
import { CreditLevel } from '@app/shared';
import type { CreditAlertStore } from '../../modules/notifications/check-credit.ts';
import type { Table } from './table.ts';
import { versionedItem } from './versioned-item.ts';

const KEY = { pk: 'NOTIFY_STATE', sk: 'CREDIT' };
const CreditAlertItem = z.object({ level: CreditLevel, version: z.number().int() });

/** The credit level last notified: one item, moved by a conditional write on `version`. */
export function createDynamoCreditAlertStore(table: Table): CreditAlertStore {
  const alerts = versionedItem(table, KEY, 'credit alert state', CreditAlertItem);
  return {
    get: () => alerts.get(),
    set: (level, expectedVersion) => alerts.put({ level, version: expectedVersion + 1 }, expectedVersion),
  };
}
