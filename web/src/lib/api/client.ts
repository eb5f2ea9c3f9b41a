/**
 * @module Typed fetch wrapper for the same-origin `/api`. Responses are checked with the shared zod
 * schemas; failures become `ApiError`. Every non-GET request carries the CSRF header.
 *
 * @example
 * const me = await api.get('/api/auth/me', Me);
 * await api.del(`/api/sessions/${encodeURIComponent(id)}`);
 */
import * as z from 'zod';
import { CSRF_HEADER, REAUTH_REQUIRED } from '@app/shared';
import { ApiError, apiErrorFromResponse, NetworkError, ResponseShapeError } from './api-error.ts';
import { takeEarly } from './early-requests.ts';

export { ApiError, NetworkError, ResponseShapeError } from './api-error.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Called on a 401 from a protected endpoint with the path to come back to after signing in.
 * The root layout swaps in SvelteKit's `goto`; this default is a plain page load.
 */
let onUnauthorized: (returnTo: string) => void = (returnTo) => {
  if (typeof window !== 'undefined') window.location.assign(loginUrlFor(returnTo));
};

export function setUnauthorizedHandler(fn: (returnTo: string) => void): void {
  onUnauthorized = fn;
}

/**
 * Called when a sensitive action answers 401 `reauth_required`: asks the person to confirm it's them
 * (the session layer mounts the dialog) and resolves true once `POST /api/auth/reauth` succeeded, false
 * when they cancelled. Without a handler the error is thrown as is.
 */
let onReauthRequired: (() => Promise<boolean>) | undefined;

export function setReauthHandler(fn: (() => Promise<boolean>) | undefined): void {
  onReauthRequired = fn;
}

/** The code and message of a request whose password check was cancelled: nothing was done. */
export const REAUTH_CANCELLED = 'reauth_cancelled';
export const REAUTH_CANCELLED_MESSAGE = 'Nothing was changed: this action needs you to confirm it’s you with your password.';

/** 401 on login, logout, me and setup is an answer, not a reason to redirect. */
export function redirectsOnUnauthorized(path: string): boolean {
  return !path.startsWith('/api/auth/') && !path.startsWith('/api/setup');
}

export function loginUrlFor(currentPath: string): string {
  return currentPath && currentPath !== '/' && !currentPath.startsWith('/login')
    ? `/login?next=${encodeURIComponent(currentPath)}`
    : '/login';
}

async function request<S extends z.ZodType | undefined>(
  method: Method,
  path: string,
  body: unknown,
  schema: S,
  retried = false,
): Promise<S extends z.ZodType ? z.output<S> : void> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';

  let res: Response;
  try {
    const send = () =>
      fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // A GET the app started while booting (hooks.client.ts) is answered by that request when it succeeded;
    // a refusal (401 before signing in, say) is asked again, as it may no longer hold.
    const early = method === 'GET' && !retried ? await takeEarly(path)?.catch(() => undefined) : undefined;
    res = early?.ok ? early : await send();
  } catch (cause) {
    throw new NetworkError({ cause });
  }

  if (!res.ok) {
    const err = await apiErrorFromResponse(res);
    // Step-up re-authentication: confirm, then send the same request once more (never twice).
    if (res.status === 401 && err.code === REAUTH_REQUIRED && onReauthRequired && !retried) {
      if (await onReauthRequired()) return request(method, path, body, schema, true);
      throw new ApiError(401, { code: REAUTH_CANCELLED, message: REAUTH_CANCELLED_MESSAGE, requestId: err.requestId });
    }
    // reauth_required is not a signed-out session: never a reason to leave the page.
    if (res.status === 401 && err.code !== REAUTH_REQUIRED && redirectsOnUnauthorized(path) && typeof window !== 'undefined') {
      err.redirectedToLogin = true;
      onUnauthorized(window.location.pathname + window.location.search);
    }
    throw err;
  }

  if (!schema) return undefined as S extends z.ZodType ? z.output<S> : void;
  let json: unknown;
  try {
    json = res.status === 204 ? undefined : await res.json();
  } catch (cause) {
    throw new ResponseShapeError(path, { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ResponseShapeError(path, { cause: parsed.error });
  return parsed.data as S extends z.ZodType ? z.output<S> : void;
}

/** A conditional GET's answer: `unchanged` when the server said 304 (nothing parsed, nothing re-rendered). */
export type Polled<T> = { unchanged: true; etag: string | null } | { unchanged: false; etag: string | null; data: T };

/**
 * GET with `If-None-Match`, for polling: an unchanged resource costs a 304 with no body.
 * Errors become the same ApiError as everywhere; a 401 is re-asked through the client so it sends the person to login.
 */
async function poll<S extends z.ZodType>(path: string, schema: S, etag: string | null): Promise<Polled<z.output<S>>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (etag) headers['if-none-match'] = etag;
  let res: Response;
  try {
    // no-store: the browser must not answer a 304 from its own cache; we compare ETags ourselves.
    res = await fetch(path, { headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (cause) {
    throw new NetworkError({ cause });
  }
  if (res.status === 304) return { unchanged: true, etag };
  if (res.status === 401) return { unchanged: false, etag: null, data: (await request('GET', path, undefined, schema)) as z.output<S> };
  if (!res.ok) throw await apiErrorFromResponse(res);
  const parsed = schema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new ResponseShapeError(path, { cause: parsed.error });
  return { unchanged: false, etag: res.headers.get('etag'), data: parsed.data };
}

/** GETs on their way, by path: a second identical GET meanwhile shares the first one's answer. */
const inflight = new Map<string, { schema: z.ZodType; answer: Promise<unknown> }>();

/** GET: two parts of a page asking for the same thing at once (the nav badge and the dashboard) make one request. */
function get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  const same = inflight.get(path);
  if (same?.schema === schema) return same.answer as Promise<z.output<S>>;
  const answer = request('GET', path, undefined, schema).finally(() => {
    if (inflight.get(path)?.answer === answer) inflight.delete(path);
  }) as Promise<z.output<S>>;
  inflight.set(path, { schema, answer });
  return answer;
}

export const api = {
  get,
  post: <S extends z.ZodType | undefined = undefined>(path: string, body?: unknown, schema?: S) =>
    request('POST', path, body, schema as S),
  put: <S extends z.ZodType | undefined = undefined>(path: string, body?: unknown, schema?: S) =>
    request('PUT', path, body, schema as S),
  patch: <S extends z.ZodType | undefined = undefined>(path: string, body?: unknown, schema?: S) =>
    request('PATCH', path, body, schema as S),
  del: <S extends z.ZodType | undefined = undefined>(path: string, schema?: S) =>
    request('DELETE', path, undefined, schema as S),
  /** GET with If-None-Match, for polling: `unchanged` on a 304 (nothing parsed, nothing re-rendered). */
  poll,
};

/** Build `?a=1&b=2` from an object, skipping empty values. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}
