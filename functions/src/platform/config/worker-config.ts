import * as z from 'zod';
import { bool, logLevel, ports, text } from './env-vars.ts';

/**
 * The migration worker's environment (the Fargate task definition, infra/lib/stacks/migrator-stack.ts, or the
 * local task runner): the run id only travels here; secrets are loaded from the store and opened in the worker.
 */
export const WorkerConfig = z.object({
  RUN_ID: z.string().regex(/^run_[0-9a-z]{8,40}(-a\d{1,2})?$/),
  TABLE_NAME: text(3),
  /** dynalite's Unix socket locally (the panel's database is on no TCP port); unset on AWS. */
  DYNAMODB_SOCKET: text(1).optional(),
  /** Local opener (the master key file) or KMS (the task role may Decrypt under the migration context). */
  MASTER_KEY_FILE: text(1).optional(),
  MIGRATION_KMS_KEY_ID: text(1).optional(),
  IMAPSYNC_COMMAND: text(1).default('imapsync'),
  /** Full log as a file here (locally); stdout otherwise (CloudWatch on AWS). */
  LOG_DIR: text(1).optional(),
  /** Passfiles, pidfile and imapsync's tmpdir (a tmpfs on Fargate). */
  WORK_DIR: text(1).default('/tmp/migrator'),
  ALLOW_PRIVATE_IMAP_HOSTS: bool().default(false),
  /** IMAP ports besides 143 and 993 that the deployment opens (the tasks' security group on AWS). */
  MIGRATION_EXTRA_IMAP_PORTS: ports().optional(),
  MIGRATION_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(300).default(15),
  STOP_GRACE_SECONDS: z.coerce.number().min(0.1).max(100).default(20),
  LOG_LEVEL: logLevel(),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;
