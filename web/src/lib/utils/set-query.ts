import { goto } from '$app/navigation';
import { page } from '$app/state';
import { queryString } from '$lib/api/client.ts';

/**
 * Puts a page's filters or sort in its URL (`?q=al&sort=users`), empty values left out: reload, a shared link
 * and the back button keep them. Replaces the history entry and keeps focus and scroll, as typing in a filter
 * should.
 * @example setQuery({ q: filters.q, domain: filters.domain })
 */
export function setQuery(params: Record<string, string | number | undefined | null>): Promise<void> {
  // The current page's own path, already resolved: only the query changes.
  // eslint-disable-next-line svelte/no-navigation-without-resolve
  return goto(`${page.url.pathname}${queryString(params)}`, { replaceState: true, keepFocus: true, noScroll: true });
}
