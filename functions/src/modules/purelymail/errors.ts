import type { PurelyMailOperation } from './purelymail-types.ts';

/**
 * PurelyMail answered with a `type:"error"` envelope (usually with HTTP 200).
 * `message` is PurelyMail's own text (e.g. "Domain already exists"), shown to admins as is;
 * `code` is its machine code (e.g. "ruleAlreadyExists"). Neither ever contains the API token.
 */
export class PurelyMailApiError extends Error {
  override readonly name = 'PurelyMailApiError';
  constructor(
    readonly operation: PurelyMailOperation,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message || code, options);
  }
}

/**
 * Why PurelyMail could not be used:
 * - network: connection refused or reset, DNS failure
 * - timeout: no complete answer within the client's timeout
 * - http: a non-2xx status without an error envelope (5xx, 429, 404, Cloudflare 530, ...)
 * - protocol: a 2xx answer that is not the documented envelope (not JSON, wrong shape)
 */
export type PurelyMailUnavailableReason = 'network' | 'timeout' | 'http' | 'protocol';

/** PurelyMail could not be reached or did not speak the protocol. Never contains the token or request body. */
export class PurelyMailUnavailableError extends Error {
  override readonly name = 'PurelyMailUnavailableError';
  constructor(
    readonly operation: PurelyMailOperation,
    readonly reason: PurelyMailUnavailableReason,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`PurelyMail ${operation} unavailable: ${reason}${status === undefined ? '' : ` (HTTP ${status})`}`, options);
  }
}

/**
 * The deployment has no PurelyMail token yet (on AWS: the app secret still holds the placeholder). It fails like
 * an outage (503) for requests; health answers "not configured" and scheduled jobs skip instead of retrying into
 * the dead-letter queue. The message is the fix, for the log and signed-in admins, never for anonymous callers.
 */
export class PurelyMailNotConfiguredError extends PurelyMailUnavailableError {}

/**
 * A request did not match the operation's schema, so it was not sent. This is a programming error:
 * callers validate user input before reaching the client. Only field paths are reported, never values.
 */
export class PurelyMailRequestInvalidError extends Error {
  override readonly name = 'PurelyMailRequestInvalidError';
  constructor(
    readonly operation: PurelyMailOperation,
    readonly fields: string[],
    options?: ErrorOptions,
  ) {
    super(`PurelyMail ${operation} request invalid: ${fields.join(', ') || '(root)'}`, options);
  }
}

/**
 * A write whose answer never came (a timeout, a broken connection, an error page) was checked afterwards:
 * `not-done` when PurelyMail shows it did not take effect, `unknown` when that check could not be made either.
 * Writes are never retried blindly (PurelyMail has no idempotency keys); the admin decides, told what happened.
 */
export class PurelyMailWriteUnconfirmedError extends Error {
  override readonly name = 'PurelyMailWriteUnconfirmedError';
  constructor(
    message: string,
    readonly outcome: 'not-done' | 'unknown',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** How a lost answer is described to the admin, e.g. "PurelyMail did not answer in time". */
export function lostAnswer(err: PurelyMailUnavailableError): string {
  if (err.reason === 'timeout') return 'PurelyMail did not answer in time';
  if (err.reason === 'http') return `PurelyMail answered with an error (HTTP ${String(err.status)}) instead of a result`;
  if (err.reason === 'protocol') return "PurelyMail's answer could not be read";
  return 'The connection to PurelyMail broke before it answered';
}
