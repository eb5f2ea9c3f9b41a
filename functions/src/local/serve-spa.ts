import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { inlineScriptHashes, pageSecurityHeaders } from '../http/middleware/security-headers.ts';
import type { App } from '../http/app.ts';

/**
 * Wraps the API app with the built SPA: files from web/build, index.html for every other path (client-side
 * routing), page security headers, compressed as CloudFront compresses them (its CachingOptimized policy:
 * gzip or brotli). On AWS, CloudFront does this instead. API answers are not compressed, as on AWS (the
 * /api/* behaviour's CachingDisabled policy does not compress): they are answered before these middlewares.
 */
export function withSpa(api: App, buildDir: string) {
  const root = resolve(buildDir);
  const indexPath = join(root, 'index.html');
  const app = new Hono();
  app.route('/', api);
  // The script hashes come from the built index.html, read again when a rebuild changed it.
  let built: { mtimeMs: number; headers: Record<string, string> } | undefined;
  const pageHeaders = () => {
    const mtimeMs = existsSync(indexPath) ? statSync(indexPath).mtimeMs : -1;
    if (built?.mtimeMs !== mtimeMs) built = { mtimeMs, headers: pageSecurityHeaders(mtimeMs < 0 ? [] : inlineScriptHashes(readFileSync(indexPath, 'utf8'))) };
    return built.headers;
  };
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(pageHeaders())) c.res.headers.set(k, v);
  });
  // The SPA's scripts are 250 kB raw, 90 kB gzipped: on a phone's connection that is most of the first load.
  app.use('*', compress());
  // Hashed assets never change; everything else must be revalidated.
  app.use('/_app/immutable/*', async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('*', serveStatic({ root }));
  app.get('*', (c) => {
    if (!existsSync(indexPath)) return c.text('The web UI is not built. Run `npm run build:web`.', 503);
    c.header('Cache-Control', 'no-cache');
    return c.html(readFileSync(indexPath, 'utf8'));
  });
  return app;
}
