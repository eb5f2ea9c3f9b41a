import { ConfigError, imapPolicy, type ImapTargetPolicy } from '@app/functions/worker';
import { SERVER_PRESETS } from '@app/shared/schemas/migration';

/** Set by ECS (Fargate included) or Lambda in every container: the worker is on AWS. */
const AWS_MARKERS = ['ECS_CONTAINER_METADATA_URI_V4', 'ECS_CONTAINER_METADATA_URI', 'AWS_EXECUTION_ENV'] as const;

export type WorkerPolicyConfig = { ALLOW_PRIVATE_IMAP_HOSTS: boolean; MIGRATION_EXTRA_IMAP_PORTS?: readonly number[]; MASTER_KEY_FILE?: string; DYNAMODB_SOCKET?: string };

/**
 * The worker's address policy: the API's rule (`imapPolicy`, driven by the same ALLOW_PRIVATE_IMAP_HOSTS the
 * local root passes down). Allowing private and loopback servers is for the local worker only (dovecot on
 * 127.0.0.1): it needs the local key file and dynalite, and is refused outright inside an AWS container, so a
 * stray variable can never open the VPC or the metadata endpoint to a migration.
 * @example workerImapPolicy(config, process.env) // → { allowPrivate: false, allowedPorts: [143, 993] } on AWS
 */
/** Where the built-in destination "is" while the stand-in runs: a placeholder, since the stand-in connects nowhere. */
export const STAND_IN_PRESET_ADDRESS = '127.0.0.1';

/**
 * With the imapsync stand-in (IMAPSYNC_STANDIN_FIXTURE set, never in a production image, never on AWS), the
 * built-in destination's host (imap.purelymail.com, the PurelyMail preset) is not looked up: offline or in the
 * sandbox its DNS name may not resolve, and the stand-in replays a recorded run without connecting anywhere.
 * Every other host is resolved and checked as always. Undefined: resolve everything.
 * @example standInPinnedHosts({ IMAPSYNC_STANDIN_FIXTURE: '01-success' }) // Map { 'imap.purelymail.com' => '127.0.0.1' }
 */
export function standInPinnedHosts(env: Record<string, string | undefined>): ReadonlyMap<string, string> | undefined {
  if (!env.IMAPSYNC_STANDIN_FIXTURE || AWS_MARKERS.some((k) => env[k])) return undefined;
  return new Map(SERVER_PRESETS.map((p) => [p.host, STAND_IN_PRESET_ADDRESS]));
}

export function workerImapPolicy(config: WorkerPolicyConfig, env: Record<string, string | undefined>): ImapTargetPolicy {
  if (config.ALLOW_PRIVATE_IMAP_HOSTS) {
    const marker = AWS_MARKERS.find((k) => env[k]);
    if (marker) throw new ConfigError(`Invalid configuration: ALLOW_PRIVATE_IMAP_HOSTS: not allowed on AWS (${marker} is set).`);
    if (!config.MASTER_KEY_FILE || !config.DYNAMODB_SOCKET) {
      throw new ConfigError('Invalid configuration: ALLOW_PRIVATE_IMAP_HOSTS: only for the local worker (needs MASTER_KEY_FILE and DYNAMODB_SOCKET).');
    }
  }
  return imapPolicy(config.ALLOW_PRIVATE_IMAP_HOSTS, config.MIGRATION_EXTRA_IMAP_PORTS);
}
