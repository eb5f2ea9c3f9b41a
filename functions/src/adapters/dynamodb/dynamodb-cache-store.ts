import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CacheSnapshot, CacheStore } from '../../modules/cache/ports.ts';
import type { Table } from './table.ts';

const key = (part: string) => ({ pk: 'CACHE', sk: part });

/**
 * The PurelyMail cache: one item per list. listUser caps at 1,000 names (~40 kB), far under DynamoDB's
 * 400 kB item limit, so the users page is a single read.
 */
export function createDynamoCacheStore(table: Table): CacheStore {
  const { doc, name: TableName } = table;
  const put = (part: string, data: Record<string, unknown>) => doc.send(new PutCommand({ TableName, Item: { ...key(part), ...data } }));
  return {
    async read() {
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [TableName]: { Keys: ['USERS', 'DOMAINS', 'RULES', 'CREDIT'].map(key), ConsistentRead: true } } }),
      );
      const items = new Map((out.Responses?.[TableName] ?? []).map((i) => [i.sk as string, i]));
      const u = items.get('USERS');
      const d = items.get('DOMAINS');
      const r = items.get('RULES');
      const c = items.get('CREDIT');
      const snapshot: CacheSnapshot = {
        users: u ? { addresses: u.addresses, syncedAt: u.syncedAt } : null,
        domains: d ? { domains: d.domains, syncedAt: d.syncedAt } : null,
        rules: r ? { rules: r.rules, syncedAt: r.syncedAt } : null,
        credit: c ? { credit: c.credit, syncedAt: c.syncedAt } : null,
      };
      return snapshot;
    },
    putUsers: async (addresses, syncedAt) => void (await put('USERS', { addresses, syncedAt })),
    putDomains: async (domains, syncedAt) => void (await put('DOMAINS', { domains, syncedAt })),
    putRules: async (rules, syncedAt) => void (await put('RULES', { rules, syncedAt })),
    putCredit: async (credit, syncedAt) => void (await put('CREDIT', { credit, syncedAt })),
  };
}
