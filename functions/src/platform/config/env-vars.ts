import * as z from 'zod';

/** The kinds of environment variable the runtimes' config objects are made of (all strings on the way in). */

const BOOL_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;
export const bool = () => z.enum(BOOL_WORDS).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Comma-separated values, trimmed, empty ones dropped. */
export const csv = () => z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Comma-separated TCP ports, e.g. "1143,2993". */
export const ports = () =>
  csv().pipe(
    z.array(
      z
        .string()
        .regex(/^\d{1,5}$/, 'must list port numbers')
        .transform(Number)
        .pipe(z.number().min(1, 'must be a port (1-65535)').max(65535, 'must be a port (1-65535)')),
    ),
  );

/** A whole number in [min, max]; `fallback` when unset. */
export const int = (min: number, max: number, fallback: number) => z.coerce.number().int('must be a whole number').min(min).max(max).default(fallback);

/** A number in [min, max]; `fallback` when unset. */
export const num = (min: number, max: number, fallback: number) => z.coerce.number().min(min).max(max).default(fallback);

/** A string of at least `min` characters. */
export const text = (min: number) => z.string().min(min);

export const logLevel = () => z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info');

/**
 * Route 53 hosted zones the panel may change, as JSON `{"example.com":"Z0123456789"}` (CDK context `route53Zones`):
 * zone apex (lower case, no trailing dot) → hosted zone id.
 */
export const route53Zones = () =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"example.com":"Z0123456789"}' });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string().transform((d) => d.trim().replace(/\.+$/, '').toLowerCase()).pipe(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain name')),
        z.string().regex(/^(\/hostedzone\/)?Z[A-Z0-9]{1,32}$/, 'must be a hosted zone id like Z0123456789'),
      ),
    );
