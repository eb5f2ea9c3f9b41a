import { getConnInfo } from '@hono/node-server/conninfo';
import type { JobQueue } from '../../modules/migrations/ports.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { NodeDnsLookup } from '../../adapters/dns/node-dns-lookup.ts';
import { PurelyMailHttpClient } from '../../adapters/purelymail/purelymail-http-client.ts';
import type { LocalConfig } from '../config.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { buildDnsFeature } from './build-dns-feature.ts';
import { buildMigrationFeature } from './build-migration-feature.ts';
import { buildAppDeps } from './build-app-deps.ts';
import type { AppDeps } from '../../http/app-deps.ts';
import { resolve } from 'node:path';
import { createLocalMailer } from '../../adapters/local-mailer/local-mailer.ts';
import type { SecretSealer } from '../../modules/secrets/ports.ts';
import { createLocalSecretOpener, createLocalSecretSealer } from '../../adapters/local-secret-box/local-secret-box.ts';

/** The origins a browser on this machine may use to reach the panel. */
export function localOrigins(config: Pick<LocalConfig, 'HOST' | 'EXTRA_ORIGINS'>, port: number): string[] {
  const hosts = new Set([config.HOST, '127.0.0.1', 'localhost']);
  return [...[...hosts].map((h) => `http://${h.includes(':') ? `[${h}]` : h}:${port}`), ...config.EXTRA_ORIGINS];
}

/**
 * The local composition root: dynalite for the store, PurelyMail over HTTP (the sandbox or the real API),
 * the client IP from the socket (nothing sits in front of the local server, so headers are not trusted).
 */
export function composeLocal(opts: { config: LocalConfig; table: Table; purelymail: { baseUrl: string; token: string }; sandbox: boolean; port: number; logger: Logger; clock?: Clock; dnsServers: readonly string[]; migrations: AppDeps['migrations']; campaignSealer?: SecretSealer; migrationQueue?: JobQueue }) {
  const purelymail = new PurelyMailHttpClient({ baseUrl: opts.purelymail.baseUrl, token: opts.purelymail.token, timeoutMs: opts.config.PURELYMAIL_TIMEOUT_MS, logger: opts.logger });
  const outboxDir = resolve(opts.config.DATA_DIR, 'outbox');
  // The same master key as migration credentials, under another purpose in the AES-GCM additional data.
  const masterKeyFile = resolve(opts.config.MASTER_KEY_FILE ?? resolve(opts.config.DATA_DIR, 'master.key'));
  return buildAppDeps({
    table: opts.table,
    purelymail,
    config: opts.config,
    clock: opts.clock ?? systemClock,
    logger: opts.logger,
    sandbox: opts.sandbox,
    allowedOrigins: localOrigins(opts.config, opts.port),
    dnsLookup: new NodeDnsLookup({ servers: opts.dnsServers }),
    ownershipCodeFallback: opts.config.PURELYMAIL_OWNERSHIP_TOKEN,
    // One .eml per email under DATA_DIR/outbox/ (a person or a browser test opens it), plus SMTP when set.
    mfaSecretBox: { ...createLocalSecretSealer(masterKeyFile), ...createLocalSecretOpener(masterKeyFile) },
    mailer: createLocalMailer({ outboxDir, smtpUrl: opts.config.SMTP_URL }),
    mailDelivery: { via: 'outbox', outboxDir, smtp: Boolean(opts.config.SMTP_URL) },
    panelUrl: localOrigins(opts.config, opts.port)[0]!,
    mailFrom: opts.config.MAIL_FROM,
    dnsTierBatch: opts.config.DNS_TIER_BATCH,
    dnsFeature: { build: buildDnsFeature },
    migrationFeature: {
      build: (core) =>
        buildMigrationFeature(core, { migrations: opts.migrations, campaignSealer: opts.campaignSealer, migrationMaxAttempts: opts.config.MIGRATION_MAX_ATTEMPTS, migrationQueue: opts.migrationQueue }),
    },
    clientIp: (c) => {
      try {
        return getConnInfo(c).remote.address ?? 'unknown';
      } catch {
        return 'unknown';
      }
    },
  });
}
