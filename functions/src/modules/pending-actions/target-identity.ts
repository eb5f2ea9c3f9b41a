import type { PendingActionKind } from '@app/shared';
import type { CacheStore } from '../cache/ports.ts';
import type { RoutingRule } from '../purelymail/purelymail-types.ts';

/**
 * Which life of a target a pending deletion was requested for, so an executor firing after the target was
 * deleted and re-created under the same name leaves the new one alone (checklist DA-3 c).
 *
 * - Users and domains have no PurelyMail id: their identity is the time our cache first saw them in their
 *   current life (CacheStore.firstSeen: set by a sync that first lists them, reset by a panel create,
 *   dropped when a sync or a deletion sees them gone).
 * - Routing rules have ids (a re-created or edited rule gets a new one): the action targets the id, and the
 *   identity is what the rule matched, to tell "re-created" from "simply gone" when the id has vanished.
 *
 * Limit: a user or domain deleted and re-created between two of our syncs, without the panel seeing
 * either, keeps its cached first-seen time; that cannot be detected without ids from PurelyMail.
 */
export const ruleIdentity = (rule: Pick<RoutingRule, 'domainName' | 'prefix' | 'matchUser' | 'catchall'>): string =>
  `${rule.catchall ? 'catch-all ' : ''}${rule.prefix ? 'prefix' : 'exact'} ${rule.matchUser}@${rule.domainName}`.toLowerCase();

/** The identity the cache knows for a target at request time; null when it cannot tell. */
export async function identityFromCache(cache: CacheStore, kind: PendingActionKind, target: string): Promise<string | null> {
  if (kind === 'delete-user') return (await cache.firstSeen('users', target)) ?? null;
  if (kind === 'delete-domain') return (await cache.firstSeen('domains', target)) ?? null;
  const rule = (await cache.read(['rules'])).rules?.rules.find((r) => String(r.id) === target);
  return rule ? ruleIdentity(rule) : null;
}
