import { TooManyRequestsError } from '../errors.ts';

export const BUSY_MESSAGE = 'The server is busy checking other sign-ins. Try again in a few seconds.';

/**
 * Runs at most `concurrency` jobs at once and lets at most `maxWaiting` more wait their turn (first come,
 * first served); anything beyond is refused at once with a 429. For CPU- and memory-heavy work on the shared
 * libuv thread pool (scrypt at N=2^17 takes 128 MiB and one pool thread for a few hundred ms): unbounded, a
 * burst of sign-ins filled the pool and stalled every file and database operation of the local server.
 */
export function makeWorkLimiter(opts: { concurrency: number; maxWaiting: number; retryAfterSeconds?: number }) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    running--;
    waiting.shift()?.();
  };
  return {
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (running >= opts.concurrency) {
        if (waiting.length >= opts.maxWaiting) throw new TooManyRequestsError(BUSY_MESSAGE, opts.retryAfterSeconds ?? 5);
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      running++;
      try {
        return await job();
      } finally {
        next();
      }
    },
    /** Jobs running and waiting now. */
    load: () => ({ running, waiting: waiting.length }),
  };
}
