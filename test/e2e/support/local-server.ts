import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildWebIfNeeded } from '../../../functions/src/local/build-web-if-needed.ts';
import { startLocal, type LocalRuntime } from '../../../functions/src/local/start-local.ts';
import type { Clock } from '../../../functions/src/platform/clock.ts';
import { LocalConfig } from '../../../functions/src/platform/config/local-config.ts';
import { parseConfig } from '../../../functions/src/platform/config/parse-config.ts';
import { createJsonLogger } from '../../../functions/src/platform/logger.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** What `npm start` runs (dynalite, the PurelyMail sandbox, the app serving the built SPA), on a free port. */
export async function startLocalServer(env: Record<string, string> = {}, opts: { clock?: Clock } = {}): Promise<LocalRuntime & { dataDir: string; stop(): Promise<void> }> {
  buildWebIfNeeded(repoRoot, () => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-e2e-'));
  const config = parseConfig(LocalConfig, {
    DATA_DIR: dataDir,
    PORT: '0',
    BUILD_WEB: 'false',
    WEB_BUILD_DIR: join(repoRoot, 'web/build'),
    PASSWORD_SCRYPT_LOG_N: '14',
    ...env,
  });
  const runtime = await startLocal(config, { logger: createJsonLogger({ level: 'silent' }), clock: opts.clock });
  return {
    ...runtime,
    dataDir,
    async stop() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
