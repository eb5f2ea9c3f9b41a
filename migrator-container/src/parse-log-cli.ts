// Summarises a captured imapsync log: npm run -w migrator-container parse-log -- FILE [--exit N | --signal SIGTERM] [--stop-requested]
// Reads stdin when no FILE is given; FILE may be gzipped (.gz). Without --exit/--signal it reads a sibling
// NAME.exit (shell-style status, 143 = SIGTERM) when there is one.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { exitFromShellStatus, type ProcessExit } from './imapsync/classify-exit.ts';
import { ImapsyncParser } from './imapsync/imapsync-parser.ts';

class UsageError extends Error {}

function readInput(file: string | undefined): string {
  const bytes = file === undefined ? readFileSync(0) : readFileSync(file);
  return (file?.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

function exitFor(file: string | undefined, exitArg: string | undefined, signalArg: string | undefined): ProcessExit {
  if (exitArg !== undefined) {
    if (!/^\d+$/.test(exitArg)) throw new UsageError(`--exit wants a number, got ${exitArg}`);
    return { code: Number(exitArg), signal: null };
  }
  if (signalArg !== undefined) return { code: null, signal: signalArg.startsWith('SIG') ? signalArg : `SIG${signalArg}` };
  if (file !== undefined) {
    const sibling = `${file.replace(/\.gz$/, '').replace(/\.log$/, '')}.exit`;
    if (existsSync(sibling)) return exitFromShellStatus(Number(readFileSync(sibling, 'utf8').trim()));
  }
  return { code: null, signal: null };
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { exit: { type: 'string' }, signal: { type: 'string' }, 'stop-requested': { type: 'boolean', default: false } },
  });
  if (positionals.length > 1) throw new UsageError('at most one FILE');
  // `npm run -w` changes the cwd to the workspace; resolve FILE against where the user typed the command.
  const file = positionals[0] === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]);
  const parser = new ImapsyncParser();
  const text = readInput(file);
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    parser.push(text.slice(start, nl));
    start = nl + 1;
  }
  if (start < text.length) parser.push(text.slice(start));
  const r = parser.finish(exitFor(file, values.exit, values.signal), { stopRequested: values['stop-requested'] });
  const summary = {
    exitClass: r.exitClass,
    verdictOk: r.verdictOk,
    messagesTransferred: r.stats.transferred,
    bytesTransferred: r.stats.bytesTransferred,
    messagesSkipped: r.stats.skipped,
    errors: r.stats.errors,
    foldersSynced: r.stats.foldersSynced,
    foldersTotal: r.stats.foldersTotal,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`parse-log: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
