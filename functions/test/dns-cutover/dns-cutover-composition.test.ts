import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeAwsApi } from '../../src/platform/composition/aws.ts';
import { AwsConfig } from '../../src/platform/config/aws-config.ts';
import { parseConfig } from '../../src/platform/config/parse-config.ts';

const env = {
  TABLE_NAME: 'pm-dns-cutover',
  APP_ORIGIN: 'https://panel.example.com',
  APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app',
  PASSWORD_SCRYPT_LOG_N: '12',
  LOG_LEVEL: 'silent',
  MAIL_FROM: 'panel@example.com',
};

/** The AWS composition's dnsCutover: Route 53 only for the zones ROUTE53_ZONES names, public resolvers by default. */
describe('dnsCutover in the AWS composition', () => {
  const route53 = mockClient(Route53Client);
  const secrets = mockClient(SecretsManagerClient);
  beforeAll(() => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ purelymailToken: 't', originVerify: 'ov' }) });
    route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [], IsTruncated: false, MaxItems: 100 });
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });
  afterAll(() => {
    route53.restore();
    secrets.restore();
  });

  it('reads ROUTE53_ZONES as JSON zone → hosted zone id, and the watch resolvers with defaults', () => {
    const config = parseConfig(AwsConfig, { ...env, ROUTE53_ZONES: '{"Example.COM.":"Z0123456789"}' });
    expect(config.ROUTE53_ZONES).toEqual({ 'example.com': 'Z0123456789' });
    expect(config.DNS_WATCH_RESOLVERS).toEqual(['1.1.1.1', '8.8.8.8', '9.9.9.9']);
    expect(parseConfig(AwsConfig, { ...env, DNS_WATCH_RESOLVERS: '9.9.9.9, [2620:fe::fe]:53' }).DNS_WATCH_RESOLVERS).toEqual(['9.9.9.9', '[2620:fe::fe]:53']);
    expect(parseConfig(AwsConfig, env).ROUTE53_ZONES).toBeUndefined();
    expect(() => parseConfig(AwsConfig, { ...env, ROUTE53_ZONES: 'example.com=Z1' })).toThrow(/ROUTE53_ZONES.*must be JSON/s);
    expect(() => parseConfig(AwsConfig, { ...env, ROUTE53_ZONES: '{"example.com":"not-a-zone"}' })).toThrow(/hosted zone id/);
    expect(() => parseConfig(AwsConfig, { ...env, DNS_WATCH_RESOLVERS: 'dns.google' })).toThrow(/must be IP addresses/);
  });

  it('offers Route 53 for a named zone only, and no provider at all without ROUTE53_ZONES', async () => {
    const withZones = composeAwsApi({ ...env, ROUTE53_ZONES: '{"example.com":"Z0123456789"}' });
    const plan = await withZones.deps.dnsCutover.plan('example.com', null);
    expect(plan.provider).toEqual({ kind: 'route53', zone: 'example.com' });
    expect(route53.commandCalls(ListResourceRecordSetsCommand)[0]!.args[0].input).toMatchObject({ HostedZoneId: 'Z0123456789', StartRecordName: 'example.com.' });
    expect((await withZones.deps.dnsCutover.plan('other.example', null)).provider).toBeNull();

    const without = composeAwsApi(env);
    route53.resetHistory();
    expect(await without.deps.dnsCutover.plan('example.com', null)).toMatchObject({ provider: null, changeSet: null });
    await expect(without.deps.dnsCutover.apply('example.com', null)).rejects.toThrow(/not one the panel may change/);
    expect(route53.calls()).toHaveLength(0);
  });
});
