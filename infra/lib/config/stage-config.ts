import { isIP } from 'node:net';
import type { Node } from 'constructs';

/**
 * The few values an operator chooses at deploy time, read from CDK context (`cdk.json` defaults,
 * overridden with `npx cdk deploy --all -c senderEmail=ops@example.org ...`). Everything else is derived.
 */
export interface StageConfig {
  /** Prefix of every stack name, so two stages can live in one account. @default 'prod' */
  readonly stage: string;
  /** Address notification emails come from; SES must verify it (the stack creates the identity). */
  readonly senderEmail: string;
  /** Where alarm notifications go; no subscription when unset. @default - none */
  readonly alarmEmail?: string;
  /** Custom domain for the site, with `certificateArn` (an ACM certificate in us-east-1). @default - the CloudFront domain */
  readonly domainName?: string;
  /** ACM certificate (us-east-1) covering `domainName`. @default - none */
  readonly certificateArn?: string;
  /**
   * ECS Container Insights on the migrator cluster. Off by default: it bills per metric and would alone
   * exceed the idle budget; task logs and the run records in DynamoDB already cover diagnosis.
   * @default false
   */
  readonly containerInsights: boolean;
  /**
   * CPU architecture of the migration task image. `auto` (the default) takes the deploying machine's, so
   * `cdk deploy` builds the image natively; arm64 from an x86 machine needs Docker buildx with QEMU (infra/README.md).
   * @default the deployer's architecture
   */
  readonly migratorArchitecture: MigratorArchitecture;
  /** Run migration tasks on Fargate Spot (~70% cheaper; a reclaimed task ends interrupted and is retried). x86_64 only. @default false */
  readonly migratorSpot: boolean;
  /**
   * An SES identity (the sender address or its domain) that is already verified in this account and region: the
   * Data stack then creates none (creating an identity that exists fails the deploy). @default - the stack creates
   * an email identity for `senderEmail`
   */
  readonly existingSenderIdentity?: string;
  /** Further verified SES identities (addresses or domains) admins may pick as the sender in Settings. @default [] */
  readonly extraSenderIdentities: readonly string[];
  /** IMAP ports besides 143 and 993 that server profiles may use; the tasks' security group opens them. @default [] */
  readonly extraImapPorts: readonly number[];
  /**
   * Route 53 hosted zones in this account that a domain move may apply records to ("Apply to Route 53"), zone apex →
   * hosted zone id, e.g. `-c 'route53Zones={"example.com":"Z0123456789"}'`. The functions may change exactly these
   * zones; without it they get no Route 53 permission at all and admins publish the records themselves.
   * @default {} (none)
   */
  readonly route53Zones: Readonly<Record<string, string>>;
  /**
   * The public resolvers a domain move asks (the old MX's TTL, the watch until MX is PurelyMail's everywhere), as IP
   * addresses with an optional port, comma-separated. @default [] (the functions' own default: 1.1.1.1, 8.8.8.8, 9.9.9.9)
   */
  readonly dnsWatchResolvers: readonly string[];
}

export type MigratorArchitecture = 'arm64' | 'x86_64';

/** The address cdk.json ships as `senderEmail`: a deployment must replace it (SES could never verify it). */
export const PLACEHOLDER_SENDER = 'notifications@example.com';

/** Domains reserved for documentation (RFC 2606), which no mailbox can ever be at: a copied example, not a sender. */
const EXAMPLE_DOMAIN = /(^|\.)example(\.(com|net|org))?$/;

/** Ports the tasks always reach: IMAP (143 STARTTLS, 993 implicit TLS) and HTTPS (AWS APIs, the image pull). */
export const ALWAYS_OPEN_PORTS = [143, 993, 443] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** Thrown at synth time when a context value is missing or malformed; names the key and how to set it. */
export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

/**
 * Whether this synthesis may be deployed: the CLI bundles the stacks of `synth`, `deploy` and `diff`, and none for
 * `bootstrap`, `ls` or `destroy` (aws:cdk:bundling-stacks = []), which must work before the config is final.
 */
function deploying(node: Node): boolean {
  const stacks: unknown = node.tryGetContext('aws:cdk:bundling-stacks');
  return !Array.isArray(stacks) || stacks.length > 0;
}

function list(node: Node, key: string): string[] {
  return (text(node, key) ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

/** The deployer's CPU as a Fargate architecture (Node's `process.arch`: arm64, x64, …). */
export const hostArchitecture = (arch: string = process.arch): MigratorArchitecture => (arch === 'arm64' ? 'arm64' : 'x86_64');

function text(node: Node, key: string): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null) return undefined;
  const value = String(raw).trim();
  return value === '' ? undefined : value;
}

/**
 * Reads and checks the stage configuration from CDK context, failing fast with every problem named.
 * @example const config = readStageConfig(app.node);
 */
