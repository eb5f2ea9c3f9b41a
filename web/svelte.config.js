import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// SvelteKit hashes the bootstrap script it writes, not inline scripts of app.html (the theme, set before the
// first paint): their hashes are added here, so the <meta> CSP, and the header the server and CloudFront derive
// from it (inlineScriptHashes), allow exactly them.
const template = readFileSync(new URL('./src/app.html', import.meta.url), 'utf8');
const templateScriptHashes = [...template.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
  ([, code]) => `sha256-${createHash('sha256').update(code).digest('base64')}`,
);

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    // SvelteKit writes this policy into index.html as a <meta> tag with the hash of its inline bootstrap
    // script, so no other inline script can run. The server adds frame-ancestors (not allowed in <meta>).
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', ...templateScriptHashes],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['self'],
      },
    },
  },
};
