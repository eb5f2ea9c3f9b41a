import type { PendingAction } from '@app/shared';
import { ConflictError } from '../errors.ts';
import { listAllUsers } from '../users/user-listing.ts';
import { findDomain } from './domain-detail.ts';
import { domainDeletionBlocker } from './domain-users.ts';
import type { DomainsDeps } from './domains-deps.ts';

/**
 * Queues a domain deletion (it runs after the deletion delay unless cancelled).
 *
 * 1. Fresh listDomains and listUser: the cache may miss a user added elsewhere, and PurelyMail's
 *    deleteDomain would silently delete that user and all their mail.
 * 2. 404 if the domain is not on the account. 409 `domain_has_users` with the count while users remain, and
 *    409 `domain_users_unknown` while listUser is at PurelyMail's 1,000 cap (its users cannot all be seen).
 * 3. A domain the cache does not track yet (added elsewhere): store the fresh list, so the cache knows when it
 *    first saw it and the pending action records that as the life it is for.
 * 4. Request a `delete-domain` pending action (the executor checks the users again when it runs).
 */
export const makeRequestDomainDeletion = (deps: DomainsDeps) => async (name: string, requestedBy: string): Promise<PendingAction> => {
  const [{ domains, unreadable }, users] = await Promise.all([deps.purelymail.listDomains({ includeShared: false }), listAllUsers(deps.purelymail)]);
  findDomain(domains, name);
  const blocker = domainDeletionBlocker(name, users);
  if (blocker) throw new ConflictError(blocker.message, blocker.code);
  if (!(await deps.cache.firstSeen('domains', name))) await deps.cache.putDomains(domains, deps.clock.now().toISOString(), unreadable);
  return deps.pendingActions.request({ kind: 'delete-domain', target: name, label: `Delete domain ${name}`, requestedBy });
};
