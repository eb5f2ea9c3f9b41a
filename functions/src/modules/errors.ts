/**
 * Errors every capability may raise. Each is mapped to one HTTP status in `http/on-error.ts`; messages are
 * written for the person using the panel and never contain secrets.
 */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly fields: { path: string; message: string }[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The request conflicts with the current state (a duplicate, a stale version, a rule that forbids it). */
export class ConflictError extends Error {
  override name = 'ConflictError';
  constructor(
    message: string,
    readonly code = 'conflict',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

/**
 * A sign-in refused after a real account's password or 2FA code was checked. The answer is the same 401 as
 * for an unknown account (no enumeration); only the audit tells them apart: these get an entry each (they are
 * bounded by the account's throttle), other refused sign-ins are counted.
 */
export class SignInRefusedError extends UnauthorizedError {
  override name = 'SignInRefusedError';
}

/**
 * A sensitive action needs a password check from the last few minutes (step-up re-authentication, ASVS
 * 7.5): HTTP 401 `reauth_required`. The session itself is still valid.
 */
export class ReauthRequiredError extends Error {
  override name = 'ReauthRequiredError';
  constructor(message = 'Confirm it is you: enter your password again to do this.', options?: ErrorOptions) {
    super(message, options);
  }
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** Something is gone for good (a used setup token, a closed campaign): HTTP 410. */
export class GoneError extends Error {
  override name = 'GoneError';
}

/**
 * An item read back from the table does not have the shape this version expects (written by hand, by another
 * version, or damaged). Not fixed by trying again: HTTP 422 `stored_item_invalid` with a message that says so,
 * never an opaque 500. The log names the item and the field at fault, never a value.
 */
export class StoredItemInvalidError extends Error {
  override name = 'StoredItemInvalidError';
  constructor(readonly kind: string) {
    super(`The stored ${kind} could not be read: it is not in the shape this version of the panel expects. Nothing was changed; the server log names the item and the field at fault.`);
  }
}

export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
