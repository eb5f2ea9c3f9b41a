import * as z from 'zod';
import { DnsSummary, ResetMethod, RoutingRule } from '../../modules/purelymail/purelymail-types.ts';
import { SandboxDnsRecord } from './sandbox-dns-record.ts';

/** Secrets are stored only as hashes, so the state (and its file, and GET /__sandbox/state) holds none. */
export const SandboxUser = z.object({
  passwordHash: z.string(),
  enableSearchIndexing: z.boolean(),
  recoveryEnabled: z.boolean(),
  requireTwoFactorAuthentication: z.boolean(),
  enableSpamFiltering: z.boolean(),
  resetMethods: z.array(ResetMethod),
  appPasswords: z.array(z.object({ hash: z.string(), name: z.string() })),
  welcomeEmailSent: z.boolean(),
});
export type SandboxUser = z.infer<typeof SandboxUser>;

export const SandboxDomain = z.object({
  allowAccountReset: z.boolean(),
  symbolicSubaddressing: z.boolean(),
  /** As of the last DNS check (addDomain or recheckDns), not live. */
  dnsSummary: DnsSummary,
});
export type SandboxDomain = z.infer<typeof SandboxDomain>;

export const SandboxState = z.object({
  version: z.literal(1),
  /** Full TXT value, "purelymail_ownership_proof=..." (one per account). */
  ownershipCode: z.string(),
  credit: z.string(),
  nextRuleId: z.number().int().positive(),
  /** Keyed by lower-case domain name. */
  domains: z.record(z.string(), SandboxDomain),
  /** Keyed by lower-case full address. */
  users: z.record(z.string(), SandboxUser),
  rules: z.array(RoutingRule),
  /** The simulated public DNS: zone name → records in that zone. */
  dns: z.record(z.string(), z.array(SandboxDnsRecord)),
});
export type SandboxState = z.infer<typeof SandboxState>;
