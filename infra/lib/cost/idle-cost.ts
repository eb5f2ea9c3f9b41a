/**
 * Monthly cost estimate of the synthesized app: what it costs at rest (no admin activity, no migration)
 * and what 100 migrations add. It reads the CloudFormation templates, so a new alarm, secret or schedule
 * shows up here without anyone remembering to update a spreadsheet.
 */

/** A CloudFormation template as synthesized (only what the estimate reads). */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/**
 * Price assumptions: us-east-1 on-demand list prices (USD), checked against the AWS pricing pages in 2026.
 * "free" is the part of the always-free tier (not the 12-month trial) that applies.
 */
export const PRICES = {
  kmsKeyMonth: { usd: 1.0, note: 'per customer-managed key; each automatic rotation adds $1/month for the first two rotations' },
  kmsPer10kRequests: { usd: 0.03, note: 'Decrypt/GenerateDataKey' },
  secretMonth: { usd: 0.4, note: 'per secret' },
  secretsPer10kCalls: { usd: 0.05, note: 'read once per cold start' },
  alarmMetricMonth: { usd: 0.1, note: 'standard resolution, per metric in the alarm', free: 10 },
  customMetricMonth: { usd: 0.3, note: 'per custom metric, prorated by the hours it receives data', free: 10 },
  logsIngestGb: { usd: 0.5, note: 'CloudWatch Logs ingestion', free: 5 },
  logsStoreGbMonth: { usd: 0.03, note: 'CloudWatch Logs storage' },
  lambdaGbSecondArm: { usd: 0.0000133334, note: 'arm64', free: 400_000 },
  lambdaPerMillionRequests: { usd: 0.2, free: 1_000_000 },
  schedulerPerMillion: { usd: 1.0, note: 'EventBridge Scheduler invocations', free: 14_000_000 },
  dynamoPerMillionWrites: { usd: 0.625, note: 'on-demand write request units' },
  dynamoPerMillionReads: { usd: 0.125, note: 'on-demand read request units' },
  dynamoStorageGbMonth: { usd: 0.25, free: 25 },
  dynamoPitrGbMonth: { usd: 0.2, note: 'continuous backups' },
  sqsPerMillionRequests: { usd: 0.4, free: 1_000_000 },
  s3StorageGbMonth: { usd: 0.023 },
  ecrStorageGbMonth: { usd: 0.1 },
  natGatewayHour: { usd: 0.045, note: 'not used: public subnets only' },
  fargateArmVcpuHour: { usd: 0.03238 },
  fargateArmGbHour: { usd: 0.00356 },
  publicIpv4Hour: { usd: 0.005, note: 'per task public IP while it runs' },
  dataOutGb: { usd: 0.09, note: 'to the internet (the destination mail server)', free: 100 },
  sesPerThousand: { usd: 0.1 },
} as const;

/** Workload assumptions the prices are multiplied by. */
export const ASSUMPTIONS = {
  /** Lambda's SQS event source keeps ~5 pollers long-polling (20 s) an empty queue. */
  idleSqsPollersPerMapping: 5,
  /** One scheduled invocation: duration, DynamoDB reads, log bytes. */
  scheduledRunSeconds: 0.5,
  scheduledRunReads: 4,
  scheduledRunLogKb: 1,
  tableGb: 0.05,
  siteGb: 0.005,
  imageGb: 0.25,
  /** Per migration run. */
  runHours: 1,
  runTaskCpu: 0.5,
  runTaskGb: 2,
  runMailboxGb: 1,
  runProgressWrites: 1800,
  runLogMb: 2,
  runKmsRequests: 2,
  runEmails: 1,
};

const HOURS_PER_MONTH = 730;
const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;

export interface CostLine {
  /** What is billed (a resource type or a workload item). */
  readonly item: string;
  readonly quantity: string;
  /** USD per month at list price. */
  readonly list: number;
  /** USD per month after the always-free tier. */
  readonly afterFreeTier: number;
}

export interface CostReport {
  readonly idle: CostLine[];
  readonly idleTotal: { list: number; afterFreeTier: number };
  readonly per100Migrations: CostLine[];
  readonly per100Total: { list: number; afterFreeTier: number };
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

function resources(templates: CfnTemplate[]): Resource[] {
  return templates.flatMap((t) => Object.values(t.Resources ?? {}));
}

/** Invocations per month of `rate(5 minutes)`, `rate(1 hour)`, … (cron and at() count as one a day). */
export function invocationsPerMonth(expression: string): number {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!rate) return 30;
  const n = Number(rate[1]);
  const minutes = rate[2]!.startsWith('minute') ? n : rate[2]!.startsWith('hour') ? n * 60 : n * 1440;
  return Math.round(MINUTES_PER_MONTH / minutes);
}

const line = (item: string, quantity: string, list: number, afterFreeTier = list): CostLine => ({ item, quantity, list, afterFreeTier });
const round = (n: number) => Math.round(n * 100) / 100;

