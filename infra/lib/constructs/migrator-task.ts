import { readFileSync } from 'node:fs';
import { Duration, IgnoreMode, RemovalPolicy } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  ContainerImage,
  CpuArchitecture,
  FargateTaskDefinition,
  LinuxParameters,
  LogDrivers,
  OperatingSystemFamily,
  type ContainerDefinition,
} from 'aws-cdk-lib/aws-ecs';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { repoPaths } from '../config/repo-paths.ts';
import type { MigratorArchitecture } from '../config/stage-config.ts';

/**
 * The KMS encryption context every sealed migration credential carries. A principal granted Decrypt with
 * this condition can open migration credentials and nothing else sealed under the same key.
 */
export const CREDENTIALS_CONTEXT = { key: 'kms:EncryptionContext:purpose', value: 'migration-credentials' } as const;

/**
 * Grants KMS actions on the credentials key under the {@link CREDENTIALS_CONTEXT} condition. (IAM's
 * Grant helper, because Key.grant* cannot carry a condition; the key policy delegates to IAM.)
 */
export function grantWithCredentialsContext(key: IKey, grantee: IGrantable, ...actions: string[]): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { [CREDENTIALS_CONTEXT.key]: CREDENTIALS_CONTEXT.value } },
  });
}

/**
 * The KMS encryption context of admins' sealed TOTP secrets (functions: MFA_SECRET_PURPOSE). The api may
 * GenerateDataKey and Decrypt under it to check 2FA codes, and under it only.
 */
export const MFA_CONTEXT = { key: 'kms:EncryptionContext:purpose', value: 'admin-mfa' } as const;

/** Grants KMS actions on the credentials key under the {@link MFA_CONTEXT} condition. */
export function grantWithMfaContext(key: IKey, grantee: IGrantable, ...actions: string[]): Grant {
  return Grant.addToPrincipal({ grantee, actions, resourceArns: [key.keyArn], conditions: { StringEquals: { [MFA_CONTEXT.key]: MFA_CONTEXT.value } } });
}

/**
 * The KMS encryption context of the app-password secrets the panel keeps to delete them later (functions:
 * APP_PASSWORD_SECRET_PURPOSE). The api creates and revokes them, the scheduled function's sweep deletes unused ones.
 */
export const APP_PASSWORD_CONTEXT = { key: 'kms:EncryptionContext:purpose', value: 'panel-app-passwords' } as const;

/** Grants KMS actions on the credentials key under the {@link APP_PASSWORD_CONTEXT} condition. */
export function grantWithAppPasswordContext(key: IKey, grantee: IGrantable, ...actions: string[]): Grant {
  return Grant.addToPrincipal({ grantee, actions, resourceArns: [key.keyArn], conditions: { StringEquals: { [APP_PASSWORD_CONTEXT.key]: APP_PASSWORD_CONTEXT.value } } });
}

/**
 * The KMS encryption context of the passwords kept sealed for one-time hand-over links of imported users (functions:
 * USER_HANDOVER_SECRET_PURPOSE). Only the api seals them (the import's hand-over) and opens them (the link's page).
 */
export const HANDOVER_CONTEXT = { key: 'kms:EncryptionContext:purpose', value: 'user-handover' } as const;

/** Grants KMS actions on the credentials key under the {@link HANDOVER_CONTEXT} condition. */
export function grantWithHandoverContext(key: IKey, grantee: IGrantable, ...actions: string[]): Grant {
  return Grant.addToPrincipal({ grantee, actions, resourceArns: [key.keyArn], conditions: { StringEquals: { [HANDOVER_CONTEXT.key]: HANDOVER_CONTEXT.value } } });
}

/** Name of the worker container, which `RunTask` overrides address. */
export const MIGRATOR_CONTAINER_NAME = 'migrator';
/** awslogs stream prefix: a task's stream is `run/migrator/<task id>` (the api reads full run logs from it). */
export const MIGRATOR_STREAM_PREFIX = 'run';

export interface MigratorTaskProps {
  /** The credentials key; the task role may Decrypt with it only under {@link CREDENTIALS_CONTEXT}. */
  readonly credentialsKey: IKey;
  /** Environment of the worker: resource names only (passwords never travel in env, argv or overrides). */
  readonly environment: Record<string, string>;
  /** @default 512 (0.5 vCPU: imapsync is network-bound) */
  readonly cpu?: number;
  /** @default 2048 (imapsync holds a whole message in memory, and some are tens of MB) */
  readonly memoryLimitMiB?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** CPU architecture of the task and of the image Docker builds for it (StageConfig.migratorArchitecture). @default 'arm64' */
  readonly architecture?: MigratorArchitecture;
}

/** Reads migrator-container/.dockerignore: patterns relative to the repository root, the build context. */
function dockerContextExcludes(): string[] {
  return readFileSync(repoPaths.migratorDockerignore, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * The Fargate task that runs one migration: the imapsync + Node worker image built from
 * migrator-container/Dockerfile (staged at synth, built by `cdk deploy` for the task's architecture: arm64 from an
 * x86 machine needs Docker buildx with QEMU, see infra/README.md), logging to CloudWatch,
 * with 120 s between SIGTERM and SIGKILL so imapsync can print its statistics and the worker can record
 * an interrupted run.
 */
export class MigratorTask extends Construct {
  readonly taskDefinition: FargateTaskDefinition;
  readonly container: ContainerDefinition;
  readonly logGroup: LogGroup;
  readonly architecture: MigratorArchitecture;

  constructor(scope: Construct, id: string, props: MigratorTaskProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.architecture = props.architecture ?? 'arm64';
    const arm = this.architecture === 'arm64';
    this.taskDefinition = new FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 2048,
      runtimePlatform: { cpuArchitecture: arm ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    this.container = this.taskDefinition.addContainer('Worker', {
      containerName: MIGRATOR_CONTAINER_NAME,
      // The build context is the repository root: the worker imports @app/shared, outside migrator-container/.
      image: ContainerImage.fromAsset(repoPaths.root, {
        file: repoPaths.migratorDockerfile,
        platform: arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
        exclude: dockerContextExcludes(),
        ignoreMode: IgnoreMode.DOCKER,
      }),
      environment: props.environment,
      logging: LogDrivers.awsLogs({ streamPrefix: MIGRATOR_STREAM_PREFIX, logGroup: this.logGroup }),
      stopTimeout: Duration.seconds(120),
      // An init process forwards SIGTERM to the worker and reaps imapsync if the worker dies first.
      linuxParameters: new LinuxParameters(this, 'Linux', { initProcessEnabled: true }),
      essential: true,
    });

    // Decrypt, and only ciphertexts sealed for migrations (kms:EncryptionContext:purpose).
    grantWithCredentialsContext(props.credentialsKey, this.taskDefinition.taskRole, 'kms:Decrypt');
  }
}
