import type { Domain, PendingAction, ScheduledDeletion } from '@app/shared';
import type { UserListMeta } from '../cache/ports.ts';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';

/** Users per domain from a user list; `capped`: the list may stop before some users, so each count is a lower bound. */
export interface UserCounts {
  byDomain: Map<string, number>;
  capped: boolean;
}

/** Users per domain, from a list of full addresses (a cached or fresh listing; no listing counts nothing, exactly). */
export function countUsersByDomain(listing: ({ addresses: readonly string[] } & Pick<UserListMeta, 'capped'>) | null | undefined): UserCounts {
  const byDomain = new Map<string, number>();
  for (const a of listing?.addresses ?? []) {
    const domain = a.slice(a.lastIndexOf('@') + 1).toLowerCase();
    byDomain.set(domain, (byDomain.get(domain) ?? 0) + 1);
  }
  return { byDomain, capped: listing?.capped ?? false };
}

/** Pending deletions of one kind, by target. */
export function pendingByTarget(actions: readonly PendingAction[], kind: PendingAction['kind']): Map<string, ScheduledDeletion> {
  return new Map(
    actions.filter((a) => a.kind === kind && a.status === 'pending').map((a) => [a.target, { id: a.id, executeAt: a.executeAt, requestedBy: a.requestedBy }]),
  );
}

export function toDomain(info: ApiDomainInfo, users: UserCounts, pending: Map<string, ScheduledDeletion>): Domain {
  const name = info.name.toLowerCase();
  return {
    name,
    allowAccountReset: info.allowAccountReset,
    symbolicSubaddressing: info.symbolicSubaddressing,
    isShared: info.isShared,
    dnsSummary: { ...info.dnsSummary },
    users: users.byDomain.get(name) ?? 0,
    usersCapped: users.capped,
    pendingDeletion: pending.get(name) ?? null,
  };
}
