import { SUBADDRESS_SYMBOLS } from '@app/shared';
import { ValidationError } from '../errors.ts';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';

export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

/**
 * PurelyMail refuses symbols (. + -) in user names on a domain with symbolic subaddressing, and always on
 * shared domains ("Symbols are not allowed in a username"). Say so before calling it, with the way out.
 */
export function checkLocalPartAllowed(localPart: string, domain: ApiDomainInfo): void {
  if (!SUBADDRESS_SYMBOLS.test(localPart)) return;
  if (!domain.symbolicSubaddressing && !domain.isShared) return;
  const why = domain.isShared
    ? `${domain.name} is a shared PurelyMail domain, which never allows them.`
    : `${domain.name} has symbolic subaddressing on (mail to ${localPart.split(SUBADDRESS_SYMBOLS)[0]}+anything@ goes to ${localPart.split(SUBADDRESS_SYMBOLS)[0]}@). Turn it off in the domain's settings, or choose a name without symbols.`;
  throw new ValidationError(`User names on ${domain.name} cannot contain . + or -: ${why}`, [
    { path: 'localPart', message: `cannot contain . + or - on ${domain.name} (symbolic subaddressing)` },
  ]);
}
