/**
 * `npm run sandbox`: the PurelyMail sandbox on its own, for demos and manual testing.
 * PORT (default 8788), SANDBOX_TOKEN (default "sandbox-token"); state in .data/sandbox-state.json.
 */
import { resolve } from 'node:path';
import { startSandbox } from './purelymail-sandbox/sandbox-server.ts';

const port = Number(process.env.PORT ?? 8788);
const token = process.env.SANDBOX_TOKEN ?? 'sandbox-token';
const statePath = resolve(process.cwd(), '.data', 'sandbox-state.json');

const sandbox = await startSandbox({ port, token, statePath, seed: true });
// The token is a sandbox default or chosen by the operator; it is still not printed.
console.log(`PurelyMail sandbox listening on ${sandbox.url} (state: ${statePath})`);
console.log(`Controls: ${sandbox.url}/__sandbox/state`);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`${signal}: shutting down`);
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
