/**
 * Calls `tick` every `intervalMs` while `active()` says so and the tab is visible; a hidden tab costs
 * nothing, and coming back ticks at once. Ticks never overlap. Returns the stop function (for $effect).
 * @example $effect(() => startPolling(refresh, 2500, () => anyRunning));
 */
export function startPolling(tick: () => Promise<void>, intervalMs: number, active: () => boolean = () => true): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let busy = false;

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && !document.hidden) timer = setTimeout(run, intervalMs);
  };
  const run = async () => {
    if (stopped || busy || document.hidden) return;
    if (!active()) return schedule();
    busy = true;
    try {
      await tick();
    } catch {
      // The tick reports its own errors; keep polling (the next tick may succeed).
    } finally {
      busy = false;
      schedule();
    }
  };
  const onVisibility = () => {
    if (document.hidden) clearTimeout(timer);
    else void run();
  };
  document.addEventListener('visibilitychange', onVisibility);
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
