import { CreateUserInput } from '@app/shared';
import type { CacheStore } from '../../modules/cache/ports.ts';
import type { MailboxDirectory } from '../../modules/campaigns/ports.ts';
import { NotFoundError } from '../../modules/errors.ts';
import type { Users } from '../../modules/users/users.ts';

/** The campaigns' view of PurelyMail mailboxes: the cached user list (refreshed when missing), getUser past the cap. */
export function cachedMailboxDirectory(deps: { cache: CacheStore; refreshCache: () => Promise<unknown>; users: Pick<Users, 'create' | 'get'> }): MailboxDirectory {
  const cachedUsers = async () => {
    let snapshot = await deps.cache.read(['users']);
    if (!snapshot.users) {
      await deps.refreshCache();
      snapshot = await deps.cache.read(['users']);
    }
    return { addresses: (snapshot.users?.addresses ?? []).map((a) => a.toLowerCase()), capped: snapshot.users?.capped ?? false };
  };
  return {
    async addresses() {
      return (await cachedUsers()).addresses;
    },
    async existing(candidates) {
      const { addresses, capped } = await cachedUsers();
      const listed = new Set(addresses);
      const found = new Set(candidates.filter((a) => listed.has(a)));
      if (!capped) return found;
      // Past PurelyMail's 1,000-user cap: getUser decides for each address the list does not show, 5 at a time.
      const unlisted = [...new Set(candidates.filter((a) => !listed.has(a)))];
      for (let i = 0; i < unlisted.length; i += 5) {
        await Promise.all(
          unlisted.slice(i, i + 5).map((a) =>
            deps.users.get(a).then(
              () => void found.add(a),
              (err: unknown) => {
                if (!(err instanceof NotFoundError)) throw err;
              },
            ),
          ),
        );
      }
      return found;
    },
    async create(address, password) {
      const at = address.lastIndexOf('@');
      await deps.users.create(CreateUserInput.parse({ localPart: address.slice(0, at), domain: address.slice(at + 1), password }));
    },
  };
}
