/** A value that would be unsafe or ambiguous on imapsync's command line; thrown before anything is spawned. */
export class ImapsyncArgumentError extends Error {
  constructor(readonly field: string, reason: string) {
    // Never echo the value: it may be a password.
    super(`Invalid ${field}: ${reason}`);
    this.name = 'ImapsyncArgumentError';
  }
}
