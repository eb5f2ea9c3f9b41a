/**
 * The token of a public link (`/c/#t=…`, `/h/#t=…`). It travels in the fragment, which browsers never send to a
 * server or put in a Referer, and is posted in a request body only.
 */
export function tokenFromHash(hash: string = window.location.hash): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('t') ?? '';
}
