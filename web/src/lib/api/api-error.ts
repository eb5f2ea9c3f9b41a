import { ApiErrorBody } from '@app/shared';

export type FieldError = { path: string; message: string };

/** A non-2xx answer from our API, parsed from `ApiErrorBody`. `message` is the server's own words. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  readonly requestId: string | undefined;
  /** Set when the client already sent the browser to /login for this error (a 401 on a protected call). */
  redirectedToLogin = false;

  constructor(
    status: number,
    body: { code: string; message: string; fields?: FieldError[]; requestId?: string },
    options?: ErrorOptions,
  ) {
    super(body.message, options);
    this.status = status;
    this.code = body.code;
    this.fields = body.fields ?? [];
    this.requestId = body.requestId;
  }

  /** The message for one input field (e.g. `fieldError('password')`), if the server named it. */
  fieldError(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

/** Turn a failed response into an ApiError, whatever its body looks like. */
export async function apiErrorFromResponse(res: Response): Promise<ApiError> {
  let raw: unknown;
  const text = await res.text().catch(() => '');
  try {
    raw = text ? JSON.parse(text) : undefined;
  } catch {
    raw = undefined;
  }
  const parsed = ApiErrorBody.safeParse(raw);
  if (parsed.success) return new ApiError(res.status, parsed.data.error);
  return new ApiError(res.status, {
    code: `http_${res.status}`,
    message: fallbackMessage(res.status),
    requestId: res.headers.get('x-request-id') ?? undefined,
  });
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment and try again.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return `The request failed (HTTP ${status}).`;
}

/** The server answered 2xx but the body did not match the contract. */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
  constructor(path: string, options?: ErrorOptions) {
    super(`Unexpected response from the server (${path}).`, options);
  }
}

/** fetch itself failed: offline, server down, DNS. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(options?: ErrorOptions) {
    super('Could not reach the server. Check your connection and try again.', options);
  }
}
