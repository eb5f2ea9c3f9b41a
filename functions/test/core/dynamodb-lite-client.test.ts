import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../../src/adapters/dynamodb/document-commands.ts';
import { marshall, marshallInput, unmarshall, unmarshallOutput } from '../../src/adapters/dynamodb/dynamodb-json.ts';
import { createLiteDocumentClient, signRequest } from '../../src/adapters/dynamodb/dynamodb-lite-client.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { isConditionalCheckFailed, type Table } from '../../src/adapters/dynamodb/table.ts';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

/** node:crypto as the SDK's hash interface, so @smithy/signature-v4 can sign the same request in the test. */
class NodeSha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData) {
    this.h.update(bytes(data));
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

describe('SigV4', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token/with+chars=' };
  const body = JSON.stringify({ TableName: 't', Key: { pk: { S: 'a' } } });
  const now = new Date('2026-11-21T06:07:08.123Z');

  for (const withToken of [false, true]) {
    it(`signs exactly as the SDK's SignatureV4 does${withToken ? ' (with a session token)' : ''}`, async () => {
      const creds = withToken ? credentials : { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
      const url = new URL('https://dynamodb.eu-west-1.amazonaws.com');
      const ours = signRequest({ url, region: 'eu-west-1', credentials: creds, target: 'DynamoDB_20120810.GetItem', body, now });
      const signer = new SignatureV4({ credentials: creds, region: 'eu-west-1', service: 'dynamodb', sha256: NodeSha256, applyChecksum: false });
      const signed = await signer.sign(
        { method: 'POST', protocol: 'https:', hostname: url.hostname, path: '/', query: {}, body, headers: { 'content-type': 'application/x-amz-json-1.0', host: url.host, 'x-amz-target': 'DynamoDB_20120810.GetItem' } },
        { signingDate: now },
      );
      expect(ours['x-amz-date']).toBe('20261121T060708Z');
      expect(ours.authorization).toBe(signed.headers.authorization);
      expect(ours['x-amz-security-token']).toBe(withToken ? credentials.sessionToken : undefined);
    });
  }
});

describe('marshalling (as lib-dynamodb with removeUndefinedValues)', () => {
  it('round-trips every type the stores use and drops undefined', () => {
    const item = { s: 'x', e: '', n: 1.5, i: 42, t: true, f: false, z: null, m: { a: 1, u: undefined, deep: { l: ['a', 2, undefined] } }, l: [1, 'two', { three: 3 }], ss: new Set(['a', 'b']), ns: new Set([1, 2]), b: new Uint8Array([1, 2, 3]), u: undefined };
    const wire = marshall(item);
    expect(wire).toEqual({
      s: { S: 'x' },
      e: { S: '' },
      n: { N: '1.5' },
      i: { N: '42' },
      t: { BOOL: true },
      f: { BOOL: false },
      z: { NULL: true },
      m: { M: { a: { N: '1' }, deep: { M: { l: { L: [{ S: 'a' }, { N: '2' }] } } } } },
      l: { L: [{ N: '1' }, { S: 'two' }, { M: { three: { N: '3' } } }] },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2'] },
      b: { B: 'AQID' },
    });
    const { u: _u, ...rest } = item;
    expect(unmarshall(JSON.parse(JSON.stringify(wire)))).toEqual({ ...rest, m: { a: 1, deep: { l: ['a', 2] } } });
  });

  it('refuses what DynamoDB or lib-dynamodb would refuse', () => {
    expect(() => marshall({ d: new Date() })).toThrow(/Unsupported type/);
    expect(() => marshall({ n: Number.NaN })).toThrow();
    expect(() => marshall({ n: 2 ** 60 })).toThrow(/BigInt/);
    expect(() => marshall({ s: new Set() })).toThrow(/non-empty/);
    expect(unmarshall({ big: { N: '12345678901234567890' } })).toEqual({ big: 12345678901234567890n });
  });

  it('marshalls the inputs and unmarshalls the outputs of each operation', () => {
    const batchGet = new BatchGetCommand({ RequestItems: { t: { Keys: [{ pk: 'a', sk: 'b' }], ConsistentRead: true } } });
    expect(marshallInput(batchGet.operation, batchGet.input)).toEqual({ RequestItems: { t: { Keys: [{ pk: { S: 'a' }, sk: { S: 'b' } }], ConsistentRead: true } } });
    const batchWrite = new BatchWriteCommand({ RequestItems: { t: [{ PutRequest: { Item: { pk: 'a', n: 1 } } }, { DeleteRequest: { Key: { pk: 'b' } } }] } });
    expect(marshallInput(batchWrite.operation, batchWrite.input)).toEqual({ RequestItems: { t: [{ PutRequest: { Item: { pk: { S: 'a' }, n: { N: '1' } } } }, { DeleteRequest: { Key: { pk: { S: 'b' } } } }] } });
    const query = new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'a', ':u': undefined }, ExclusiveStartKey: { pk: 'a' } });
    expect(marshallInput(query.operation, query.input)).toEqual({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } }, ExclusiveStartKey: { pk: { S: 'a' } } });
    expect(
      unmarshallOutput({
        Items: [{ pk: { S: 'a' } }],
        LastEvaluatedKey: { pk: { S: 'a' } },
        Count: 1,
        Responses: { t: [{ n: { N: '2' } }] },
        UnprocessedKeys: { t: { Keys: [{ pk: { S: 'k' } }] } },
        UnprocessedItems: { t: [{ PutRequest: { Item: { pk: { S: 'p' } } } }, { DeleteRequest: { Key: { pk: { S: 'd' } } } }] },
        Attributes: { a: { BOOL: true } },
      }),
    ).toEqual({
      Items: [{ pk: 'a' }],
      LastEvaluatedKey: { pk: 'a' },
      Count: 1,
      Responses: { t: [{ n: 2 }] },
      UnprocessedKeys: { t: { Keys: [{ pk: 'k' }] } },
      UnprocessedItems: { t: [{ PutRequest: { Item: { pk: 'p' } } }, { DeleteRequest: { Key: { pk: 'd' } } }] },
      Attributes: { a: true },
    });
  });
});

