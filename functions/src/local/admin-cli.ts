import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AdminEmail, AdminName, AdminPassword } from '@app/shared';
import { createSdkTable } from '../adapters/dynamodb/sdk-table.ts';
import { startLocalDynamo } from '../adapters/dynamodb/local-dynalite.ts';
import { makeAdminCli } from './admin-cli-commands.ts';
import { readPasswordFromStdin } from './read-password.ts';

// `npm run admin -- create --email E [--name N] [--table T]` and `reset-password --email E`.
// The password is read from standard input (never argv, which other users can see in `ps`).
// Locally it opens the dynalite data under .data/; with --table (or TABLE_NAME and AWS credentials) it
// talks to the deployed DynamoDB table.
const repoRoot = resolve(import.meta.dirname, '../../..');
process.chdir(repoRoot);
if (existsSync('.env')) process.loadEnvFile('.env');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const command = args[0];
const usage = 'Usage: npm run admin -- create --email EMAIL [--name NAME] [--table TABLE]\n       npm run admin -- reset-password --email EMAIL [--table TABLE]\nThe password is read from standard input.';

if (command !== 'create' && command !== 'reset-password') {
  console.error(usage);
  process.exit(2);
}
const email = AdminEmail.safeParse(flag('email') ?? '');
if (!email.success) {
  console.error(`--email ${email.error.issues[0]?.message ?? 'is invalid'}\n${usage}`);
  process.exit(2);
}
const name = AdminName.safeParse(flag('name') ?? email.data.split('@')[0]);
if (!name.success) {
  console.error(`--name ${name.error.issues[0]?.message}`);
  process.exit(2);
}
const password = AdminPassword.safeParse(await readPasswordFromStdin('Password (15+ characters): '));
if (!password.success) {
  console.error(`The password ${password.error.issues[0]?.message}.`);
  process.exit(2);
}

const remoteTable = flag('table');
const local = remoteTable ? undefined : await startLocalDynamo({ path: resolve(process.env.DATA_DIR ?? '.data', 'dynamodb'), tableName: process.env.TABLE_NAME ?? 'purelymanage' });
const table = local?.table ?? createSdkTable(remoteTable!);
try {
  const cli = makeAdminCli(table, Number(process.env.PASSWORD_SCRYPT_LOG_N ?? 17));
  const message = command === 'create' ? await cli.create(email.data, name.data, password.data) : await cli.resetPassword(email.data, password.data);
  console.log(message);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await local?.close();
}
