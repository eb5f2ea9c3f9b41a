import { startEarly, startedEarly } from '$lib/api/early-requests.ts';

// Zod probes `new Function("")` when a schema is defined, to decide whether to JIT its parsers. Our CSP has no
// 'unsafe-eval', so the browser refuses the probe and fires a securitypolicyviolation on every page. Zod reads
// this global when it loads; the client hooks run before any route module (and so before any schema), and
// this file imports nothing that loads zod, so the setting is in place first.
const g = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
g.__zod_globalConfig = { ...g.__zod_globalConfig, jitless: true };

/** Pages outside the signed-in panel: they never ask for the session. */
const PUBLIC_PAGE = /^\/(login|setup|c)(\/|$)/;

/**
 * Runs once as the app starts, before the first page's code is loaded: a panel page asks for the signed-in
 * admin now rather than after its chunks arrived and rendered (one round trip less on a phone's first load),
 * and the dashboard for its figures alongside.
 */
export function init(): void {
  const path = location.pathname;
  if (PUBLIC_PAGE.test(path)) return;
  // app.html's inline script normally started them already, while the scripts downloaded; this is the
  // fallback when it could not run.
  for (const p of path === '/' ? ['/api/auth/me', '/api/dashboard'] : ['/api/auth/me']) if (!startedEarly(p)) startEarly(p);
}
