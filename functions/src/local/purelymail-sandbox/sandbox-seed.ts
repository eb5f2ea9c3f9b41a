import type { RoutingRule } from '../../modules/purelymail/purelymail-types.ts';
import { computeDnsSummary } from './dns-summary.ts';
import { hashSecret } from './sandbox-context.ts';
import { normalizeDnsName, type SandboxDnsRecord } from './sandbox-dns-record.ts';
import type { SandboxState, SandboxUser } from './sandbox-state.ts';

/**
 * Deterministic demo data for a fresh sandbox (no randomness, so tests can rely on it):
 * five domains with mixed DNS health, 40 users, 7 routing rules, and one zone that is ready for
 * addDomain but not yet added.
 */

export const SEED_OWNERSHIP_CODE = 'purelymail_ownership_proof=sbx7Q2mK9vR4tW8xZ1nP5cL3';
export const SEED_CREDIT = '19.1607994830137318004587841289974404320987654320987654320987654320987598';
/** Every seeded user's password (sandbox only). */
export const SEED_USER_PASSWORD = 'correct-horse-sandbox';

export const SEED_DOMAINS = {
  /** All four checks pass. */
  healthy: 'northwind.example',
  /** All four checks pass; symbolic subaddressing off, so dotted user names exist. */
  healthyNoSymbols: 'bluefern.example',
  /** MX, SPF and DMARC fine; no DKIM CNAMEs. */
  missingDkim: 'oakridge.example',
  /** Two SPF TXT records, so SPF fails. */
  doubleSpf: 'pinecone.example',
  /** Just added: only the ownership TXT is published. */
  fresh: 'lumen.example',
} as const;

/** Publishes the ownership TXT but is not on the account: addDomain succeeds for it. */
export const SEED_PENDING_DOMAIN = 'harborview.example';

const SEED_USERS: Record<string, string[]> = {
  [SEED_DOMAINS.healthy]: ['alice', 'bob', 'carmen', 'deepak', 'elena', 'farid', 'grace', 'hiro', 'ines', 'jonas', 'kamala', 'liam', 'mei', 'noah'],
  [SEED_DOMAINS.healthyNoSymbols]: ['olivia.brooks', 'peter.quinn', 'rosa.diaz', 'samir.khan', 'tara.obrien', 'uma.patel', 'victor.hugo', 'wendy.li', 'xavier.ortiz', 'yara.haddad', 'zoe.martin', 'front-desk'],
  [SEED_DOMAINS.missingDkim]: ['accounts', 'paul', 'quinn', 'rachel', 'steve', 'tanya', 'ulrich', 'vera'],
  [SEED_DOMAINS.doubleSpf]: ['ops', 'ada', 'ben', 'cleo', 'dmitri', 'erin'],
};

export const SEED_USER_COUNT = Object.values(SEED_USERS).reduce((n, users) => n + users.length, 0);

export const SEED_RULES: RoutingRule[] = [
  { id: 1, domainName: SEED_DOMAINS.healthy, prefix: false, matchUser: 'sales', targetAddresses: ['alice@northwind.example', 'bob@northwind.example'], catchall: false },
  { id: 2, domainName: SEED_DOMAINS.healthy, prefix: true, matchUser: 'support', targetAddresses: ['grace@northwind.example', 'hiro@northwind.example'], catchall: false },
  { id: 3, domainName: SEED_DOMAINS.healthy, prefix: true, matchUser: '', targetAddresses: ['alice@northwind.example'], catchall: true },
  { id: 4, domainName: SEED_DOMAINS.healthyNoSymbols, prefix: false, matchUser: 'info', targetAddresses: ['olivia.brooks@bluefern.example', 'olivia.personal@example.net'], catchall: false },
  // Points at a user who no longer exists: deleteUser keeps rules.
  { id: 5, domainName: SEED_DOMAINS.healthyNoSymbols, prefix: false, matchUser: 'press', targetAddresses: ['sam.former@bluefern.example'], catchall: false },
  { id: 6, domainName: SEED_DOMAINS.missingDkim, prefix: false, matchUser: 'billing', targetAddresses: ['accounts@oakridge.example', 'paul@oakridge.example'], catchall: false },
  { id: 7, domainName: SEED_DOMAINS.doubleSpf, prefix: true, matchUser: '', targetAddresses: ['ops@pinecone.example'], catchall: false },
];

