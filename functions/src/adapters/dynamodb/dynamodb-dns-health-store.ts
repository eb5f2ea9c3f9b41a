import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DnsHealthSettings, DomainDnsHealth } from '@app/shared';
import type { DnsHealthRecord, DnsHealthStore } from '../../modules/dns-health/ports.ts';
import { queryAll } from './query-all.ts';
import { itemReader } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { conditionalWrite } from './conditional-write.ts';
import type { Table } from './table.ts';
import { versionedItem } from './versioned-item.ts';

const key = (domain: string) => ({ pk: `DNSHEALTH#${domain}`, sk: 'DNSHEALTH' });
const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'DNS_HEALTH' };

/** A domain's health item: what the API shows, plus when our own lookups last saw it and are next due. */
const DnsHealthItem = DomainDnsHealth.extend({ ownFingerprint: z.string().nullable(), nextOwnCheckAt: z.string() }) satisfies z.ZodType<DnsHealthRecord>;

/**
 * Per-domain DNS health, one item each, all under gsi1 `DNSHEALTH` sorted by next PurelyMail recheck
 * (so "what is due" reads in order and the whole set reads with one Query, never a Scan).
 */
export function createDynamoDnsHealthStore(table: Table): DnsHealthStore {
  const { doc, name: TableName } = table;
  const records = itemReader(table, 'DNS health record', DnsHealthItem);
  const settings = versionedItem(table, SETTINGS_KEY, 'DNS check settings', DnsHealthSettings);
  const put = async (record: DnsHealthRecord, condition: string, values?: Record<string, unknown>) => {
    return conditionalWrite(() =>
      doc.send(
        new PutCommand({
          TableName,
          Item: { ...key(record.domain), gsi1pk: 'DNSHEALTH', gsi1sk: `${record.nextCheckAt}#${record.domain}`, ...record },
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: values } : {}),
        }),
      ),
    );
  };
  return {
    async listAll() {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'DNSHEALTH' } });
      return records.many(items);
    },
    async get(domain) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(domain), ConsistentRead: true }));
      return Item ? records.one(Item) : undefined;
    },
    create: (record) => put(record, 'attribute_not_exists(pk)'),
    replace: (record, expectedVersion) => put(record, '#v = :v', { ':v': expectedVersion }),
    async remove(domain) {
      await doc.send(new DeleteCommand({ TableName, Key: key(domain) }));
    },
    getSettings: () => settings.get(),
    saveSettings: (value: DnsHealthSettings, expectedVersion: number) => settings.save(value, expectedVersion, 'Someone else changed the DNS check settings meanwhile. Reload and try again.'),
  };
}
