import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalConfig } from '../platform/config/local-config.ts';
import { ConfigError, parseConfig } from '../platform/config/parse-config.ts';
import { createJsonLogger } from '../platform/logger.ts';
import { buildWebIfNeeded } from './build-web-if-needed.ts';
import { cliFailureSentence } from './cli-failure.ts';
import { keepNewFilesPrivate } from './private-data-dir.ts';
import { startLocal } from './start-local.ts';

// `npm start`: the whole panel on one machine. Thin: read config, build the UI if needed, start, report.
const repoRoot = resolve(import.meta.dirname, '../../..');
process.chdir(repoRoot);
if (existsSync('.env')) process.loadEnvFile('.env');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

try {
  const config = parseConfig(LocalConfig, process.env);
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  if (config.BUILD_WEB) buildWebIfNeeded(repoRoot, (m) => console.log(m));
  // Everything the panel writes from here on (database, logs, mail, keys) is private to this user.
  keepNewFilesPrivate();
  const runtime = await startLocal(config, { logger });
  console.log('');
  console.log(`  PurelyManage is running at ${runtime.url}`);
  console.log(runtime.sandboxUrl ? `  PurelyMail: built-in sandbox at ${runtime.sandboxUrl} (changes do not reach PurelyMail)` : '  PurelyMail: live API');
  if (runtime.sandboxDns) console.log(`  DNS: the sandbox's records served at ${runtime.sandboxDns}`);
  if (runtime.setupUrl) {
    console.log('');
    console.log('  No admin exists yet. Create the first one with this one-time link (valid 24 h):');
    console.log(`  ${runtime.setupUrl}`);
  }
  console.log('');
  console.log('  Press Ctrl-C to stop.');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(cliFailureSentence(err));
  process.exit(1);
}