export function readStageConfig(node: Node, host: { arch?: string } = {}): StageConfig {
  const problems: string[] = [];
  const stage = text(node, 'stage') ?? 'prod';
  if (!STAGE.test(stage)) problems.push(`stage "${stage}" must be lowercase letters, digits and dashes (max 20)`);
  const senderEmail = text(node, 'senderEmail')?.toLowerCase();
  const senderDomain = senderEmail?.split('@')[1] ?? '';
  if (!senderEmail || !EMAIL.test(senderEmail)) problems.push('senderEmail must be an email address (-c senderEmail=notify@your-domain)');
  else if (deploying(node) && (senderEmail === PLACEHOLDER_SENDER || EXAMPLE_DOMAIN.test(senderDomain))) {
    problems.push(`senderEmail is ${senderEmail === PLACEHOLDER_SENDER ? "cdk.json's placeholder" : 'at a documentation-only domain'} (${senderEmail}), which SES can never verify: deploy with -c senderEmail=<an address at your domain that you can receive mail at>`);
  }
  const existingSenderIdentity = text(node, 'existingSenderIdentity')?.toLowerCase();
  if (existingSenderIdentity && senderEmail && existingSenderIdentity !== senderEmail && existingSenderIdentity !== senderDomain) {
    problems.push(`existingSenderIdentity "${existingSenderIdentity}" must be senderEmail itself or its domain (${senderDomain}): SES sends from ${senderEmail} only with one of them verified`);
  }
  const extraSenderIdentities = list(node, 'extraSenderIdentities');
  for (const id of extraSenderIdentities) if (!EMAIL.test(id) && !DOMAIN.test(id)) problems.push(`extraSenderIdentities: "${id}" is neither an email address nor a domain`);
  const alarmEmail = text(node, 'alarmEmail');
  if (alarmEmail && !EMAIL.test(alarmEmail)) problems.push(`alarmEmail "${alarmEmail}" is not an email address`);
  const domainName = text(node, 'domainName')?.toLowerCase();
  const certificateArn = text(node, 'certificateArn');
  if (domainName && !DOMAIN.test(domainName)) problems.push(`domainName "${domainName}" is not a domain name`);
  if (Boolean(domainName) !== Boolean(certificateArn)) problems.push('domainName and certificateArn go together: set both or neither');
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    problems.push('certificateArn must be an ACM certificate ARN in us-east-1 (CloudFront only reads certificates from there)');
  }
  const insights = text(node, 'containerInsights') ?? 'false';
  if (insights !== 'true' && insights !== 'false') problems.push('containerInsights must be true or false');
  const arch = text(node, 'migratorArchitecture') ?? 'auto';
  if (arch !== 'auto' && arch !== 'arm64' && arch !== 'x86_64') problems.push(`migratorArchitecture must be auto, arm64 or x86_64 (not "${arch}")`);
  const migratorArchitecture = arch === 'arm64' || arch === 'x86_64' ? arch : hostArchitecture(host.arch);
  const spot = text(node, 'migratorSpot') ?? 'false';
  if (spot !== 'true' && spot !== 'false') problems.push('migratorSpot must be true or false');
  if (spot === 'true' && migratorArchitecture === 'arm64') {
    problems.push(`migratorSpot=true needs x86_64 tasks: Fargate Spot cannot run arm64 tasks, and the migrator architecture is arm64${arch === 'auto' ? " (this machine's)" : ''}. Add -c migratorArchitecture=x86_64 or drop migratorSpot`);
  }
  const extraImapPorts = list(node, 'extraImapPorts').map(Number);
  for (const port of extraImapPorts) if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push('extraImapPorts must list port numbers (1-65535), comma-separated');
  const route53Zones = readRoute53Zones(node, problems);
  const dnsWatchResolvers = list(node, 'dnsWatchResolvers');
  for (const r of dnsWatchResolvers) if (!isIP(r.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([\d.]+):\d+$/, '$1'))) problems.push(`dnsWatchResolvers: "${r}" is not an IP address (optionally with :port)`);
  if (problems.length > 0) throw new StageConfigError(`Invalid CDK context: ${problems.join('; ')}`);
  return {
    stage,
    senderEmail: senderEmail!,
    alarmEmail,
    domainName,
    certificateArn,
    containerInsights: insights === 'true',
    migratorArchitecture,
    migratorSpot: spot === 'true',
    existingSenderIdentity,
    extraSenderIdentities,
    extraImapPorts: [...new Set(extraImapPorts)].filter((p) => p !== 143 && p !== 993).sort((a, b) => a - b),
    route53Zones,
    dnsWatchResolvers,
  };
}

/** `route53Zones`: a JSON object (a string with -c, an object in cdk.json) of zone apex → hosted zone id. */
function readRoute53Zones(node: Node, problems: string[]): Record<string, string> {
  const raw: unknown = node.tryGetContext('route53Zones');
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return {};
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`route53Zones must be a JSON object of zone → hosted zone id, e.g. -c 'route53Zones={"example.com":"Z0123456789"}'`);
      return {};
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('route53Zones must be a JSON object of zone → hosted zone id, e.g. {"example.com":"Z0123456789"}');
    return {};
  }
  const zones: Record<string, string> = {};
  for (const [zone, id] of Object.entries(value)) {
    const apex = zone.trim().replace(/\.+$/, '').toLowerCase();
    const zoneId = typeof id === 'string' ? id.trim().replace(/^\/?hostedzone\//, '') : '';
    if (!DOMAIN.test(apex)) problems.push(`route53Zones: "${zone}" is not a domain name`);
    else if (!HOSTED_ZONE_ID.test(zoneId)) problems.push(`route53Zones: the hosted zone id of ${apex} must look like Z0123456789 (the Route 53 console's "Hosted zone ID"), not ${JSON.stringify(id)}`);
    else zones[apex] = zoneId;
  }
  return zones;
}
