import type { MiddlewareHandler } from 'hono';

/** Headers for API responses: nothing here is ever a page, a frame or something to cache. */
export const API_SECURITY_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The inline scripts a built page may run: the `'sha256-…'` sources SvelteKit wrote into the script-src of the
 * page's <meta> CSP (its bootstrap; kit.csp mode 'hash' in web/svelte.config.js). None when there is no such tag.
 */
export function inlineScriptHashes(indexHtml: string): string[] {
  const meta = /<meta\s+http-equiv="content-security-policy"\s+content="([^"]*)"/i.exec(indexHtml)?.[1] ?? '';
  const scriptSrc = meta.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
  return scriptSrc.match(/'sha(256|384|512)-[A-Za-z0-9+/=]+'/g) ?? [];
}

/**
 * Headers for the SPA's files (served by CloudFront's response headers policy on AWS, by us locally). Scripts
 * only from the origin, plus the inline bootstrap by its hash (`inlineScriptHashes` of the built index.html);
 * no 'unsafe-inline', so an injected inline script does not run even if the <meta> CSP were lost. Browsers
 * enforce this header and the <meta> policy together.
 */
export function pageSecurityHeaders(scriptHashes: readonly string[]): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'self'; script-src ${["'self'", ...scriptHashes].join(' ')}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`,
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  };
}

export const securityHeaders =
  (headers: Record<string, string>): MiddlewareHandler =>
  async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  };
