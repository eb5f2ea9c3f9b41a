/**
 * GET requests started while the app boots, before the code of the page that needs them has arrived:
 * on a phone the page's own chunks take a round trip or two, and the session (and the dashboard) need not
 * wait for them. hooks.client.ts starts them; the API client takes each answer once, for the same path,
 * within a few seconds (after that, or when nobody took it, the page asks again as usual).
 *
 * Imports nothing: hooks.client.ts imports it before any module that loads zod (see the note there).
 */
const FRESH_MS = 10_000;
type Early = { at: number; response: Promise<Response> };
/** Those app.html's inline script started while the page was still parsing (before any of our code loaded). */
const fromPage = (globalThis as { __pmEarly?: Record<string, Early> }).__pmEarly ?? {};
const started = new Map<string, Early>(Object.entries(fromPage));

/** Whether `GET path` was already started (by app.html's inline script) and not taken yet. */
export const startedEarly = (path: string): boolean => started.has(path);

/** Starts `GET path` now (same origin, with the session cookie), as the API client would send it. */
export function startEarly(path: string): void {
  const response = fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  // A failure is seen (and reported) by whoever takes the answer; nobody may take it.
  response.catch(() => {});
  started.set(path, { at: Date.now(), response });
}

/** The answer to an early `GET path`, once; undefined when none was started, it was taken, or it is stale. */
export function takeEarly(path: string): Promise<Response> | undefined {
  const early = started.get(path);
  started.delete(path);
  return early && Date.now() - early.at < FRESH_MS ? early.response : undefined;
}
