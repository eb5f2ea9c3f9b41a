import { CreateUserInput, type CreatedUser } from '@app/shared';
import type * as z from 'zod';
import { ConflictError, ValidationError } from '../errors.ts';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';
import { assertStrongMailboxPassword } from './mailbox-password.ts';
import { checkLocalPartAllowed } from './user-rules.ts';
import type { UsersDeps } from './users-deps.ts';

type Input = z.output<typeof CreateUserInput>;

async function findDomain(deps: UsersDeps, name: string): Promise<ApiDomainInfo | undefined> {
  const cached = (await deps.cache.read()).domains?.domains.find((d) => d.name.toLowerCase() === name);
  if (cached) return cached;
  // Not in the cache: it may have been added since the last refresh, so ask PurelyMail before refusing.
  return (await deps.purelymail.listDomains({ includeShared: true })).domains.find((d) => d.name.toLowerCase() === name);
}

/**
 * Creates a mailbox.
 * 1. The domain must be on the account (cache, then PurelyMail).
 * 2. Symbols in the name are refused up front when the domain's symbolic subaddressing would refuse them.
 * 3. An address already in the cache is a duplicate (PurelyMail would refuse it too).
 * 4. A password the strength meter calls weak is refused (mailbox-password.ts).
 * 5. createUser with the local part and domain apart, the welcome email off unless asked, and recovery
 *    fields only when given (empty strings are not sent).
 * 6. Write the new address through to the cache, only after PurelyMail said yes.
 */
export const makeCreateUser =
  (deps: UsersDeps) =>
  async (input: Input): Promise<CreatedUser> => {
    const domain = await findDomain(deps, input.domain);
    if (!domain) {
      throw new ValidationError(`${input.domain} is not a domain on this PurelyMail account. Add it on the Domains page first.`, [
        { path: 'domain', message: 'is not a domain on this account' },
      ]);
    }
    checkLocalPartAllowed(input.localPart, domain);
    const address = `${input.localPart}@${input.domain}`;
    const cachedUsers = (await deps.cache.read()).users?.addresses ?? [];
    if (cachedUsers.some((a) => a.toLowerCase() === address)) {
      throw new ConflictError(`${address} already exists.`, 'user_exists');
    }
    await assertStrongMailboxPassword(input.password, 'password', address, [input.localPart, input.domain]);
    await deps.purelymail.createUser({
      userName: input.localPart,
      domainName: input.domain,
      password: input.password,
      enablePasswordReset: input.enablePasswordReset,
      enableSearchIndexing: input.enableSearchIndexing,
      sendWelcomeEmail: input.sendWelcomeEmail,
      ...(input.recoveryEmail ? { recoveryEmail: input.recoveryEmail } : {}),
    });
    await deps.cache.addUser(address).catch(() => undefined);
    return { address };
  };
