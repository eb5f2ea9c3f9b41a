import { PURELYMAIL_USER_CAP, type UserList } from '@app/shared';
import type { UsersDeps } from './users-deps.ts';

/**
 * The users page, from the cache.
 * 1. Refresh first when asked, or when users were never synced (a first visit shows real data).
 * 2. Read the cache: addresses, when synced, and whether PurelyMail's 1,000 cap was hit.
 * 3. Add the domains (for the filter and the create form) and pending deletions (for row badges).
 */
export const makeListUsers =
  (deps: UsersDeps) =>
  async (opts: { refresh?: boolean } = {}): Promise<UserList> => {
    let snapshot = await deps.cache.read();
    if (opts.refresh || !snapshot.users) {
      await deps.refreshCache();
      snapshot = await deps.cache.read();
    }
    const addresses = [...(snapshot.users?.addresses ?? [])].sort((a, b) => a.localeCompare(b));
    const pending = await deps.pendingActions.listPending();
    return {
      users: addresses,
      syncedAt: snapshot.users?.syncedAt ?? null,
      capped: addresses.length >= PURELYMAIL_USER_CAP,
      domains: (snapshot.domains?.domains ?? [])
        .map((d) => ({ name: d.name, symbolicSubaddressing: d.symbolicSubaddressing, isShared: d.isShared }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      pendingDeletions: pending.filter((a) => a.kind === 'delete-user'),
    };
  };
