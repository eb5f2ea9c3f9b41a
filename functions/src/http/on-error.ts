import { REAUTH_REQUIRED, type ApiErrorBody } from '@app/shared';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DnsProviderError } from '../modules/dns-cutover/errors.ts';
import { ConflictError, ForbiddenError, GoneError, NotFoundError, ReauthRequiredError, StoredItemInvalidError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../modules/errors.ts';
import { PurelyMailApiError, PurelyMailRequestInvalidError, PurelyMailUnavailableError, PurelyMailWriteUnconfirmedError } from '../modules/purelymail/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { DnsCutoverUnavailableError } from '../modules/domain-moves/domain-moves.ts';
import type { AppContext } from './app-env.ts';

type Mapped = { status: ContentfulStatusCode; code: string; message: string; fields?: { path: string; message: string }[] };

/** The one place where errors become HTTP responses. Unknown errors give a generic 500 with the request id. */
export function mapError(err: unknown): Mapped | undefined {
  if (err instanceof ValidationError) return { status: 400, code: 'invalid_input', message: err.message, fields: err.fields };
  if (err instanceof UnauthorizedError) return { status: 401, code: 'unauthorized', message: err.message };
  if (err instanceof ReauthRequiredError) return { status: 401, code: REAUTH_REQUIRED, message: err.message };
  if (err instanceof ForbiddenError) return { status: 403, code: 'forbidden', message: err.message };
  if (err instanceof NotFoundError) return { status: 404, code: 'not_found', message: err.message };
  if (err instanceof ConflictError) return { status: 409, code: err.code, message: err.message };
  if (err instanceof GoneError) return { status: 410, code: 'gone', message: err.message };
  if (err instanceof TooManyRequestsError) return { status: 429, code: 'too_many_requests', message: err.message };
  // A damaged or foreign item in the table: said plainly, not as a crash. Not 409: the SPA takes 409 for "someone
  // else changed it" and reloads, which would read the same item again.
  if (err instanceof StoredItemInvalidError) return { status: 422, code: 'stored_item_invalid', message: err.message };
  if (err instanceof PurelyMailApiError) return { status: 422, code: `purelymail_${err.code}`, message: `PurelyMail refused: ${err.message}` };
  // Our own checks stopped a request PurelyMail would have silently ignored or refused: nothing was sent.
  if (err instanceof PurelyMailRequestInvalidError) {
    return { status: 400, code: 'invalid_input', message: `These values are not accepted by PurelyMail: ${err.fields.join(', ')}.`, fields: err.fields.map((path) => ({ path, message: 'is not accepted by PurelyMail' })) };
  }
  // A write whose answer was lost, checked afterwards: the message says whether it took effect.
  if (err instanceof PurelyMailWriteUnconfirmedError) {
    return { status: 503, code: err.outcome === 'not-done' ? 'purelymail_write_not_done' : 'purelymail_write_unknown', message: err.message };
  }
  if (err instanceof DnsCutoverUnavailableError) return { status: 503, code: 'dns_cutover_unavailable', message: err.message };
  if (err instanceof PurelyMailUnavailableError) {
    return { status: 503, code: 'purelymail_unavailable', message: 'PurelyMail is not reachable right now. Nothing was changed; try again in a minute.' };
  }
  // Route 53 (or the sandbox's DNS) refused or could not be reached: nothing was changed, the message says what to do.
  if (err instanceof DnsProviderError) return { status: 502, code: 'dns_provider_failed', message: err.message };
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = status === 413 ? 'The request is too large.' : err.message || 'The request was refused.';
    return { status, code: status === 413 ? 'too_large' : 'http_error', message };
  }
  return undefined;
}

export const makeOnError = (logger: Logger) => (err: unknown, c: AppContext) => {
  const requestId = c.get('requestId');
  const mapped = mapError(err);
  if (!mapped) {
    logger.error('unhandled error', { requestId, path: c.req.path, method: c.req.method, error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
  } else if (mapped.status >= 500 || err instanceof StoredItemInvalidError) {
    // A damaged item is the table's problem, not the request's: logged with the request (the store logged the item).
    logger.warn('request failed', { requestId, path: c.req.path, code: mapped.code });
  }
  const m = mapped ?? { status: 500 as const, code: 'internal', message: 'Something went wrong on our side. The request id below helps us find out what.' };
  if (err instanceof TooManyRequestsError) c.header('Retry-After', String(err.retryAfterSeconds));
  const body: ApiErrorBody = { error: { code: m.code, message: m.message, ...(m.fields?.length ? { fields: m.fields } : {}), requestId } };
  return c.json(body, m.status);
};
