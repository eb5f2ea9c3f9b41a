import type * as z from 'zod';

/** Thrown at start-up when an environment variable is missing or malformed; names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses a runtime's environment once with its zod object (one per runtime: local-config.ts, aws-config.ts,
 * dispatch-config.ts, worker-config.ts), failing fast with every bad variable named and never its value.
 * Empty strings mean "unset", as in most .env tooling.
 * @example const config = parseConfig(LocalConfig, process.env);
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // Parsed once per process: zod's per-parse `jitless` skips compiling a parser (`new Function`) it would never reuse.
  const result = schema.safeParse(cleaned, { jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(root)';
    const unset = issue.code === 'invalid_type' && issue.path.length === 1 && cleaned[String(issue.path[0])] === undefined;
    return `${name}: ${unset ? 'is required' : issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
