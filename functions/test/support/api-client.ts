import { CSRF_HEADER } from '@app/shared';

/** fetch with a one-cookie jar and the headers the SPA sends (CSRF header, same Origin, JSON). */
export class ApiClient {
  cookie: string | undefined;
  constructor(
    readonly baseUrl: string,
    readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36',
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { 'user-agent': this.userAgent, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (method !== 'GET' && method !== 'HEAD') {
      h.origin ??= this.baseUrl;
      h[CSRF_HEADER] ??= '1';
    }
    if (body !== undefined) h['content-type'] ??= 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      if (!pair?.startsWith('__Host-pm_sid=')) continue;
      const value = pair.slice('__Host-pm_sid='.length);
      this.cookie = value && !/max-age=0/i.test(c) ? pair : undefined;
    }
    return res;
  }
  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', path, body, headers);
  put = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('PUT', path, body, headers);
  patch = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('PATCH', path, body, headers);
  del = (path: string, headers?: Record<string, string>) => this.request('DELETE', path, undefined, headers);

  async json<T = unknown>(res: Response | Promise<Response>): Promise<T> {
    return (await (await res).json()) as T;
  }
  /** A second client with the same session (a copy of the cookie), e.g. an attacker replaying it. */
  clone(): ApiClient {
    const c = new ApiClient(this.baseUrl, this.userAgent);
    c.cookie = this.cookie;
    return c;
  }
}

/** A response body as tests read it: the error envelope typed, everything else left to assertions. */
export type TestBody = { error: { code: string; message: string; fields?: { path: string; message: string }[]; requestId?: string } } & Record<string, unknown>;
export const body = async (res: Response): Promise<TestBody> => (await res.json()) as TestBody;
