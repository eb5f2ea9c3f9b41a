import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CachePart, CacheSnapshot, CacheStore } from '../../modules/cache/ports.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (part: string) => ({ pk: 'CACHE', sk: part });
const ALL_PARTS: readonly CachePart[] = ['users', 'domains', 'rules', 'credit'];
const SORT_KEYS: Record<CachePart, string> = { users: 'USERS', domains: 'DOMAINS', rules: 'RULES', credit: 'CREDIT' };

/**
 * The PurelyMail cache: one item per list. listUser caps at 1,000 names (~40 kB), far under DynamoDB's
 * 400 kB item limit, so the users page is a single read.
 */
export function createDynamoCacheStore(table: Table): CacheStore {
  const { doc, name: TableName } = table;
  const put = (part: string, data: Record<string, unknown>) => doc.send(new PutCommand({ TableName, Item: { ...key(part), ...data } }));
  const store: CacheStore = {
    async read(parts = ALL_PARTS) {
      // Only the lists asked for: the users page needs neither the rules nor the credit.
      const out = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: parts.map((p) => key(SORT_KEYS[p])), ConsistentRead: true } } }));
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
    async addUser(address) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: key('USERS'),
            UpdateExpression: 'SET addresses = list_append(addresses, :one)',
            ConditionExpression: 'attribute_exists(addresses) AND NOT contains(addresses, :a)',
            ExpressionAttributeValues: { ':one': [address], ':a': address },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err; // no cached list yet, or already listed
      }
    },
    removeUser: (address) => removeWhere('USERS', 'addresses', undefined, address),
    removeDomain: (name) => removeWhere('DOMAINS', 'domains', 'name', name),
    removeRule: (id) => removeWhere('RULES', 'rules', 'id', id),
  };
  return store;

  /**
   * Removes one element (or the map whose `field` equals `value`) from a cached list by index, conditional on
   * that index still holding it, so a concurrent change to the list makes us re-read instead of removing
   * the wrong element. Names go through placeholders: `rules` and `name` are DynamoDB reserved words.
   */
  async function removeWhere(part: string, attr: string, field: string | undefined, value: unknown): Promise<void> {
    const path = (n: number) => (field ? `#a[${n}].#f` : `#a[${n}]`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const out = await doc.send(new GetCommand({ TableName, Key: key(part), ConsistentRead: true }));
      const list = out.Item?.[attr] as unknown[] | undefined;
      const n = list?.findIndex((el) => (field ? (el as Record<string, unknown>)[field] : el) === value) ?? -1;
      if (n < 0) return;
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(part),
            UpdateExpression: `REMOVE #a[${n}]`,
            ConditionExpression: `${path(n)} = :v`,
            ExpressionAttributeNames: { '#a': attr, ...(field ? { '#f': field } : {}) },
            ExpressionAttributeValues: { ':v': value },
          }),
        );
        return;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    }
  }
}
