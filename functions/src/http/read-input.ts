import type * as z from 'zod';
import { ValidationError } from '../modules/errors.ts';
import type { AppContext } from './app-env.ts';

/** The value at a zod issue's path in the input (zod 4 leaves the input out of its issues). */
const valueAt = (data: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);

/** Turns zod issues into "field: reason" pairs a person can read; `data` tells a missing field from a wrong one. */
export function toFields(error: z.ZodError, data?: unknown): { path: string; message: string }[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.') || '(body)';
    if (i.code === 'unrecognized_keys') return { path, message: `has unknown field(s): ${i.keys.join(', ')}` };
    if (i.code === 'invalid_type' && (data === undefined ? i.input === undefined : valueAt(data, i.path) === undefined)) return { path, message: 'is required' };
    return { path, message: i.message };
  });
}

function parseWith<S extends z.ZodType>(schema: S, data: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const fields = toFields(result.error, data);
  const summary = fields.map((f) => `${f.path} ${f.message}`).join('; ');
  throw new ValidationError(`The ${what} is not valid: ${summary}.`, fields);
}

/** Reads and validates a JSON body (the size limit and content type were checked by middleware). */
export async function readJson<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let data: unknown;
  try {
    data = text.length ? JSON.parse(text) : {};
  } catch (err) {
    throw new ValidationError('The request body is not valid JSON.', [], { cause: err });
  }
  return parseWith(schema, data, 'request');
}

export function readQuery<S extends z.ZodType>(c: AppContext, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query');
}

export function readParam<S extends z.ZodType>(c: AppContext, name: string, schema: S): z.infer<S> {
  return parseWith(schema, c.req.param(name), `"${name}" in the address`);
}
