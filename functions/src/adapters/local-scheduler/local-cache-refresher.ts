import type { Logger } from '../../platform/logger.ts';

/** How often the local runtime re-reads PurelyMail into the cache (and so notices outside changes). */
export const CACHE_REFRESH_EVERY_MS = 15 * 60_000;

/**
 * The periodic cache refresh in one process (EventBridge Scheduler does it on AWS). The first run waits one
 * interval: page loads refresh an empty cache themselves, so starting up costs no PurelyMail call.
 */
export function startCacheRefresher(deps: { refresh: () => Promise<unknown>; logger: Logger; everyMs?: number }): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deps
      .refresh()
      .catch((err: unknown) => deps.logger.warn('periodic cache refresh failed', { error: (err as Error).message }))
      .finally(() => (running = false));
  }, deps.everyMs ?? CACHE_REFRESH_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
