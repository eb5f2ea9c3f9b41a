import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AttributeType, BillingMode, ProjectionType, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { OpsAlarms } from '../constructs/ops-alarms.ts';
import type { MailSenders } from '../config/mail-senders.ts';
import { acknowledgeWildcard } from '../nag.ts';
import { tableDefinition } from '../../../functions/src/adapters/dynamodb/table-definition.ts';

/**
 * The table as other stacks see it: imported through an export with a stable name, so the IAM finding for
 * its index wildcard (`<export>/index/*`) has a predictable id to acknowledge.
 */
export class SharedTable {
  constructor(readonly exportName: string) {}

  /** An ITable in `scope` whose grants include the indexes. */
  importInto(scope: Construct): ITable {
    return Table.fromTableAttributes(scope, 'Table', { tableArn: Fn.importValue(this.exportName), grantIndexPermissions: true });
  }

  /**
   * Acknowledges the `index/*` resource that every L2 table grant adds, on the grantee's policy.
   * @example shared.acknowledgeIndexGrant(fn.role, 'the api function');
   */
  acknowledgeIndexGrant(grantee: Construct, who: string): void {
    acknowledgeWildcard(
      grantee,
      `Resource::${this.exportName}/index/*`,
      `L2 table grants cover the table's indexes as <table>/index/*; the table has one index (gsi1), which ${who} queries (admins, sessions, audit access patterns).`,
    );
  }
}

export interface DataStackProps extends StackProps {
  /** Who notification emails come from, and the SES identities that cover it. */
  readonly mailSenders: MailSenders;
  /** An identity already verified in SES that covers the sender: then none is created. @default - an email identity for the sender */
  readonly existingSenderIdentity?: string;
  /** Ops address subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * Everything that holds state or identity and must survive a redeploy of the rest: the table, the
 * credentials key, the app secret, the SES identity and the ops topic. Termination protection is on and the
 * data-bearing resources are retained even when the stack is deleted.
 */
export class DataStack extends Stack {
  readonly table: Table;
  /** How the other stacks reference the table. */
  readonly sharedTable: SharedTable;
  readonly credentialsKey: Key;
  /**
   * The one app secret (one secret is $0.40/month), JSON `{ purelymailToken, originVerify }`: the PurelyMail API
   * token, created as `REPLACE_ME` for ops to set (see infra/README.md), and the generated value CloudFront sends
   * as `x-origin-verify`, so the API can trust CloudFront-Viewer-Address.
   */
  readonly appSecret: Secret;
  /** The sender's email identity, when this stack creates it (not when `existingSenderIdentity` names one). */
  readonly senderIdentity?: EmailIdentity;
  readonly mailSenders: MailSenders;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    this.mailSenders = props.mailSenders;

    // Same key schema and indexes as the local bootstrap (functions/src/adapters/dynamodb/table.ts).
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: key(tableDefinition.partitionKey),
      sortKey: key(tableDefinition.sortKey),
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: key(gsi.partitionKey),
        sortKey: key(gsi.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }

    this.sharedTable = new SharedTable(`${this.stackName}-TableArn`);
    this.exportValue(this.table.tableArn, { name: this.sharedTable.exportName });

    // Seals migration credentials. The API may only GenerateDataKey; only the migrator task may Decrypt.
    this.credentialsKey = new Key(this, 'CredentialsKey', {
      description: 'PurelyManage: envelope key for IMAP migration credentials',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Secrets use the AWS-managed key on purpose: with our CMK every reader would need kms:Decrypt on the
    // key that also opens migration credentials, which the API must never have.
    this.appSecret = new Secret(this, 'AppSecret', {
      description: 'PurelyManage: {"purelymailToken","originVerify"}. Set purelymailToken (placeholder REPLACE_ME) keeping originVerify: see infra/README.md.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ purelymailToken: 'REPLACE_ME' }),
        generateStringKey: 'originVerify',
        excludePunctuation: true,
        passwordLength: 48,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Neither field can rotate automatically: PurelyMail API tokens are issued in the PurelyMail dashboard with no API to rotate them, and the origin-verify value is baked into the CloudFront origin config at deploy time (a rotation Lambda cannot redeploy). infra/README.md documents both manual rotations.',
    });

    // CloudFormation cannot adopt an identity that already exists in SES (the deploy fails with "already exists"),
    // so an operator who verified the address or its domain before names it instead (infra/README.md, SES).
    if (!props.existingSenderIdentity) this.senderIdentity = new EmailIdentity(this, 'Sender', { identity: Identity.email(props.mailSenders.senderEmail) });

    this.alarmTopic = new Topic(this, 'Alarms', { displayName: 'PurelyManage alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SNS2',
      reason: 'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and granting CloudWatch our CMK would widen the credentials key policy; alarm messages carry no secrets.',
    });
    // The topic policy replaces SNS's default one (the key rule below adds EventBridge to it), so CloudWatch alarms
    // must be allowed by name, or every alarm's notification fails to publish. Only alarms of this account
    // (confused-deputy guard, as the CloudWatch guide recommends for alarm topics).
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    if (props.alarmEmail) {
      new Subscription(this, 'AlarmEmail', { topic: this.alarmTopic, protocol: SubscriptionProtocol.EMAIL, endpoint: props.alarmEmail });
    }
    // Here, beside the key and the topic: a rule in another stack would tie the topic policy to it.
    new OpsAlarms(this, 'KeyAlarms', { topic: this.alarmTopic }).keyDisabledOrScheduledForDeletion('CredentialsKeyAtRisk', this.credentialsKey);
  }
}
