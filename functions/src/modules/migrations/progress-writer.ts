import type { RunProgress } from '@app/shared/schemas/imapsync';

/**
 * Serialises progress writes: at most one in flight; while one is in flight only the newest progress waits
 * (older ones are dropped, never queued), so a slow store never builds a backlog. runImapsync already
 * throttles to one call per 2 s.
 */
export class ProgressWriter {
  writes = 0;
  private inFlight: Promise<void> | null = null;
  private pending: RunProgress | null = null;
  private failure: unknown = null;

  constructor(private readonly write: (p: RunProgress) => Promise<void>) {}

  push(p: RunProgress): void {
    this.pending = p;
    if (!this.inFlight) this.inFlight = this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const p = this.pending;
      this.pending = null;
      try {
        this.writes++;
        await this.write(p);
      } catch (err) {
        this.failure ??= err;
      }
    }
    this.inFlight = null;
  }

  /** Waits for the last write; returns the first error seen (writes are best effort, the end state is not). */
  async flush(): Promise<unknown> {
    while (this.inFlight) await this.inFlight;
    return this.failure;
  }
}
