// Zod probes `new Function("")` when a schema is defined, to decide whether to JIT its parsers. Our CSP has no
// 'unsafe-eval', so the browser refuses the probe and fires a securitypolicyviolation on every page. Zod reads
// this global when it loads; the client hooks run before any route module (and so before any schema), and
// this file imports nothing, so the setting is in place first.
const g = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
g.__zod_globalConfig = { ...g.__zod_globalConfig, jitless: true };
