import type { UserList } from '@app/shared';
import type { CachePart } from '../cache/ports.ts';
import type { UsersDeps } from './users-deps.ts';
import { compareNames } from '../compare-names.ts';

const USERS_PAGE: readonly CachePart[] = ['users', 'domains'];

/**
 * The users page, from the cache.
 * 1. Refresh first when asked, or when users were never synced (a first visit shows real data).
 * 2. Read the cache (addresses, when synced, whether PurelyMail's 1,000 cap was hit and how many names could
 *    not be read; the domains, for the filter and the create form) together with the pending deletions.
 * 3. The addresses come sorted from the cache (sorted once when written, not on every page load).
 */
export const makeListUsers =
  (deps: UsersDeps) =>
  async (opts: { refresh?: boolean } = {}): Promise<UserList> => {
    if (opts.refresh) await deps.refreshCache();
    // The cache and the pending deletions are independent: one round trip for both.
    const [cached, pending] = await Promise.all([deps.cache.read(USERS_PAGE), deps.pendingActions.listPending()]);
    let snapshot = cached;
    if (!snapshot.users && !opts.refresh) {
      await deps.refreshCache();
      snapshot = await deps.cache.read(USERS_PAGE);
    }
    return {
      users: snapshot.users?.addresses ?? [],
      syncedAt: snapshot.users?.syncedAt ?? null,
      capped: snapshot.users?.capped ?? false,
      unreadable: snapshot.users?.unreadable ?? 0,
      domains: (snapshot.domains?.domains ?? [])
        .map((d) => ({ name: d.name, symbolicSubaddressing: d.symbolicSubaddressing, isShared: d.isShared }))
        .sort((a, b) => compareNames(a.name, b.name)),
      pendingDeletions: pending.filter((a) => a.kind === 'delete-user'),
    };
  };
