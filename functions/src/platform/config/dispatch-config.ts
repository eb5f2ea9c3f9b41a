import * as z from 'zod';
import { csv, int, logLevel, num, text } from './env-vars.ts';

/** The dispatch Lambda's environment (set by the migrator stack, infra/lib/stacks/migrator-stack.ts). */
export const DispatchConfig = z.object({
  TABLE_NAME: text(3),
  MIGRATION_QUEUE_URL: text(1),
  ECS_CLUSTER_ARN: text(1),
  MIGRATOR_TASK_DEFINITION_ARN: text(1),
  MIGRATOR_CONTAINER_NAME: text(1).default('migrator'),
  MIGRATOR_SUBNET_IDS: csv(),
  MIGRATOR_SECURITY_GROUP_IDS: csv(),
  MIGRATOR_CAPACITY_PROVIDER: z.enum(['FARGATE', 'FARGATE_SPOT']).optional(),
  /** The task definition's CPU architecture: with ARM64 the dispatcher never asks for FARGATE_SPOT, which cannot run it. */
  MIGRATOR_CPU_ARCHITECTURE: z.enum(['ARM64', 'X86_64']).default('ARM64'),
  MIGRATION_CONCURRENCY: int(1, 50, 4),
  MIGRATION_MAX_ATTEMPTS: int(1, 10, 3),
  MIGRATION_RETRY_DELAY_SECONDS: num(0, 900, 30),
  MIGRATION_HEARTBEAT_SECONDS: num(1, 300, 15),
  /** Run-end emails (batch summaries, single-job results): the sender unless Settings override it, the panel's URL for links. */
  MAIL_FROM: text(3),
  APP_ORIGIN: z.url(),
  /** SES v2 configuration set for notification emails (bounce and complaint tracking), optional. */
  SES_CONFIGURATION_SET: text(1).optional(),
  LOG_LEVEL: logLevel(),
  /** Watchdog (the periodic sweep): maximum run time, and how old a running run's heartbeat may get. */
  MIGRATION_MAX_RUN_HOURS: num(0.1, 168, 12),
  MIGRATION_HEARTBEAT_TIMEOUT_MINUTES: num(1, 1440, 10),
});
export type DispatchConfig = z.infer<typeof DispatchConfig>;
