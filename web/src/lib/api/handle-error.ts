import { ApiError } from './api-error.ts';
import { toasts } from '../state/toasts.svelte.ts';

/** The message a person should read for any error thrown by the API client or our code. */
export function errorMessage(err: unknown, fallback: string): string {
  if (err instanceof ApiError) return err.message || fallback;
  if (err instanceof Error && (err.name === 'NetworkError' || err.name === 'ResponseShapeError')) return err.message;
  return fallback;
}

/**
 * The one UI error funnel: log, then toast the server's message (or `fallback`).
 * A 401 from a protected endpoint is already redirecting to /login, so it shows nothing.
 * Field errors stay on the ApiError (`err.fields`) for forms to show next to their inputs.
 */
export function handleError(err: unknown, fallback: string): void {
  if (err instanceof ApiError && err.redirectedToLogin) return;
  console.error(fallback, err);
  const detail = err instanceof ApiError && err.requestId ? `Request ID: ${err.requestId}` : undefined;
  toasts.error(errorMessage(err, fallback), detail);
}

/** Field errors keyed by path, for `<Field error={fields.email}>`. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) for (const f of err.fields) out[f.path] ??= f.message;
  return out;
}
