import { isIP } from 'node:net';
import * as z from 'zod';
import { commonVars } from './common-config.ts';
import { bool, csv, route53Zones, text } from './env-vars.ts';

/** The api and the scheduled Lambda (infra/lib/stacks/api-stack.ts sets exactly these). */
export const AwsConfig = z.object({
  ...commonVars,
  TABLE_NAME: text(3),
  APP_ORIGIN: z.url(),
  /**
   * The app secret, JSON `{ "purelymailToken": "…", "originVerify": "…" }`: the PurelyMail API token (set by ops) and
   * the value CloudFront sends as `x-origin-verify` (requests without it did not come through CloudFront).
   */
  APP_SECRET_ARN: text(1),
  /** SES v2 configuration set for notification emails (bounce and complaint tracking), optional. */
  SES_CONFIGURATION_SET: text(1).optional(),
  /**
   * The SES identities (addresses, domains) the deployment is granted to send from: the sender set in Settings must
   * be one of them or at one of them. Unset: any sender is accepted.
   */
  MAIL_FROM_IDENTITIES: csv().optional(),
  /** EventBridge Scheduler for pending actions: the group, the "scheduled" Lambda it invokes, the role it assumes, its DLQ. */
  SCHEDULER_GROUP_NAME: text(1).optional(),
  SCHEDULED_FUNCTION_ARN: text(1).optional(),
  SCHEDULER_ROLE_ARN: text(1).optional(),
  SCHEDULER_DLQ_ARN: text(1).optional(),
  /** Migrations: KMS key sealing credentials (the API may only GenerateDataKey), the SQS queue of run ids. */
  MIGRATION_KMS_KEY_ID: text(1).optional(),
  MIGRATION_QUEUE_URL: text(1).optional(),
  /** The migrator tasks' CloudWatch Logs group and awslogs stream prefix (`<prefix>/<container>`): full run logs. */
  MIGRATOR_LOG_GROUP_NAME: text(1).optional(),
  MIGRATOR_LOG_STREAM_PREFIX: text(1).default('run/migrator'),
  /** Refused on AWS: the worker refuses it in its containers too, so the API must never accept a host it can't use. */
  ALLOW_PRIVATE_IMAP_HOSTS: bool()
    .refine((v) => !v, 'must be false on AWS (private and loopback IMAP hosts are only for local runs)')
    .default(false),
  DNS_SERVERS: csv().default([]),
  /**
   * The public resolvers a domain move asks for the old MX and its TTL and watches until MX points to PurelyMail
   * everywhere (our own UDP queries): Cloudflare, Google and Quad9 unless set.
   */
  DNS_WATCH_RESOLVERS: csv()
    .pipe(z.array(z.string().refine((v) => isIP(v.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([\d.]+):\d+$/, '$1')) !== 0, 'must be IP addresses (optionally with :port)')).min(1, 'must name at least one resolver'))
    .default(['1.1.1.1', '8.8.8.8', '9.9.9.9']),
  /** Route 53 hosted zones a domain move may apply records to (infra sets it from `route53Zones`); unset: none. */
  ROUTE53_ZONES: route53Zones().optional(),
});
export type AwsConfig = z.infer<typeof AwsConfig>;
