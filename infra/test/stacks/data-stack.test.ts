import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../../functions/src/adapters/dynamodb/table-definition.ts';
import { buildTestApp } from '../support/synth-app.ts';

describe('data stack', () => {
  let template: Template;
  let withAlarmEmail: Template;

  beforeAll(() => {
    template = Template.fromStack(buildTestApp({ nag: false }).stacks.data);
    withAlarmEmail = Template.fromStack(buildTestApp({ nag: false, context: { alarmEmail: 'ops@example.org', stage: 'staging' } }).stacks.data);
  });

  it('has the table of the local bootstrap: same keys and index, on demand, TTL, PITR, deletion protection, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
        GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: 'HASH' },
            { AttributeName: g.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      },
    });
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  it('has a rotating credentials key that survives the stack', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 },
    });
  });

  it('has one app secret (retained): the PurelyMail token placeholder and a generated origin-verify value, no value in the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secret!.DeletionPolicy).toBe('Retain');
    expect(secret!.Properties.SecretString).toBeUndefined();
    expect(secret!.Properties.GenerateSecretString).toEqual({
      SecretStringTemplate: JSON.stringify({ purelymailToken: 'REPLACE_ME' }),
      GenerateStringKey: 'originVerify',
      ExcludePunctuation: true,
      PasswordLength: 48,
    });
    expect(secret!.Properties.KmsKeyId, 'AWS-managed key: readers need no kms:Decrypt on the credentials key').toBeUndefined();
    template.hasOutput('AppSecretArn', { Value: { Ref: Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0] } });
  });

  it('creates the SES identity of the sender address', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'notify@example.org' });
  });

  it('has an ops topic, subscribed by email only when alarmEmail is set', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    withAlarmEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('outputs the table name and the first-admin command, and exports the table ARN under a stable name', () => {
    template.hasOutput('TableName', {});
    const outputs = template.findOutputs('CreateFirstAdmin');
    const value = JSON.stringify(Object.values(outputs)[0]?.Value);
    expect(value).toContain('npm run admin -- create --email you@example.com --table ');
    template.hasOutput('*', { Export: { Name: 'PurelyManage-prod-Data-TableArn' } });
    withAlarmEmail.hasOutput('*', { Export: { Name: 'PurelyManage-staging-Data-TableArn' } });
  });
});