describe('the lite client against a scripted server', () => {
  let server: Server;
  let endpoint: string;
  let answers: { status: number; body: unknown; delayMs?: number }[] = [];
  let seen: { target: string; auth: string; body: unknown }[] = [];
  const read = (req: IncomingMessage) => new Promise<string>((r) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => r(s));
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void read(req).then((body) => {
        seen.push({ target: String(req.headers['x-amz-target']), auth: String(req.headers.authorization), body: JSON.parse(body) });
        const answer = answers.shift() ?? { status: 200, body: {} };
        if (answer.status === 0) return req.socket.destroy();
        setTimeout(() => {
          res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => {
    answers = [];
    seen = [];
  });

  const client = (extra: object = {}) => createLiteDocumentClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, retryBaseMs: 1, ...extra });

  it('sends the signed operation and unmarshalls the answer', async () => {
    answers = [{ status: 200, body: { Item: { pk: { S: 'a' }, n: { N: '3' } } } }];
    const doc = client();
    const out = await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }));
    doc.destroy();
    expect(out.Item).toEqual({ pk: 'a', n: 3 });
    expect(seen).toEqual([{ target: 'DynamoDB_20120810.GetItem', auth: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/), body: { TableName: 't', Key: { pk: { S: 'a' } } } }]);
  });

  it('takes credentials, region and endpoint from the environment, as on Lambda', async () => {
    const env = { AWS_REGION: 'us-east-2', AWS_ACCESS_KEY_ID: 'ENVAK', AWS_SECRET_ACCESS_KEY: 'ENVSK', AWS_SESSION_TOKEN: 'ENVTOKEN', AWS_ENDPOINT_URL_DYNAMODB: endpoint };
    const doc = createLiteDocumentClient({ env });
    await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'a' } }));
    doc.destroy();
    expect(seen[0]!.auth).toMatch(/Credential=ENVAK\/\d{8}\/us-east-2\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);
  });

  it('retries a 500, a throttle and a dropped connection, then succeeds', async () => {
    answers = [
      { status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' } },
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } },
      { status: 0, body: '' },
      { status: 200, body: { Attributes: { n: { N: '1' } } } },
    ];
    const doc = client({ maxAttempts: 4 });
    const out = await doc.send(new UpdateCommand({ TableName: 't', Key: { pk: 'a' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' }));
    doc.destroy();
    expect(out.Attributes).toEqual({ n: 1 });
    expect(seen).toHaveLength(4);
  });

  it('gives up after maxAttempts with the last error', async () => {
    answers = [1, 2, 3].map(() => ({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'rate' } }));
    const doc = client({ maxAttempts: 3 });
    await expect(doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toMatchObject({ name: 'ThrottlingException', message: 'rate', $metadata: { httpStatusCode: 400 } });
    doc.destroy();
    expect(seen).toHaveLength(3);
  });

  it('maps ConditionalCheckFailed to a named error with its item, and does not retry it', async () => {
    answers = [{ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed', Item: { pk: { S: 'a' } } } }];
    const doc = client();
    const err = await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'a' }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })).catch((e: unknown) => e);
    doc.destroy();
    expect(isConditionalCheckFailed(err)).toBe(true);
    expect(err).toMatchObject({ name: 'ConditionalCheckFailedException', message: 'The conditional request failed', Item: { pk: 'a' } });
    expect(seen).toHaveLength(1);
  });

  it('names validation errors (Message spelled either way) and does not retry them', async () => {
    answers = [{ status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', Message: 'bad key' } }];
    const doc = client();
    await expect(doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toMatchObject({ name: 'ValidationException', message: 'bad key' });
    doc.destroy();
    expect(seen).toHaveLength(1);
  });

  it('lets a request in flight finish when destroyed, and keeps no connection open after it', async () => {
    answers = [{ status: 200, body: { Item: { pk: { S: 'a' } } }, delayMs: 100 }];
    const doc = client();
    const pending = doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }));
    await new Promise((r) => setTimeout(r, 30));
    doc.destroy();
    expect((await pending).Item).toEqual({ pk: 'a' });
    await new Promise((r) => setTimeout(r, 20));
    const open = await new Promise<number>((r) => server.getConnections((_, n) => r(n)));
    expect(open).toBe(0);
  });

  it('times out a request that gets no answer', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const doc = createLiteDocumentClient({ endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, region: 'eu-west-1', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, requestTimeoutMs: 50, maxAttempts: 2, retryBaseMs: 1 });
    await expect(doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toThrow(/timed out after 50 ms/);
    doc.destroy();
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });
});

