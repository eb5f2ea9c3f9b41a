import type { Domain, PendingAction, ScheduledDeletion } from '@app/shared';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';

/** Users per domain, from a list of full addresses. */
export function countUsersByDomain(addresses: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of addresses) {
    const domain = a.slice(a.lastIndexOf('@') + 1).toLowerCase();
    counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  return counts;
}

/** Pending deletions of one kind, by target. */
export function pendingByTarget(actions: readonly PendingAction[], kind: PendingAction['kind']): Map<string, ScheduledDeletion> {
  return new Map(
    actions.filter((a) => a.kind === kind && a.status === 'pending').map((a) => [a.target, { id: a.id, executeAt: a.executeAt, requestedBy: a.requestedBy }]),
  );
}

export function toDomain(info: ApiDomainInfo, users: Map<string, number>, pending: Map<string, ScheduledDeletion>): Domain {
  const name = info.name.toLowerCase();
  return {
    name,
    allowAccountReset: info.allowAccountReset,
    symbolicSubaddressing: info.symbolicSubaddressing,
    isShared: info.isShared,
    dnsSummary: { ...info.dnsSummary },
    users: users.get(name) ?? 0,
    pendingDeletion: pending.get(name) ?? null,
  };
}
