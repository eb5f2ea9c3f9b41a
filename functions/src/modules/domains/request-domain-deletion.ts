import type { PendingAction } from '@app/shared';
import { ConflictError } from '../errors.ts';
import { findDomain } from './domain-detail.ts';
import type { DomainsDeps } from './domains-deps.ts';

/** How many addresses to name in the refusal; the count is always exact. */
const NAMED = 5;

/**
 * Queues a domain deletion (it runs after the deletion delay unless cancelled).
 *
 * 1. Fresh listDomains and listUser: the cache may miss a user added elsewhere, and PurelyMail's
 *    deleteDomain would silently delete that user and all their mail.
 * 2. 404 if the domain is not on the account; 409 `domain_has_users` with the count while users remain.
 * 3. A domain the cache does not track yet (added elsewhere): store the fresh list, so the cache knows when it
 *    first saw it and the pending action records that as the life it is for.
 * 4. Request a `delete-domain` pending action (the executor checks the users again when it runs).
 */
export const makeRequestDomainDeletion = (deps: DomainsDeps) => async (name: string, requestedBy: string): Promise<PendingAction> => {
  const [{ domains }, { users }] = await Promise.all([deps.purelymail.listDomains({ includeShared: false }), deps.purelymail.listUser()]);
  findDomain(domains, name);
  const remaining = users.filter((u) => u.toLowerCase().endsWith(`@${name}`));
  if (remaining.length > 0) {
    const named = remaining.slice(0, NAMED).join(', ') + (remaining.length > NAMED ? ` and ${remaining.length - NAMED} more` : '');
    const count = remaining.length === 1 ? '1 user' : `${remaining.length} users`;
    throw new ConflictError(
      `${name} still has ${count} (${named}). Delete or move ${remaining.length === 1 ? 'that user' : 'those users'} first: deleting a domain in PurelyMail also deletes its users and all their mail.`,
      'domain_has_users',
    );
  }
  if (!(await deps.cache.firstSeen('domains', name))) await deps.cache.putDomains(domains, deps.clock.now().toISOString());
  return deps.pendingActions.request({ kind: 'delete-domain', target: name, label: `Delete domain ${name}`, requestedBy });
};
