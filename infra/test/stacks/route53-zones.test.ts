import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AwsConfig } from '../../../functions/src/platform/config/aws-config.ts';
import { parseConfig } from '../../../functions/src/platform/config/parse-config.ts';
import { readStageConfig, StageConfigError } from '../../lib/config/stage-config.ts';
import { App } from 'aws-cdk-lib';
import { attachedStatements, statementsOfRole } from '../support/iam.ts';
import { buildTestApp } from '../support/synth-app.ts';

type Fn = { Properties: { Environment: { Variables: Record<string, unknown> } } };
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:route53:::${rest}`]] });

function synth(context: Record<string, unknown>) {
  const template = Template.fromStack(buildTestApp({ nag: false, context }).stacks.api);
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, Fn>;
  const env = (prefix: string) => Object.entries(functions).find(([id]) => id.startsWith(prefix))![1].Properties.Environment.Variables;
  return { template, env };
}

/** Issue 19: "Apply to Route 53" is an opt-in for named zones; IAM covers exactly those, and nothing without them. */
describe('Route 53 opt-in (CDK context route53Zones)', () => {
  it('grants the api function List/ChangeResourceRecordSets on exactly the named hosted zones, GetChange on change/*, and passes the zones as ROUTE53_ZONES', () => {
    // Act: as ops set it on the command line (a JSON string).
    const { template, env } = synth({ route53Zones: '{"example.com":"Z0123456789","Corp.Example.NET.":"/hostedzone/Z0987654321ABC"}' });
    // Assess
    const route53 = statementsOfRole(template, 'ApiRole').filter((s) => s.actions.some((a) => a.startsWith('route53')));
    expect(route53.map((s) => ({ actions: s.actions, resources: s.resources }))).toEqual([
      { actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'], resources: [partitionArn('hostedzone/Z0123456789'), partitionArn('hostedzone/Z0987654321ABC')] },
      { actions: ['route53:GetChange'], resources: [partitionArn('change/*')] },
    ]);
    // No other statement anywhere in the stack names Route 53: the scheduled function (the resolution watch, the old
    // MX) asks public resolvers only.
    const all = attachedStatements(template).filter((s) => s.actions.some((a) => a.toLowerCase().startsWith('route53')));
    expect(all).toEqual(route53);
    expect(statementsOfRole(template, 'ScheduledRole').filter((s) => s.actions.some((a) => a.toLowerCase().startsWith('route53')))).toEqual([]);

    const zones = { 'example.com': 'Z0123456789', 'corp.example.net': 'Z0987654321ABC' };
    expect(JSON.parse(env('ApiFunction').ROUTE53_ZONES as string)).toEqual(zones);
    expect(env('ScheduledFunction')).not.toHaveProperty('ROUTE53_ZONES');
    // The functions' own config reads what the stack sets.
    expect(parseConfig(AwsConfig, { TABLE_NAME: 'tbl', APP_ORIGIN: 'https://p.example', APP_SECRET_ARN: 'arn:x', ROUTE53_ZONES: env('ApiFunction').ROUTE53_ZONES as string }).ROUTE53_ZONES).toEqual(zones);
  });

  it('has no Route 53 statement and no ROUTE53_ZONES when the context value is not set (or empty)', () => {
    for (const context of [{}, { route53Zones: '' }, { route53Zones: {} }]) {
      const { template, env } = synth(context);
      expect(attachedStatements(template).filter((s) => s.actions.some((a) => a.toLowerCase().startsWith('route53')))).toEqual([]);
      expect(JSON.stringify(template.toJSON())).not.toContain('route53');
      for (const fn of ['ApiFunction', 'ScheduledFunction']) expect(env(fn)).not.toHaveProperty('ROUTE53_ZONES');
    }
  });

  it('takes the zones as a JSON object from cdk.json too, and refuses what is not a zone → hosted zone id map', () => {
    const read = (route53Zones: unknown) => readStageConfig(new App({ context: { senderEmail: 'n@corp.test', route53Zones, 'aws:cdk:bundling-stacks': [] } }).node);
    expect(read({ 'Example.com': 'Z1ABC' }).route53Zones).toEqual({ 'example.com': 'Z1ABC' });
    expect(read(undefined).route53Zones).toEqual({});
    expect(() => read('example.com=Z1')).toThrow(StageConfigError);
    expect(() => read('example.com=Z1')).toThrow(/route53Zones must be a JSON object of zone → hosted zone id/);
    expect(() => read('["Z1"]')).toThrow(/route53Zones must be a JSON object/);
    expect(() => read({ 'example.com': 'arn:aws:route53:::hostedzone/Z1' })).toThrow(/the hosted zone id of example.com must look like Z0123456789/);
    expect(() => read({ 'not a domain': 'Z1' })).toThrow(/"not a domain" is not a domain name/);
  });

  it('passes the public resolvers for the watch on when ops set dnsWatchResolvers, and leaves the default otherwise', () => {
    const { env } = synth({ dnsWatchResolvers: '9.9.9.9, 149.112.112.112' });
    for (const fn of ['ApiFunction', 'ScheduledFunction']) expect(env(fn).DNS_WATCH_RESOLVERS).toBe('9.9.9.9,149.112.112.112');
    expect(synth({}).env('ApiFunction')).not.toHaveProperty('DNS_WATCH_RESOLVERS');
    const read = (dnsWatchResolvers: string) => readStageConfig(new App({ context: { senderEmail: 'n@corp.test', dnsWatchResolvers, 'aws:cdk:bundling-stacks': [] } }).node);
    expect(() => read('dns.google')).toThrow(/dnsWatchResolvers: "dns.google" is not an IP address/);
  });

  it('passes cdk-nag with the grant (the change/* wildcard acknowledged with its reason)', () => {
    const built = buildTestApp({ nag: true, context: { route53Zones: '{"example.com":"Z0123456789"}' } });
    built.app.synth();
    const file = join(built.outdir, 'validation-report.json');
    const violations = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: { violations: { ruleName: string; severity: string }[] }[] }).pluginReports.flatMap((p) => p.violations) : [];
    expect(violations.filter((v) => v.severity === 'error')).toEqual([]);
  });
});
