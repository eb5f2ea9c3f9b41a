import { untrack } from 'svelte';
import { ApiError } from '../api/api-error.ts';
import type { Polled } from '../api/client.ts';
import { errorMessage, handleError } from '../api/handle-error.ts';

/** What a fetcher returns to keep the data it has: the server answered 304 to a conditional GET. */
export const UNCHANGED: unique symbol = Symbol('unchanged');

export interface ResourceOptions<T> {
  /** Called with every new answer (not for UNCHANGED), e.g. to copy settings into an edit form. */
  onload?: (data: T) => void;
}

/** What a view needs to show where a Resource stands (DataTable takes any Resource through it). */
export interface Loadable {
  readonly data: unknown;
  readonly error: string | null;
  readonly failureTitle: string;
  load(): Promise<boolean>;
}

/**
 * The one loading helper: data a page, tab or section reads from the API, with its loading and error states.
 * `<Loaded>` and `<DataTable>` render those states, so a page only says what to fetch and what to show.
 *
 * - The first load failing sets `error` (shown in place, with Try again); the page has nothing else to show.
 * - A later load failing keeps the data on screen and sets `refreshError` (and a toast when `toast` is asked,
 *   because a person pressed a button); the next good answer clears it.
 * - Only the newest request's answer is kept: a slow answer for old filters never overwrites a newer one.
 *
 * @example
 * const users = new Resource(() => usersService.list(), 'Could not load the users.');
 * onMount(() => void users.load());
 * <Loaded resource={users} loading="Loading users…">{#snippet children(list)}…{/snippet}</Loaded>
 */
export class Resource<T> implements Loadable {
  data = $state<T | null>(null);
  /** Why the first load failed (nothing to show yet). */
  error = $state<string | null>(null);
  /** The first load failed with 404: the thing is not there (a deleted domain, a mistyped link). */
  notFound = $state(false);
  /** Why the newest reload failed while older data stays on screen. */
  refreshError = $state<string | null>(null);
  loading = $state(false);
  /** The heading for the error state: the failure message without its full stop. */
  readonly failureTitle: string;
  #seq = 0;

  constructor(
    /** `fresh`: there is nothing on screen yet, so the answer must be the data itself (never UNCHANGED). */
    private readonly fetcher: (fresh: boolean) => Promise<T | typeof UNCHANGED>,
    private readonly failure: string,
    private readonly options: ResourceOptions<T> = {},
  ) {
    this.failureTitle = failure.replace(/\.$/, '');
  }

  /**
   * Loads (again). `reset` forgets the data first (another item: show loading, not the previous one);
   * `toast` also reports a failed reload as a toast. Resolves true when this answer was applied.
   * Reads nothing reactively, so calling it from an `$effect` tracks only what the effect itself reads.
   */
  load(opts: { reset?: boolean; toast?: boolean } = {}): Promise<boolean> {
    return untrack(() => this.#load(opts));
  }

  /** Puts data the page got another way (a save's answer) in place, as if it had been loaded. */
  set(data: T): void {
    this.#seq++;
    this.data = data;
    this.error = this.refreshError = null;
    this.loading = false;
    this.options.onload?.(data);
  }

  async #load({ reset = false, toast = false }: { reset?: boolean; toast?: boolean }): Promise<boolean> {
    const mine = ++this.#seq;
    if (reset) this.data = null;
    if (this.data === null) {
      this.error = null;
      this.notFound = false;
    }
    this.loading = true;
    try {
      const next = await this.fetcher(this.data === null);
      if (mine !== this.#seq) return false;
      if (next !== UNCHANGED) {
        this.data = next;
        this.options.onload?.(next);
      }
      this.error = this.refreshError = null;
      return true;
    } catch (err) {
      if (mine !== this.#seq) return false;
      if (this.data === null) {
        this.error = errorMessage(err, this.failure);
        this.notFound = err instanceof ApiError && err.status === 404;
      } else {
        this.refreshError = errorMessage(err, this.failure);
        if (toast) handleError(err, this.failure);
      }
      return false;
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }
}

/**
 * A Resource fetcher over a conditional GET: it remembers the ETag of the last answer and says UNCHANGED on a
 * 304. `fresh` (nothing on screen yet) asks without an ETag, so the answer always carries the data.
 * @example new Resource(polled((etag) => api.poll('/api/migrations/jobs', JobList, etag)), 'Could not load the jobs.')
 */
export function polled<T>(poll: (etag: string | null) => Promise<Polled<T>>): (fresh: boolean) => Promise<T | typeof UNCHANGED> {
  let etag: string | null = null;
  return async (fresh) => {
    const res = await poll(fresh ? null : etag);
    if (res.unchanged) return UNCHANGED;
    etag = res.etag;
    return res.data;
  };
}

