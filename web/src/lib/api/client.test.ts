import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { CSRF_HEADER } from '@app/shared';
import { api, ApiError, NetworkError, ResponseShapeError, queryString, redirectsOnUnauthorized, REAUTH_CANCELLED, setReauthHandler, setUnauthorizedHandler } from './client.ts';

type Call = { url: string; init: RequestInit };
let calls: Call[] = [];

function stubFetch(res: () => Response | Promise<Response>) {
  calls = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return res();
  });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('api client requests', () => {
  it('GETs same-origin JSON without the CSRF header and validates the body', async () => {
    // Prepare
    stubFetch(() => json(200, { ok: true, extra: 1 }));
    // Act
    const out = await api.get('/api/health', z.object({ ok: z.boolean() }));
    // Assess
    expect(out).toEqual({ ok: true });
    expect(calls[0].url).toBe('/api/health');
    expect(calls[0].init.method).toBe('GET');
    expect(calls[0].init.credentials).toBe('same-origin');
    expect((calls[0].init.headers as Record<string, string>)[CSRF_HEADER]).toBeUndefined();
  });

  it('sends the CSRF header and a JSON body on every non-GET request', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    await api.post('/api/auth/logout');
    await api.put('/api/settings', { version: 1 });
    await api.del('/api/sessions/abc');
    expect(calls.map((c) => c.init.method)).toEqual(['POST', 'PUT', 'DELETE']);
    for (const c of calls) expect((c.init.headers as Record<string, string>)[CSRF_HEADER]).toBe('1');
    expect(calls[1].init.body).toBe('{"version":1}');
    expect((calls[1].init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('rejects a 2xx body that breaks the contract', async () => {
    stubFetch(() => json(200, { ok: 'yes' }));
    await expect(api.get('/api/health', z.object({ ok: z.boolean() }))).rejects.toBeInstanceOf(ResponseShapeError);
  });

  it('turns a fetch failure into NetworkError', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api.get('/api/health', z.object({}))).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('api client error parsing', () => {
  it('parses ApiErrorBody into ApiError with status, code, message, fields and requestId', async () => {
    stubFetch(() =>
      json(400, {
        error: {
          code: 'validation_failed',
          message: 'Some fields are invalid.',
          fields: [{ path: 'email', message: 'is not a valid email address' }],
          requestId: 'req-123',
        },
      }),
    );
    const err = await api.post('/api/admins', { email: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('validation_failed');
    expect(e.message).toBe('Some fields are invalid.');
    expect(e.fields).toEqual([{ path: 'email', message: 'is not a valid email address' }]);
    expect(e.fieldError('email')).toBe('is not a valid email address');
    expect(e.requestId).toBe('req-123');
  });

  it('keeps the server message for throttling', async () => {
    stubFetch(() => json(429, { error: { code: 'too_many_attempts', message: 'Too many attempts. Try again in 5 minutes.' } }));
    await expect(api.post('/api/auth/login', {})).rejects.toMatchObject({
      status: 429,
      message: 'Too many attempts. Try again in 5 minutes.',
    });
  });

  it('falls back to a readable message when the body is not ApiErrorBody', async () => {
    stubFetch(() => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'x-request-id': 'gw-1' } }));
    const e = (await api.get('/api/dashboard', z.object({})).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(502);
    expect(e.code).toBe('http_502');
    expect(e.message).toMatch(/server had a problem/);
    expect(e.fields).toEqual([]);
    expect(e.requestId).toBe('gw-1');
  });
});

describe('401 handling', () => {
  beforeEach(() => {
    vi.stubGlobal('window', { location: { pathname: '/audit', search: '?actor=a' } });
  });

  it('sends the person to login with the current path on a protected 401', async () => {
    const seen: string[] = [];
    setUnauthorizedHandler((returnTo) => seen.push(returnTo));
    stubFetch(() => json(401, { error: { code: 'unauthenticated', message: 'Please sign in.' } }));
    const e = (await api.get('/api/dashboard', z.object({})).catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(e.redirectedToLogin).toBe(true);
    expect(seen).toEqual(['/audit?actor=a']);
  });

  it('does not redirect for /api/auth/* and /api/setup*', async () => {
    const seen: string[] = [];
    setUnauthorizedHandler((returnTo) => seen.push(returnTo));
    stubFetch(() => json(401, { error: { code: 'bad_credentials', message: 'Email or password is wrong.' } }));
    const e = (await api.post('/api/auth/login', {}).catch((x: unknown) => x)) as ApiError;
    expect(e.message).toBe('Email or password is wrong.');
    expect(e.redirectedToLogin).toBe(false);
    expect(seen).toEqual([]);
    expect(redirectsOnUnauthorized('/api/setup/status')).toBe(false);
    expect(redirectsOnUnauthorized('/api/sessions')).toBe(true);
  });
});

describe('reauth_required (step-up re-authentication)', () => {
  const reauthRequired = () => json(401, { error: { code: 'reauth_required', message: 'Confirm it is you: enter your password again to do this.', requestId: 'r-1' } });
  beforeEach(() => {
    vi.stubGlobal('window', { location: { pathname: '/settings', search: '' } });
  });
  afterEach(() => setReauthHandler(undefined));

  it('asks once, then sends the same request again and returns its answer', async () => {
    // Prepare
    const answers = [reauthRequired, () => json(201, { email: 'ann@example.com' })];
    stubFetch(() => answers.shift()!());
    let asked = 0;
    setReauthHandler(async () => {
      asked++;
      return true;
    });
    const redirected: string[] = [];
    setUnauthorizedHandler((r) => redirected.push(r));
    // Act
    const out = await api.post('/api/admins', { email: 'ann@example.com' }, z.object({ email: z.string() }));
    // Assess
    expect(out).toEqual({ email: 'ann@example.com' });
    expect(asked).toBe(1);
    expect(calls.map((c) => [c.init.method, c.url, c.init.body])).toEqual([
      ['POST', '/api/admins', '{"email":"ann@example.com"}'],
      ['POST', '/api/admins', '{"email":"ann@example.com"}'],
    ]);
    expect(redirected).toEqual([]);
  });

  it('retries only once: a second reauth_required is thrown, not asked again', async () => {
    stubFetch(reauthRequired);
    let asked = 0;
    setReauthHandler(async () => {
      asked++;
      return true;
    });
    const e = (await api.del('/api/admins/ann%40example.com').catch((x: unknown) => x)) as ApiError;
    expect(asked).toBe(1);
    expect(calls).toHaveLength(2);
    expect(e.code).toBe('reauth_required');
    expect(e.redirectedToLogin).toBe(false);
  });

  it('rejects with a clear message when the person cancels, without retrying or redirecting', async () => {
    stubFetch(reauthRequired);
    setReauthHandler(async () => false);
    const redirected: string[] = [];
    setUnauthorizedHandler((r) => redirected.push(r));
    const e = (await api.del('/api/sessions').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe(REAUTH_CANCELLED);
    expect(e.message).toMatch(/Nothing was changed.*confirm it’s you/);
    expect(e.requestId).toBe('r-1');
    expect(calls).toHaveLength(1);
    expect(redirected).toEqual([]);
  });
});

describe('api.poll (conditional GET)', () => {
  it('sends the ETag it was given, bypasses the browser cache, and says unchanged on a 304', async () => {
    stubFetch(() => new Response(null, { status: 304 }));
    const out = await api.poll('/api/migrations/jobs', z.object({ jobs: z.array(z.string()) }), '"v1"');
    expect(out).toEqual({ unchanged: true, etag: '"v1"' });
    expect((calls[0].init.headers as Record<string, string>)['if-none-match']).toBe('"v1"');
    expect(calls[0].init.cache).toBe('no-store');
  });

  it('returns the checked body and the new ETag on a 200, and asks without an ETag when it has none', async () => {
    stubFetch(() => json(200, { jobs: ['a'] }, { etag: '"v2"' }));
    const out = await api.poll('/api/migrations/jobs', z.object({ jobs: z.array(z.string()) }), null);
    expect(out).toEqual({ unchanged: false, etag: '"v2"', data: { jobs: ['a'] } });
    expect((calls[0].init.headers as Record<string, string>)['if-none-match']).toBeUndefined();
  });

  it('turns an error answer into the same ApiError as every other call', async () => {
    stubFetch(() => json(404, { error: { code: 'not_found', message: 'No such job.' } }));
    await expect(api.poll('/api/migrations/jobs/x', z.object({}), null)).rejects.toMatchObject({ status: 404, message: 'No such job.' });
  });
});

describe('queryString', () => {
  it('skips empty values and encodes the rest', () => {
    expect(queryString({ a: 'x y', b: '', c: undefined, d: 0 })).toBe('?a=x+y&d=0');
    expect(queryString({})).toBe('');
  });
});

describe('first-load requests (issue 17: fast on a phone)', () => {
  it('two identical GETs at once make one request and both get the answer; a later GET asks again', async () => {
    const Shape = z.object({ n: z.number() });
    let n = 0;
    stubFetch(() => json(200, { n: ++n }));
    const [a, b] = await Promise.all([api.get('/api/dashboard', Shape), api.get('/api/dashboard', Shape)]);
    expect(a).toEqual({ n: 1 });
    expect(b).toEqual({ n: 1 });
    expect(calls).toHaveLength(1);
    expect(await api.get('/api/dashboard', Shape)).toEqual({ n: 2 });
    expect(calls).toHaveLength(2);
  });

  it('a GET started while the app booted answers the first GET of that path, once', async () => {
    const { startEarly } = await import('./early-requests.ts');
    stubFetch(() => json(200, { who: 'early' }));
    startEarly('/api/auth/me');
    expect(calls).toHaveLength(1);
    stubFetch(() => json(200, { who: 'late' }));
    const Who = z.object({ who: z.string() });
    expect(await api.get('/api/auth/me', Who)).toEqual({ who: 'early' });
    expect(calls).toHaveLength(0);
    // Taken once: the next GET is a request of its own.
    expect(await api.get('/api/auth/me', Who)).toEqual({ who: 'late' });
    expect(calls).toHaveLength(1);
  });

  it('an early answer nobody took within 10 s is not used (it may describe a session that has changed)', async () => {
    const { startEarly } = await import('./early-requests.ts');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      stubFetch(() => json(401, { code: 'unauthenticated', message: 'Sign in.' }));
      startEarly('/api/dashboard');
      vi.setSystemTime(Date.now() + 11_000);
      stubFetch(() => json(200, { n: 7 }));
      expect(await api.get('/api/dashboard', z.object({ n: z.number() }))).toEqual({ n: 7 });
      expect(calls).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('an early answer that was a refusal', () => {
  it('is asked again: a 401 from before signing in does not answer the dashboard after it', async () => {
    const { startEarly } = await import('./early-requests.ts');
    stubFetch(() => json(401, { code: 'unauthenticated', message: 'Sign in.' }));
    startEarly('/api/dashboard');
    stubFetch(() => json(200, { n: 3 }));
    expect(await api.get('/api/dashboard', z.object({ n: z.number() }))).toEqual({ n: 3 });
    expect(calls).toHaveLength(1);
  });
});
