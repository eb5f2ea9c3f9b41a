import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateCost, formatCostReport, type CfnTemplate } from '../lib/cost/idle-cost.ts';
import { buildTestApp } from './support/synth-app.ts';

type Report = { pluginReports: { violations: { ruleName: string; severity: string }[] }[] };
const report = (outdir: string): Report | undefined => {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : undefined;
};

/** Every AwsSolutions acknowledgement recorded in the construct tree: the rule id, the reason, where. */
function acknowledgements(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.startsWith('AwsSolutions::'))
      .map(([id, reason]) => ({ id: id.replace(/^AwsSolutions::/, ''), reason, path: c.node.path })),
  );
}

describe('cdk-nag AwsSolutions on the whole app', () => {
  let templates: CfnTemplate[];
  let acks: ReturnType<typeof acknowledgements>;
  let outdir: string;

  beforeAll(() => {
    const built = buildTestApp({ nag: true });
    outdir = built.outdir;
    let thrown: unknown;
    try {
      templates = built.app.synth().stacks.map((s) => s.template as CfnTemplate);
    } catch (err) {
      thrown = err;
    }
    const errors = report(outdir)?.pluginReports.flatMap((p) => p.violations).filter((v) => v.severity === 'error') ?? [];
    if (thrown) throw new Error(`synth failed: ${String(thrown)}; unacknowledged: ${errors.map((e) => e.ruleName).join(', ')}`);
    acks = acknowledgements(built.app);
  });

  it('synthesizes with no unacknowledged error', () => {
    const violations = report(outdir)?.pluginReports.flatMap((p) => p.violations) ?? [];
    expect(violations.filter((v) => v.severity === 'error')).toEqual([]);
    expect(templates).toHaveLength(4);
  });

  it('gives every acknowledgement a specific reason, and IAM5 ones a granular finding id', () => {
    expect(acks.length).toBeGreaterThan(10);
    for (const a of acks) {
      expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThanOrEqual(60);
      if (a.id.includes('IAM5')) expect(a.id, a.path).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
    }
  });

  it('acknowledges exactly the expected set of rules (a new finding needs review)', () => {
    const rules = [...new Set(acks.map((a) => a.id.replace(/\[.*$/, '')))].sort();
    expect(rules).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
        'AwsSolutions-ECS2',
        'AwsSolutions-ECS4',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-L1',
        'AwsSolutions-S1',
        'AwsSolutions-SMG4',
        'AwsSolutions-SNS2',
      ].sort(),
    );
    // SMG4 (no automatic rotation) once, on the one app secret.
    expect(acks.filter((a) => a.id === 'AwsSolutions-SMG4').map((a) => a.path)).toEqual([expect.stringMatching(/\/AppSecret$/)]);
    // IAM4 and L1 only for the deployment helper that aws-cdk-lib generates, never for our functions.
    for (const a of acks.filter((x) => /IAM4|L1/.test(x.id))) expect(a.path).toContain('CDKBucketDeployment');
  });

  it('gives every log group an explicit retention', () => {
    const groups = templates.flatMap((t) => Object.values(t.Resources ?? {}).filter((r) => r.Type === 'AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const g of groups) expect(g.Properties?.RetentionInDays).toBeGreaterThan(0);
  });

  it('estimates the idle cost from these templates: ≤ $2/month (CloudWatch alarms are in the always-free tier), with one secret', () => {
    const cost = estimateCost(templates);
    expect(cost.idleTotal.afterFreeTier).toBeLessThanOrEqual(2);
    // Five alarm metrics at list price ($0.50) are free under CloudWatch's permanent 10-alarm allowance.
    expect(cost.idleTotal.list).toBeLessThanOrEqual(2.3);
    expect(cost.idle.find((l) => l.item === 'AWS::SecretsManager::Secret')!.quantity).toBe('1 secret(s)');
    expect(cost.idle.find((l) => l.item === 'AWS::CloudWatch::Alarm')!.quantity).toBe('5 alarm metric(s)');
    expect(cost.idle.find((l) => l.item === 'AWS::CloudWatch::Alarm')!.afterFreeTier).toBe(0);
    // Failed runs and refused sign-ins: custom metrics that receive data only when a line matches.
    expect(cost.idle.find((l) => l.item === 'AWS::Logs::MetricFilter (custom metrics)')).toMatchObject({ quantity: '2 metric(s), 0 published at rest', list: 0 });
    expect(cost.idle.find((l) => l.item === 'AWS::EC2::NatGateway')!.list).toBe(0);
    expect(cost.idle.find((l) => l.item === 'AWS::KMS::Key')!.list).toBe(1);
    expect(cost.per100Total.list).toBeGreaterThan(0);
    expect(formatCostReport(cost)).toMatch(/Monthly cost at rest[\s\S]*TOTAL[\s\S]*Added by 100 migrations[\s\S]*Price assumptions/);
  });

  it('fails synthesis on a finding nobody acknowledged', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'pm-nag-')) });
    const stack = new Stack(app, 'Careless');
    new Queue(stack, 'NoDlqNoTls');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
    const rules = report(app.outdir)!.pluginReports.flatMap((p) => p.violations).map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});
