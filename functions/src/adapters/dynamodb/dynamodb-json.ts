/*
 * Native values to DynamoDB JSON and back, as @aws-sdk/lib-dynamodb does with `removeUndefinedValues: true` and
 * its other defaults: undefined (and functions) are dropped from maps and lists, numbers come back as numbers
 * (as BigInt past the safe range), string/number/binary sets as Sets, binary as Uint8Array, and class instances,
 * NaN/Infinity, unsafe integers and empty sets are refused rather than silently stored.
 */

export type AttributeValue = Record<string, unknown>;
type Item = Record<string, unknown>;

const isBinary = (v: unknown): v is Uint8Array => v instanceof Uint8Array || ArrayBuffer.isView(v);
const toBase64 = (v: Uint8Array | ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function numberText(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (!Number.isFinite(n)) throw new Error(`Special numeric value ${n} is not allowed`);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new Error(`Number ${n} is outside the safe integer range. Use BigInt.`);
  return String(n);
}

export function toAttr(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
    case 'bigint':
      return { N: numberText(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      break;
    default:
      throw new Error(`Unsupported type passed: ${String(value)}`);
  }
  if (Array.isArray(value)) return { L: value.filter((v) => v !== undefined && typeof v !== 'function').map(toAttr) };
  if (isBinary(value)) return { B: toBase64(value) };
  if (value instanceof Set) return setAttr(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new Error(`Unsupported type passed: ${String(value)}. Only plain objects are stored as maps.`);
  return { M: marshall(value as Item) };
}

function setAttr(set: Set<unknown>): AttributeValue {
  const members = [...set].filter((v) => v !== undefined);
  if (members.length === 0) throw new Error('Pass a non-empty set.');
  if (members.every((v) => typeof v === 'string')) return { SS: members };
  if (members.every((v) => typeof v === 'number' || typeof v === 'bigint')) return { NS: members.map((v) => numberText(v as number | bigint)) };
  if (members.every(isBinary)) return { BS: members.map(toBase64) };
  throw new Error('Only sets of strings, numbers or binary are supported.');
}

export function marshall(item: Item): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) if (v !== undefined && typeof v !== 'function') out[k] = toAttr(v);
  return out;
}

function toNumber(text: string): number | bigint {
  const n = Number(text);
  if (Number.isFinite(n) && (n > Number.MAX_SAFE_INTEGER || n < Number.MIN_SAFE_INTEGER)) {
    try {
      return BigInt(text);
    } catch {
      throw new Error(`${text} can't be converted to BigInt.`);
    }
  }
  return n;
}

export function fromAttr(attr: AttributeValue): unknown {
  const [type, v] = Object.entries(attr)[0] ?? [];
  switch (type) {
    case 'S':
      return v as string;
    case 'N':
      return toNumber(v as string);
    case 'BOOL':
      return v as boolean;
    case 'NULL':
      return null;
    case 'B':
      return fromBase64(v as string);
    case 'M':
      return unmarshall(v as Record<string, AttributeValue>);
    case 'L':
      return (v as AttributeValue[]).map(fromAttr);
    case 'SS':
      return new Set(v as string[]);
    case 'NS':
      return new Set((v as string[]).map(toNumber));
    case 'BS':
      return new Set((v as string[]).map(fromBase64));
    default:
      throw new Error(`Unsupported DynamoDB attribute type ${String(type)}`);
  }
}

export function unmarshall(item: Record<string, AttributeValue>): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromAttr(v);
  return out;
}

type Json = Record<string, unknown>;
const mapItems = (x: unknown, f: (i: Item) => unknown) => (Array.isArray(x) ? x.map((i) => f(i as Item)) : x);
const mapValues = (x: unknown, f: (v: unknown) => unknown) => (x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, f(v)])) : x);
const at = (o: Json, key: string, f: (v: Item) => unknown) => {
  if (o[key] !== undefined) o[key] = f(o[key] as Item);
};

type Codec = (i: Item) => unknown;
const keysAndAttributes = (f: Codec) => (entry: unknown) => {
  const e = { ...(entry as Json) };
  at(e, 'Keys', (keys) => mapItems(keys, f));
  return e;
};
const writeRequests = (f: Codec) => (requests: unknown) =>
  mapItems(requests, (r) => {
    const out = { ...r };
    if (out.PutRequest) out.PutRequest = { ...(out.PutRequest as Json), Item: f((out.PutRequest as { Item: Item }).Item) };
    if (out.DeleteRequest) out.DeleteRequest = { ...(out.DeleteRequest as Json), Key: f((out.DeleteRequest as { Key: Item }).Key) };
    return out;
  });

/** The operation's input in DynamoDB JSON: the members lib-dynamodb marshalls for the commands we support. */
export function marshallInput(operation: string, input: Json): Json {
  const o = { ...input };
  for (const key of ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey']) at(o, key, marshall);
  if (operation === 'BatchGetItem') at(o, 'RequestItems', (r) => mapValues(r, keysAndAttributes(marshall)));
  if (operation === 'BatchWriteItem') at(o, 'RequestItems', (r) => mapValues(r, writeRequests(marshall)));
  return o;
}

/** The answer in native values: the members lib-dynamodb unmarshalls. */
export function unmarshallOutput(output: Json): Json {
  const o = { ...output };
  const un = (i: unknown) => unmarshall(i as Record<string, AttributeValue>);
  for (const key of ['Item', 'Attributes', 'LastEvaluatedKey']) at(o, key, un);
  at(o, 'Items', (items) => mapItems(items, un));
  at(o, 'Responses', (r) => mapValues(r, (items) => mapItems(items, un)));
  at(o, 'UnprocessedKeys', (r) => mapValues(r, keysAndAttributes(un)));
  at(o, 'UnprocessedItems', (r) => mapValues(r, writeRequests(un)));
  return o;
}
