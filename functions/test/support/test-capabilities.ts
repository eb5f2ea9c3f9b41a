import type { AppDeps } from '../../src/http/app-deps.ts';
import { buildCapabilities, type Adapters, type CapabilityConfig } from '../../src/platform/composition/build-capabilities.ts';
import { LocalConfig } from '../../src/platform/config/local-config.ts';
import { parseConfig } from '../../src/platform/config/parse-config.ts';

const refuse = (what: string) => () => Promise.reject(new Error(`${what} is not used in this test.`));

/**
 * The production wiring (buildCapabilities) for integration tests that bring their own table, PurelyMail and clock:
 * what a test does not give refuses (no worker runner, no queue, no sealing), like the scheduled function's.
 * Returns the HTTP app's deps (with a fixed client IP), the scheduled jobs and the stores.
 */
export function buildTestCapabilities(
  adapters: Pick<Adapters, 'table' | 'purelymail' | 'dnsLookup' | 'scheduler' | 'mailer' | 'clock' | 'logger'> & Partial<Adapters>,
  opts: { config?: Partial<CapabilityConfig>; sandbox?: boolean; panelUrl?: string } = {},
) {
  const config = { ...parseConfig(LocalConfig, { PASSWORD_SCRYPT_LOG_N: '12', ALLOW_PRIVATE_IMAP_HOSTS: 'false' }), ...opts.config };
  const caps = buildCapabilities(
    {
      mfaSecretBox: { seal: refuse('Sealing a TOTP secret'), open: refuse('Opening a TOTP secret') },
      sealer: { seal: refuse('Sealing') },
      queue: { enqueue: refuse('Queueing a run') },
      runner: { start: refuse('Starting a worker'), stop: refuse('Stopping a worker'), listRunning: refuse('Listing workers') },
      logReader: { read: async () => undefined },
      recurringScheduler: { put: refuse('A recurring schedule'), remove: async () => {} },
      ...adapters,
    },
    { config, sandbox: opts.sandbox ?? false, panelUrl: opts.panelUrl ?? 'http://panel.test' },
  );
  const deps: AppDeps = {
    ...caps,
    logger: adapters.logger,
    allowedOrigins: [opts.panelUrl ?? 'http://panel.test'],
    clientIp: () => '127.0.0.1',
    sessionCookieMaxAgeSeconds: config.SESSION_ABSOLUTE_HOURS * 3600,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    sandbox: opts.sandbox ?? false,
  };
  return { deps, background: caps.background, stores: caps.stores, caps };
}
