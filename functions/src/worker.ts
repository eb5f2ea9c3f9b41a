/**
 * The one surface of `functions` the migration worker (migrator-container) imports, as `@app/functions/worker`:
 * its configuration, its composition (run stores, secret opener, address rule, the worker's half of a run), the
 * ports the container implements (the imapsync runner, the run log), and what its imapsync wrapper shares with
 * the IMAP adapters (mailbox names, the address rule's types). The package's exports map and a lint rule
 * (eslint.config.js) keep the container from reaching anything else.
 */
export { WorkerConfig } from './platform/config/worker-config.ts';
export { ConfigError, parseConfig } from './platform/config/parse-config.ts';
export { composeWorker } from './platform/composition/worker.ts';
export { imapPolicy } from './platform/composition/imap-policy.ts';
export { createJsonLogger, type Logger } from './platform/logger.ts';
export type { ImapTargetPolicy } from './adapters/imap/ssrf-guard.ts';
export { decodeMailboxName, encodeMailboxName } from './adapters/imap/mailbox-name.ts';
export type { ImapsyncEndpoint, ImapsyncRequest, ImapsyncResult, ImapsyncRunner, RunLogSink } from './modules/migrations/ports.ts';
export { ProgressWriter } from './modules/migrations/progress-writer.ts';
