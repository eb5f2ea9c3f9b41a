import { dirname } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, type ILocalBundling } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { LAMBDA_ENTRY_FILE, lambdaBuildOptions } from './lambda-build-options.ts';

/**
 * Bundles one entry with the local esbuild (lambda-build-options.ts) into the asset directory. CDK calls it only
 * for stacks it is asked to bundle (`aws:cdk:bundling-stacks`); `entry` is a field so that CDK's asset cache,
 * keyed on the bundling options, tells the functions apart.
 */
class EsbuildBundling implements ILocalBundling {
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    buildSync(lambdaBuildOptions(this.entry, outputDir));
    return true;
  }
}

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
 * local esbuild into ESM with code splitting and the AWS SDK inside (lambda-build-options.ts: a cold start
 * loads only `index.mjs` and what it imports statically; route groups and SDK clients used on demand come from
 * `chunks/` when first needed), and its own log group with an explicit retention. Our own esbuild call rather
 * than NodejsFunction's, which writes one file (`--outfile`) and so cannot split.
 */
export class AppFunction extends Construct {
  readonly fn: LambdaFunction;
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
    this.fn = new LambdaFunction(this, 'Function', {
      role: this.role,
      functionName: props.functionName,
      // The asset is esbuild's output directory; its hash is the output's, so an unchanged bundle is not re-uploaded.
      code: Code.fromAsset(dirname(props.entry), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: DockerImage.fromRegistry('dummy'), local: new EsbuildBundling(props.entry) },
      }),
      handler: `${LAMBDA_ENTRY_FILE.replace(/\.mjs$/, '')}.handler`,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: props.environment,
      logGroup: this.logGroup,
      onFailure: props.onFailure,
    });
  }
}
