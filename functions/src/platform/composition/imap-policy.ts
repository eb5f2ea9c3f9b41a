import { STANDARD_IMAP_PORTS, type ImapTargetPolicy } from '../../adapters/imap/ssrf-guard.ts';

/**
 * Where IMAP connections may go: any port with private hosts allowed (a local lab), else 143, 993 and the ports the
 * deployment opened besides (MIGRATION_EXTRA_IMAP_PORTS; on AWS the tasks' security group allows exactly these).
 * The api (server form, test login) and the worker (before imapsync) apply the same rule.
 */
export const imapPolicy = (allowPrivate: boolean, extraPorts: readonly number[] = []): ImapTargetPolicy => ({
  allowPrivate,
  allowedPorts: allowPrivate ? 'any' : [...new Set([...STANDARD_IMAP_PORTS, ...extraPorts])],
});