/** Estimates the monthly cost of the templates at rest, and of 100 migrations on top. */
export function estimateCost(templates: CfnTemplate[]): CostReport {
  const all = resources(templates);
  const ofType = (type: string) => all.filter((r) => r.Type === type);
  const idle: CostLine[] = [];

  const keys = ofType('AWS::KMS::Key').length;
  idle.push(line('AWS::KMS::Key', `${keys} key(s)`, keys * PRICES.kmsKeyMonth.usd));
  const secrets = ofType('AWS::SecretsManager::Secret').length;
  idle.push(line('AWS::SecretsManager::Secret', `${secrets} secret(s)`, secrets * PRICES.secretMonth.usd));

  const alarmMetrics = ofType('AWS::CloudWatch::Alarm').reduce((n, r) => n + (Array.isArray(r.Properties?.Metrics) ? (r.Properties.Metrics as unknown[]).length : 1), 0);
  const alarmsFree = Math.max(0, alarmMetrics - PRICES.alarmMetricMonth.free);
  idle.push(line('AWS::CloudWatch::Alarm', `${alarmMetrics} alarm metric(s)`, alarmMetrics * PRICES.alarmMetricMonth.usd, alarmsFree * PRICES.alarmMetricMonth.usd));
  // A metric filter without a default value publishes only when a line matches: nothing at rest. With one,
  // it publishes every minute, so its custom metric is billed all month.
  const filters = ofType('AWS::Logs::MetricFilter');
  const alwaysOn = filters.filter((r) => ((r.Properties?.MetricTransformations as { DefaultValue?: number }[] | undefined) ?? []).some((m) => m.DefaultValue !== undefined)).length;
  idle.push(
    line(
      'AWS::Logs::MetricFilter (custom metrics)',
      `${filters.length} metric(s), ${alwaysOn} published at rest`,
      alwaysOn * PRICES.customMetricMonth.usd,
      Math.max(0, alwaysOn - PRICES.customMetricMonth.free) * PRICES.customMetricMonth.usd,
    ),
  );

  // Recurring schedules: Scheduler invocations, then the target Lambda's run, its reads and its log lines.
  let runs = 0;
  let gbSeconds = 0;
  for (const t of templates) {
    for (const r of Object.values(t.Resources ?? {}).filter((x) => x.Type === 'AWS::Scheduler::Schedule')) {
      const count = invocationsPerMonth(String(r.Properties?.ScheduleExpression ?? ''));
      const targetArn = (r.Properties?.Target as { Arn?: { 'Fn::GetAtt'?: [string, string] } } | undefined)?.Arn;
      const fnId = targetArn?.['Fn::GetAtt']?.[0];
      const memoryMb = Number((fnId && t.Resources?.[fnId]?.Properties?.MemorySize) ?? 128);
      runs += count;
      gbSeconds += count * ASSUMPTIONS.scheduledRunSeconds * (memoryMb / 1024);
    }
  }
  idle.push(line('AWS::Scheduler::Schedule', `${runs.toLocaleString('en-US')} invocations`, (runs / 1e6) * PRICES.schedulerPerMillion.usd, 0));
  idle.push(
    line(
      'AWS::Lambda::Function (scheduled runs)',
      `${Math.round(gbSeconds).toLocaleString('en-US')} GB-s`,
      gbSeconds * PRICES.lambdaGbSecondArm.usd + (runs / 1e6) * PRICES.lambdaPerMillionRequests.usd,
      0,
    ),
  );
  const reads = runs * ASSUMPTIONS.scheduledRunReads;
  const tables = ofType('AWS::DynamoDB::Table');
  const pitrTables = tables.filter((t) => (t.Properties?.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean } | undefined)?.PointInTimeRecoveryEnabled).length;
  const dynamo = (reads / 1e6) * PRICES.dynamoPerMillionReads.usd + tables.length * ASSUMPTIONS.tableGb * PRICES.dynamoStorageGbMonth.usd;
  const pitr = pitrTables * ASSUMPTIONS.tableGb * PRICES.dynamoPitrGbMonth.usd;
  idle.push(line('AWS::DynamoDB::Table', `${tables.length} table(s), ${ASSUMPTIONS.tableGb} GB, PITR on ${pitrTables}`, dynamo + pitr, (reads / 1e6) * PRICES.dynamoPerMillionReads.usd + pitr));
  const logGb = (runs * ASSUMPTIONS.scheduledRunLogKb) / 1024 / 1024;
  idle.push(line('AWS::Logs::LogGroup', `${ofType('AWS::Logs::LogGroup').length} group(s), ${logGb.toFixed(3)} GB/month`, logGb * (PRICES.logsIngestGb.usd + PRICES.logsStoreGbMonth.usd), logGb * PRICES.logsStoreGbMonth.usd));

  const sqsMappings = ofType('AWS::Lambda::EventSourceMapping').filter((r) => JSON.stringify(r.Properties?.EventSourceArn ?? '').includes('Queue')).length;
  const polls = sqsMappings * ASSUMPTIONS.idleSqsPollersPerMapping * 3 * MINUTES_PER_MONTH;
  idle.push(line('AWS::Lambda::EventSourceMapping (SQS polling)', `${polls.toLocaleString('en-US')} requests`, (polls / 1e6) * PRICES.sqsPerMillionRequests.usd, 0));

  const buckets = ofType('AWS::S3::Bucket').length;
  idle.push(line('AWS::S3::Bucket', `${buckets} bucket(s), ${ASSUMPTIONS.siteGb} GB`, ASSUMPTIONS.siteGb * PRICES.s3StorageGbMonth.usd));
  const images = ofType('AWS::ECS::TaskDefinition').length;
  idle.push(line('ECR image (CDK assets repository)', `${images} image(s), ${ASSUMPTIONS.imageGb} GB`, images * ASSUMPTIONS.imageGb * PRICES.ecrStorageGbMonth.usd));
  const nats = ofType('AWS::EC2::NatGateway').length;
  idle.push(line('AWS::EC2::NatGateway', `${nats}`, nats * HOURS_PER_MONTH * PRICES.natGatewayHour.usd));
  const insights = ofType('AWS::ECS::Cluster').some((r) => JSON.stringify(r.Properties?.ClusterSettings ?? []).includes('"enabled"'));
  if (insights) idle.push(line('Container Insights', 'enabled: per-metric charges while tasks run', 0));

  const per100: CostLine[] = [];
  const n = 100;
  const a = ASSUMPTIONS;
  per100.push(line('Fargate arm64', `${n} × ${a.runHours} h × ${a.runTaskCpu} vCPU / ${a.runTaskGb} GB`, n * a.runHours * (a.runTaskCpu * PRICES.fargateArmVcpuHour.usd + a.runTaskGb * PRICES.fargateArmGbHour.usd)));
  per100.push(line('Public IPv4 while tasks run', `${n * a.runHours} h`, n * a.runHours * PRICES.publicIpv4Hour.usd));
  const outGb = n * a.runMailboxGb;
  per100.push(line('Data transfer out (mail to the destination)', `${outGb} GB`, outGb * PRICES.dataOutGb.usd, Math.max(0, outGb - PRICES.dataOutGb.free) * PRICES.dataOutGb.usd));
  per100.push(line('DynamoDB progress writes', `${(n * a.runProgressWrites).toLocaleString('en-US')} WRU`, ((n * a.runProgressWrites) / 1e6) * PRICES.dynamoPerMillionWrites.usd));
  const runLogGb = (n * a.runLogMb) / 1024;
  per100.push(line('CloudWatch Logs (imapsync output)', `${runLogGb.toFixed(2)} GB`, runLogGb * (PRICES.logsIngestGb.usd + PRICES.logsStoreGbMonth.usd), runLogGb * PRICES.logsStoreGbMonth.usd));
  per100.push(line('KMS Decrypt', `${n * a.runKmsRequests} requests`, ((n * a.runKmsRequests) / 1e4) * PRICES.kmsPer10kRequests.usd));
  per100.push(line('SES notifications', `${n * a.runEmails} emails`, ((n * a.runEmails) / 1000) * PRICES.sesPerThousand.usd));

  const total = (lines: CostLine[]) => ({ list: round(lines.reduce((s, l) => s + l.list, 0)), afterFreeTier: round(lines.reduce((s, l) => s + l.afterFreeTier, 0)) });
  return { idle, idleTotal: total(idle), per100Migrations: per100, per100Total: total(per100) };
}

/** The report as aligned plain-text tables. */
export function formatCostReport(report: CostReport): string {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const table = (title: string, lines: CostLine[], totals: { list: number; afterFreeTier: number }) => {
    const rows = [['item', 'quantity', 'list', 'after free tier'], ...lines.map((l) => [l.item, l.quantity, usd(l.list), usd(l.afterFreeTier)]), ['TOTAL', '', usd(totals.list), usd(totals.afterFreeTier)]];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => r.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
    return [title, fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n');
  };
  const prices = Object.entries(PRICES).map(([k, p]) => `  ${k.padEnd(26)} $${p.usd}${'free' in p ? ` (free: ${p.free.toLocaleString('en-US')})` : ''}${'note' in p ? `  ${p.note}` : ''}`);
  return [
    table('Monthly cost at rest (us-east-1, USD)', report.idle, report.idleTotal),
    '',
    table('Added by 100 migrations', report.per100Migrations, report.per100Total),
    '',
    'Price assumptions (list prices; "free" = always-free tier):',
    ...prices,
    `Workload assumptions: ${JSON.stringify(ASSUMPTIONS)}`,
  ].join('\n');
}
