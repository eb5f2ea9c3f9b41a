import * as z from 'zod';
import { commonVars } from './common-config.ts';
import { bool, csv, int, text } from './env-vars.ts';

/** `npm start`, the tests and the benchmarks: the whole panel in one process. */
export const LocalConfig = z.object({
  ...commonVars,
  HOST: text(1).default('127.0.0.1'),
  PORT: int(0, 65535, 8787),
  DATA_DIR: text(1).default('.data'),
  TABLE_NAME: text(3).default('purelymanage'),
  /** When unset, the built-in PurelyMail sandbox is started and used. */
  PURELYMAIL_API_TOKEN: text(1).optional(),
  SANDBOX_PORT: int(0, 65535, 0),
  /** Extra origins allowed to send state-changing requests (e.g. the Vite dev server). */
  EXTRA_ORIGINS: csv().default([]),
  /** DNS servers for our own lookups, e.g. "127.0.0.1:5353"; empty means the sandbox's DNS (or the system's). */
  DNS_SERVERS: csv().default([]),
  /** Also send notification emails over SMTP, e.g. smtp://user:pass@host:587 (they always land in DATA_DIR/outbox/ too). */
  SMTP_URL: text(1).optional(),
  /** In-process background timers: DNS tier runs every this many minutes (0 turns the DNS and outbox timers off). */
  DNS_TIER_INTERVAL_MINUTES: int(0, 24 * 60, 10),
  /** How often (real time) the local recurring scheduler compares the app's clock with each domain move's next firing. */
  LOCAL_SCHEDULE_TICK_MS: int(10, 3_600_000, 15_000),
  WEB_BUILD_DIR: z.string().default('web/build'),
  BUILD_WEB: bool().default(true),
  /** The imapsync executable the local worker runs. */
  IMAPSYNC_COMMAND: text(1).default('imapsync'),
  /** Let IMAP servers live on private/loopback addresses and any port (a lab with dovecot on loopback). */
  ALLOW_PRIVATE_IMAP_HOSTS: bool().default(true),
  /** AES-256-GCM master key for sealed credentials, created 0600 on first use; default DATA_DIR/master.key. */
  MASTER_KEY_FILE: text(1).optional(),
  /**
   * The worker the local task runner starts: the built bundle by default (built when missing or stale), as the
   * container runs it; a `.ts` entry is started with `node --import tsx` (slower, for debugging the worker).
   */
  MIGRATOR_ENTRY: text(1).default('migrator-container/dist/main.mjs'),
});
export type LocalConfig = z.infer<typeof LocalConfig>;
