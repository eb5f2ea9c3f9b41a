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
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'notify@purelymanage.test' });
  });

  it('has an ops topic, subscribed by email only when alarmEmail is set', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    withAlarmEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('tells the ops topic at once when the credentials key is disabled or scheduled for deletion (CS-4), at no metric cost', () => {
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rule!.Properties.State).toBe('ENABLED');
    // Exactly these successful calls, on this key named by id or ARN (the only forms both APIs accept).
    expect(rule!.Properties.EventPattern).toEqual({
      source: ['aws.kms'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['kms.amazonaws.com'],
        eventName: ['ScheduleKeyDeletion', 'DisableKey'],
        requestParameters: { keyId: [{ Ref: key }, { 'Fn::GetAtt': [key, 'Arn'] }] },
        errorCode: [{ exists: false }],
      },
    });
    const targets = rule!.Properties.Targets as { Arn: unknown; InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: { 'Fn::Join': [string, unknown[]] } } }[];
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toEqual({ Ref: topic });
    expect(Object.values(targets[0]!.InputTransformer.InputPathsMap).sort()).toEqual(['$.detail.eventID', '$.detail.eventName', '$.detail.sourceIPAddress', '$.detail.userIdentity.arn', '$.time']);
    // A readable message: what happened, to which key, who, and the commands that undo it.
    const text = targets[0]!.InputTransformer.InputTemplate['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<keyArn>')).join('');
    expect(text).toMatch(/^"PurelyManage: <detail-eventName> succeeded on the credentials key <keyArn> at <time> by <detail-userIdentity-arn> from <detail-sourceIPAddress>\. /);
    expect(text).toContain('aws kms cancel-key-deletion --key-id <keyArn>');
    expect(text).toContain('aws kms enable-key --key-id <keyArn>');
    expect(text).toContain('CloudTrail event <detail-eventID>');
    expect(text.slice(1, -1)).not.toContain('"');
    // EventBridge may publish to the topic, which still refuses anything but TLS.
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const statements = policy!.Properties.PolicyDocument.Statement as { Effect: string; Principal: unknown; Action: string; Resource: unknown }[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topic } }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Sid: 'AllowPublishThroughSSLOnly' }));
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
