import { createHash, createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { DocumentCommand, DocumentOutputs, DocumentSender } from './document-commands.ts';
import { marshallInput, unmarshall, unmarshallOutput, type AttributeValue } from './dynamodb-json.ts';

/*
 * A dependency-free DynamoDB document client for the Lambdas: the JSON protocol (x-amz-json-1.0) signed with
 * SigV4 over node:http(s) with a keep-alive agent. Importing the SDK's DynamoDB client and document client costs
 * most of the api's cold start; this costs almost nothing. Not fetch: undici's first use costs tens of ms.
 */

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface LiteClientConfig {
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION. */
  readonly region?: string;
  /** Default: AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, then https://dynamodb.<region>.amazonaws.com. */
  readonly endpoint?: string;
  /** Default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (what Lambda sets), read per request. */
  readonly credentials?: Credentials;
  /** Tries per request, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Per attempt (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** The backoff's base delay (default 50 ms), doubled per retry with full jitter. */
  readonly retryBaseMs?: number;
  readonly env?: Record<string, string | undefined>;
  /** The connection agent (default: a keep-alive agent for the endpoint's protocol); locally, one that dials dynalite's Unix socket. */
  readonly agent?: http.Agent;
  /** Test seam: the signing time. */
  readonly now?: () => Date;
}

/** A DynamoDB error answer: `name` is the exception (e.g. ConditionalCheckFailedException), as the SDK names it. */
export class DynamoDBServiceError extends Error {
  readonly $metadata: { httpStatusCode: number };
  /** The item, when the request asked for it with ReturnValuesOnConditionCheckFailure. */
  readonly Item?: Record<string, unknown>;
  constructor(name: string, message: string, httpStatusCode: number, item?: Record<string, unknown>) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode };
    if (item) this.Item = item;
  }
}

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'Throttling', 'TooManyRequestsException']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isRetryable(err: unknown): boolean {
  if (err instanceof DynamoDBServiceError) return err.$metadata.httpStatusCode >= 500 || THROTTLING.has(err.name);
  const code = (err as { code?: string } | null)?.code;
  return code !== undefined && NETWORK.has(code);
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 headers for a DynamoDB JSON POST: host, x-amz-date, x-amz-security-token (when set) and x-amz-target are signed. */
export function signRequest(opts: { url: URL; region: string; credentials: Credentials; target: string; body: string; now: Date }): Record<string, string> {
  const amzDate = opts.now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    host: opts.url.host,
    'x-amz-date': amzDate,
    'x-amz-target': opts.target,
  };
  if (opts.credentials.sessionToken) headers['x-amz-security-token'] = opts.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = ['POST', opts.url.pathname || '/', '', ...names.map((n) => `${n}:${headers[n]!.trim()}`), '', signedHeaders, sha256Hex(opts.body)].join('\n');
  const scope = `${day}/${opts.region}/dynamodb/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${opts.credentials.secretAccessKey}`, day), opts.region), 'dynamodb'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${opts.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

function envCredentials(env: Record<string, string | undefined>): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('DynamoDB: no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as Lambda does).');
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined };
}

/** The error an answer means: the exception's name after '#' in __type, its message, and the unmarshalled Item. */
function serviceError(status: number, text: string): DynamoDBServiceError {
  let body: { __type?: string; message?: string; Message?: string; Item?: Record<string, AttributeValue> } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON (a proxy or load balancer answered): named by the status alone.
  }
  const name = body.__type?.split('#').pop() || (status >= 500 ? 'InternalServerError' : `HttpError${status}`);
  const message = body.message ?? body.Message ?? `DynamoDB answered HTTP ${status}`;
  return new DynamoDBServiceError(name, message, status, body.Item ? unmarshall(body.Item) : undefined);
}

export function createLiteDocumentClient(config: LiteClientConfig = {}): DocumentSender {
  const env = config.env ?? process.env;
  const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('DynamoDB: no region (set AWS_REGION).');
  const url = new URL(config.endpoint ?? env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL ?? `https://dynamodb.${region}.amazonaws.com`);
  const secure = url.protocol === 'https:';
  const agent = config.agent ?? (secure ? new https.Agent({ keepAlive: true, maxSockets: 50 }) : new http.Agent({ keepAlive: true, maxSockets: 50 }));
  const maxAttempts = Math.max(1, config.maxAttempts ?? 3);
  const timeoutMs = config.requestTimeoutMs ?? 10_000;
  const baseMs = config.retryBaseMs ?? 50;
  const now = config.now ?? (() => new Date());

  const post = (target: string, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      // Lambda's credentials are read per request, so a changed environment is always seen.
      const headers = signRequest({ url, region, credentials: config.credentials ?? envCredentials(env), target, body, now: now() });
      const request = (secure ? https : http).request(
        { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, path: url.pathname || '/', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`DynamoDB request timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end(body);
    });

  return {
    async send<C extends DocumentCommand>(command: C): Promise<DocumentOutputs[C['operation']]> {
      const target = `DynamoDB_20120810.${command.operation}`;
      const body = JSON.stringify(marshallInput(command.operation, command.input as Record<string, unknown>));
      for (let attempt = 1; ; attempt++) {
        try {
          const { status, text } = await post(target, body);
          if (status >= 300) throw serviceError(status, text);
          return unmarshallOutput(text ? (JSON.parse(text) as Record<string, unknown>) : {}) as DocumentOutputs[C['operation']];
        } catch (err) {
          if (attempt >= maxAttempts || !isRetryable(err)) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(5_000, baseMs * 2 ** attempt)));
        }
      }
    },
    destroy: () => {
      // Gently: idle sockets close now, busy ones once their answer is in. Killing a request in flight would
      // leave the server (dynalite in tests) working on a request whose connection is gone.
      agent.keepSocketAlive = () => false;
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    },
  };
}
