import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { repoPaths } from '../config/repo-paths.ts';

/**
 * esbuild banner for ESM bundles: the AWS SDK's CommonJS parts call `require()` at request time, which
 * an ESM module does not have (stack notes G12: the first `send()` fails without it).
 */
export const ESM_REQUIRE_BANNER = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

/** The runtime every function uses: the newest Node.js Lambda offers in this aws-cdk-lib (nag L1). */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

export interface AppFunctionProps {
  /** Absolute path of the entry file (functions/src/entrypoints/<name>.ts), exporting `handler`. */
  readonly entry: string;
  /** Environment: resource names and ARNs only, never secret values (CS-5). */
  readonly environment: Record<string, string>;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Where failed asynchronous invocations go after Lambda's own retries. @default - none */
  readonly onFailure?: IDestination;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** A fixed name, when the function's own ARN must be known before it exists (its own env). @default - generated */
  readonly functionName?: string;
}

/**
 * A Lambda function with the team's defaults: Node.js 24 on arm64 (cheaper per GB-second), bundled by the
 * local esbuild into one ESM file with the AWS SDK inside (faster cold start than Lambda's copy, and the
 * versions we tested), and its own log group with an explicit retention.
 */
export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Logs of a stateless stack go with it; the audit trail lives in DynamoDB, not here.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role, allowed to write to this log group only (the default role carries the AWS-managed
    // AWSLambdaBasicExecutionRole, which may create and write any log group: nag IAM4).
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      role: this.role,
      functionName: props.functionName,
      entry: props.entry,
      handler: 'handler',
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      logGroup: this.logGroup,
      onFailure: props.onFailure,
      projectRoot: repoPaths.root,
      depsLockFilePath: repoPaths.lockFile,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Bundle the SDK too: one pinned, tested version and a faster cold start (stack notes §2.7).
        externalModules: [],
        forceDockerBundling: false,
      },
    });
  }
}
