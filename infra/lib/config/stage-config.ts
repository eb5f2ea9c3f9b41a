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
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** Thrown at synth time when a context value is missing or malformed; names the key and how to set it. */
export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

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
export function readStageConfig(node: Node): StageConfig {
  const problems: string[] = [];
  const stage = text(node, 'stage') ?? 'prod';
  if (!STAGE.test(stage)) problems.push(`stage "${stage}" must be lowercase letters, digits and dashes (max 20)`);
  const senderEmail = text(node, 'senderEmail');
  if (!senderEmail || !EMAIL.test(senderEmail)) problems.push('senderEmail must be an email address (-c senderEmail=notify@your-domain)');
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
  if (problems.length > 0) throw new StageConfigError(`Invalid CDK context: ${problems.join('; ')}`);
  return { stage, senderEmail: senderEmail!, alarmEmail, domainName, certificateArn, containerInsights: insights === 'true' };
}
