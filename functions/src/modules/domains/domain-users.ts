import { PURELYMAIL_USER_CAP_TEXT } from '@app/shared';
import type { UserListing } from '../users/user-listing.ts';

/** Error code: a domain deletion refused because its users cannot all be seen (listUser at its cap). */
export const DOMAIN_USERS_UNKNOWN = 'domain_users_unknown';
/** Error code: a domain deletion refused because users remain. */
export const DOMAIN_HAS_USERS = 'domain_has_users';

/** How many addresses to name; the count is always given. */
const NAMED = 5;
const cap = PURELYMAIL_USER_CAP_TEXT;

/**
 * Why a domain cannot be deleted now, in words for the admin, or null when a fresh, complete user list shows
 * none of its users. PurelyMail's deleteDomain takes every user of the domain and their mail with it, so:
 * - a user list at PurelyMail's cap (1,000 names, no pagination) cannot show that the domain is empty: refuse,
 *   and say how to get there (delete users until fewer than 1,000 are listed, or use PurelyMail's console);
 * - names PurelyMail returned that could not be read may be users of this domain: refuse, saying so;
 * - listed users refuse it with the count and the first few names.
 */
export function domainDeletionBlocker(name: string, listing: UserListing): { code: string; message: string } | null {
  const remaining = listing.addresses.filter((u) => u.toLowerCase().endsWith(`@${name}`));
  if (listing.capped) {
    const seen = remaining.length > 0 ? ` It lists ${remaining.length === 1 ? '1 user' : `${remaining.length} users`} on ${name}, and there may be more.` : '';
    return {
      code: DOMAIN_USERS_UNKNOWN,
      message:
        `${name} cannot be deleted from the panel while the account has ${cap} users or more: PurelyMail lists at most ${cap}, so the panel cannot see whether ${name} still has users.${seen} ` +
        `Deleting a domain in PurelyMail also deletes its users and all their mail. Delete users until PurelyMail lists fewer than ${cap}, then request the deletion again; or delete the domain in PurelyMail's own console, where you can see its users.`,
    };
  }
  if (listing.unreadable > 0) {
    const n = listing.unreadable === 1 ? '1 user name' : `${listing.unreadable} user names`;
    return {
      code: DOMAIN_USERS_UNKNOWN,
      message: `${name} cannot be deleted right now: PurelyMail returned ${n} the panel could not read, so it cannot tell whether ${name} still has users. Deleting a domain in PurelyMail also deletes its users and all their mail. Try again after "Refresh from PurelyMail" reads every name, or delete the domain in PurelyMail's own console.`,
    };
  }
  if (remaining.length === 0) return null;
  const named = remaining.slice(0, NAMED).join(', ') + (remaining.length > NAMED ? ` and ${remaining.length - NAMED} more` : '');
  const count = remaining.length === 1 ? '1 user' : `${remaining.length} users`;
  return {
    code: DOMAIN_HAS_USERS,
    message: `${name} still has ${count} (${named}). Delete or move ${remaining.length === 1 ? 'that user' : 'those users'} first: deleting a domain in PurelyMail also deletes its users and all their mail.`,
  };
}