function fullZone(domain: string): SandboxDnsRecord[] {
  return [
    { name: domain, type: 'A', value: '192.0.2.10' },
    { name: domain, type: 'TXT', value: SEED_OWNERSHIP_CODE },
    { name: domain, type: 'TXT', value: 'v=spf1 include:_spf.purelymail.com ~all' },
    { name: domain, type: 'MX', value: 'mailserver.purelymail.com', priority: 50 },
    ...[1, 2, 3].map((i): SandboxDnsRecord => ({ name: `purelymail${i}._domainkey.${domain}`, type: 'CNAME', value: `key${i}.dkimroot.purelymail.com` })),
    { name: `_dmarc.${domain}`, type: 'CNAME', value: 'dmarcroot.purelymail.com' },
  ];
}

function seedDns(): Record<string, SandboxDnsRecord[]> {
  const d = SEED_DOMAINS;
  return {
    [d.healthy]: fullZone(d.healthy),
    [d.healthyNoSymbols]: fullZone(d.healthyNoSymbols),
    [d.missingDkim]: fullZone(d.missingDkim).filter((r) => !r.name.includes('._domainkey.')),
    [d.doubleSpf]: [...fullZone(d.doubleSpf), { name: d.doubleSpf, type: 'TXT', value: 'v=spf1 include:spf.protection.outlook.com -all' }],
    [d.fresh]: [{ name: d.fresh, type: 'TXT', value: SEED_OWNERSHIP_CODE }],
    [SEED_PENDING_DOMAIN]: [{ name: SEED_PENDING_DOMAIN, type: 'TXT', value: SEED_OWNERSHIP_CODE }],
  };
}

function seedUser(address: string, index: number, passwordHash: string): SandboxUser {
  // A few variations so lists and detail pages have something to show.
  return {
    passwordHash,
    enableSearchIndexing: index % 7 !== 3,
    recoveryEnabled: index % 5 !== 4,
    requireTwoFactorAuthentication: index % 6 === 1,
    enableSpamFiltering: true,
    resetMethods:
      index % 3 === 0
        ? [{ type: 'email', target: `${address.split('@')[0]}.recovery@example.net`, description: 'Personal email', allowMfaReset: true }]
        : index % 6 === 1
          ? [{ type: 'phone', target: `+1555010${String(index).padStart(4, '0')}`, description: 'Mobile', allowMfaReset: false }]
          : [],
    appPasswords: [],
    welcomeEmailSent: false,
  };
}

/** An account with nothing on it (for `seed: false`). */
export function emptyState(): SandboxState {
  return { version: 1, ownershipCode: SEED_OWNERSHIP_CODE, credit: '0', nextRuleId: 1, domains: {}, users: {}, rules: [], dns: {} };
}

export function seedState(): SandboxState {
  const dns = seedDns();
  const lookup = (name: string, type: SandboxDnsRecord['type']) =>
    Object.values(dns).flat().filter((r) => r.name === normalizeDnsName(name) && r.type === type);
  const state: SandboxState = { ...emptyState(), credit: SEED_CREDIT, dns, rules: SEED_RULES.map((r) => ({ ...r, targetAddresses: [...r.targetAddresses] })) };
  state.nextRuleId = SEED_RULES.length + 1;
  for (const name of Object.values(SEED_DOMAINS)) {
    state.domains[name] = {
      allowAccountReset: name !== SEED_DOMAINS.doubleSpf,
      symbolicSubaddressing: name !== SEED_DOMAINS.healthyNoSymbols,
      dnsSummary: computeDnsSummary(lookup, name),
    };
  }
  const passwordHash = hashSecret(SEED_USER_PASSWORD);
  let index = 0;
  for (const [domain, locals] of Object.entries(SEED_USERS)) {
    for (const local of locals) {
      const address = `${local}@${domain}`;
      state.users[address] = seedUser(address, index, passwordHash);
      index += 1;
    }
  }
  return state;
}
