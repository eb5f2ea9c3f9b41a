import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal, type LocalRuntime } from '../../src/local/start-local.ts';
import { LocalConfig } from '../../src/platform/config/local-config.ts';
import { parseConfig } from '../../src/platform/config/parse-config.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { DnsCutover } from '../../src/modules/domain-moves/ports.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { ApiClient } from './api-client.ts';

export const TEST_PASSWORD = 'correct horse battery staple 42';

/** A clock tests can move. */
export class FakeClock implements Clock {
  constructor(private t = Date.parse('2026-11-21T09:00:00Z')) {}
  now = () => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestRuntime {
  runtime: LocalRuntime;
  /** A client with no session. */
  anonymous(): ApiClient;
  /** Completes first-run setup and returns the owner's signed-in client. */
  setupOwner(email?: string): Promise<ApiClient>;
  logs: string[];
  close(): Promise<void>;
}

/**
 * The whole local runtime in-process (dynalite in a temp dir, the PurelyMail sandbox, the Hono app on a
 * random port), as `npm start` runs it, for HTTP-level tests.
 */
export async function startTestRuntime(env: Record<string, string> = {}, clock?: Clock, opts: { migratorEnv?: Record<string, string>; dnsCutover?: DnsCutover } = {}): Promise<TestRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-test-'));
  const logs: string[] = [];
  const config = parseConfig(LocalConfig, { DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', PASSWORD_SCRYPT_LOG_N: '12', LOG_LEVEL: 'debug', ...env });
  const runtime = await startLocal(config, { logger: createJsonLogger({ level: 'debug', write: (l) => logs.push(l) }), clock, migratorEnv: opts.migratorEnv, ...(opts.dnsCutover ? { dnsCutover: opts.dnsCutover } : {}) });
  return {
    runtime,
    logs,
    anonymous: () => new ApiClient(runtime.url),
    async setupOwner(email = 'owner@example.com') {
      const token = new URL(runtime.setupUrl!).hash.replace('#token=', '');
      const client = new ApiClient(runtime.url);
      const res = await client.post('/api/setup', { token, email, name: 'Olive Owner', password: TEST_PASSWORD });
      if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
      return client;
    },
    async close() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