describe('the lite client against dynalite', () => {
  let dynamo: { table: Table; close(): Promise<void> };
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'lite' });
  });
  afterAll(() => dynamo.close());

  it('writes, conditionally refuses, queries with pagination and batch-reads', async () => {
    const { doc, name: TableName } = dynamo.table;
    const item = { pk: 'P', sk: 'A', gsi1pk: 'G', gsi1sk: '1', ss: new Set(['x']), m: { n: 1, skip: undefined } };
    await doc.send(new PutCommand({ TableName, Item: item }));
    await doc.send(new PutCommand({ TableName, Item: { pk: 'P', sk: 'B', gsi1pk: 'G', gsi1sk: '2' } }));
    const refused = await doc.send(new PutCommand({ TableName, Item: { pk: 'P', sk: 'A' }, ConditionExpression: 'attribute_not_exists(pk)' })).catch((e: unknown) => e);
    expect(isConditionalCheckFailed(refused)).toBe(true);
    expect((await doc.send(new GetCommand({ TableName, Key: { pk: 'P', sk: 'A' } }))).Item).toEqual({ ...item, m: { n: 1 } });
    const page = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'P' }, Limit: 1 }));
    expect(page.Items?.map((i) => i.sk)).toEqual(['A']);
    const next = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'P' }, ExclusiveStartKey: page.LastEvaluatedKey }));
    expect(next.Items?.map((i) => i.sk)).toEqual(['B']);
    const batch = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [{ pk: 'P', sk: 'A' }, { pk: 'P', sk: 'B' }] } } }));
    expect(batch.Responses?.[TableName]?.map((i) => i.sk).sort()).toEqual(['A', 'B']);
  });
});
