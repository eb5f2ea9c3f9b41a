import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchGetAll, batchWriteAll, type BatchSender } from '../../src/adapters/dynamodb/batch-all.ts';
import { BatchGetCommand, BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoCacheStore } from '../../src/adapters/dynamodb/dynamodb-cache-store.ts';
import { createDynamoMigrationRunStore } from '../../src/adapters/dynamodb/dynamodb-migration-run-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import type { Table } from '../../src/adapters/dynamodb/table.ts';
import type { RunRecord } from '../../src/modules/migrations/ports.ts';
import { queuedRun } from '../../src/modules/migrations/queued-run.ts';

/**
 * dynalite (the real table) behind a sender that, like DynamoDB under throttling, processes only the first half of
 * the next `times` batch calls and hands the rest back as UnprocessedKeys / UnprocessedItems.
 */
function throttledBatches(table: Table, times: number): { table: Table; batchCalls: () => number } {
  let left = times;
  let calls = 0;
  const send = table.doc.send.bind(table.doc) as (command: unknown) => Promise<unknown>;
  const doc = {
    send: (async (command: unknown) => {
      if (command instanceof BatchGetCommand || command instanceof BatchWriteCommand) calls++;
      if (left > 0 && command instanceof BatchGetCommand) {
        left--;
        const [name, req] = Object.entries(command.input.RequestItems!)[0]!;
        const keys = req.Keys!;
        const half = Math.ceil(keys.length / 2);
        const out = await table.doc.send(new BatchGetCommand({ RequestItems: { [name]: { ...req, Keys: keys.slice(0, half) } } }));
        return { ...out, UnprocessedKeys: keys.length > half ? { [name]: { ...req, Keys: keys.slice(half) } } : {} };
      }
      if (left > 0 && command instanceof BatchWriteCommand) {
        left--;
        const [name, requests] = Object.entries(command.input.RequestItems!)[0]!;
        const half = Math.ceil(requests.length / 2);
        const out = await table.doc.send(new BatchWriteCommand({ RequestItems: { [name]: requests.slice(0, half) } }));
        return { ...out, UnprocessedItems: requests.length > half ? { [name]: requests.slice(half) } : {} };
      }
      return send(command);
    }) as DynamoDBDocumentClient['send'],
  } as DynamoDBDocumentClient;
  return { table: { doc, name: table.name }, batchCalls: () => calls };
}

// A finished run as the run store keeps it: the queued record every run starts as (queuedRun), then succeeded.
const run = (id: string, jobId: string): RunRecord => ({ ...queuedRun(id, jobId, 'full', 'owner@example.com', new Date('2026-11-21T09:00:00.000Z')), state: 'succeeded' });

describe('batch reads and writes retry what DynamoDB leaves unprocessed', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'batch-unprocessed' });
  });
  afterAll(() => dynamo.close());

  it('the cache store reads every list even when a batch read comes back half done', async () => {
    const at = '2026-11-21T09:00:00.000Z';
    const writer = createDynamoCacheStore(dynamo.table);
    await writer.putUsers(['ann@a.example'], at, { capped: false });
    await writer.putDomains([], at);
    await writer.putRules([], at);
    await writer.putCredit('12.50', at);
    const throttled = throttledBatches(dynamo.table, 2);
    const snapshot = await createDynamoCacheStore(throttled.table).read();
    expect(snapshot.users?.addresses).toEqual(['ann@a.example']);
    expect(snapshot.domains?.domains).toEqual([]);
    expect(snapshot.rules?.rules).toEqual([]);
    expect(snapshot.credit?.credit).toBe('12.50');
    expect(throttled.batchCalls()).toBeGreaterThan(1);
  });

  it("deleting a job's runs deletes all of them even when a batch write comes back half done", async () => {
    const runs = createDynamoMigrationRunStore(dynamo.table);
    const ids = Array.from({ length: 30 }, (_, i) => `run_mwq0twxr4e995d7be6cb24d5a${String(i).padStart(3, '0')}`);
    for (const id of ids) expect(await runs.create(run(id, 'job_1'))).toBe(true);
    expect(await runs.listForJob('job_1')).toHaveLength(30);
    const throttled = throttledBatches(dynamo.table, 3);
    await createDynamoMigrationRunStore(throttled.table).deleteForJob('job_1');
    expect(await runs.listForJob('job_1')).toEqual([]);
    for (const id of [ids[0]!, ids[29]!]) expect((await dynamo.table.doc.send(new GetCommand({ TableName: dynamo.table.name, Key: { pk: `MIGRUN#${id}`, sk: 'RUN' } }))).Item).toBeUndefined();
  });

  it('gives up with a clear error when DynamoDB keeps items back, after backing off', async () => {
    const stuck: BatchSender = {
      send: (async (command: unknown) =>
        command instanceof BatchGetCommand ? { Responses: {}, UnprocessedKeys: command.input.RequestItems } : { UnprocessedItems: (command as BatchWriteCommand).input.RequestItems }) as BatchSender['send'],
    };
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    await expect(batchGetAll(stuck, 't', [{ pk: 'a', sk: 'b' }], {}, { maxAttempts: 4, sleep })).rejects.toThrow('DynamoDB left 1 of 1 keys unprocessed after 4 batch reads.');
    expect(waits).toHaveLength(3);
    await expect(batchWriteAll(stuck, 't', [{ DeleteRequest: { Key: { pk: 'a', sk: 'b' } } }], { maxAttempts: 2, sleep })).rejects.toThrow('DynamoDB left 1 of 1 writes unprocessed after 2 batch writes.');
  });

  it('splits large requests into DynamoDB-sized calls (100 keys, 25 writes)', async () => {
    const sizes: number[] = [];
    const counting: BatchSender = {
      send: (async (command: unknown) => {
        const [, req] = Object.entries((command as BatchGetCommand | BatchWriteCommand).input.RequestItems!)[0]!;
        sizes.push(Array.isArray(req) ? req.length : req.Keys!.length);
        return { Responses: {} };
      }) as BatchSender['send'],
    };
    await batchGetAll(counting, 't', Array.from({ length: 250 }, (_, i) => ({ pk: `k${i}`, sk: 'x' })), {}, { concurrency: 3 });
    await batchWriteAll(counting, 't', Array.from({ length: 60 }, (_, i) => ({ DeleteRequest: { Key: { pk: `k${i}`, sk: 'x' } } })));
    expect(sizes).toEqual([100, 100, 50, 25, 25, 10]);
  });
});
