/** imapsync could not be started at all (not installed, not executable). */
export class ImapsyncSpawnError extends Error {
  constructor(readonly command: string, options: { cause: unknown }) {
    super(`Cannot start ${command}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.name = 'ImapsyncSpawnError';
  }
}
