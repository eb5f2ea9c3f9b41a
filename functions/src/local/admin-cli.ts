import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AdminEmail, AdminName, AdminPassword } from '@app/shared';
import { startLocalDynamo, type LocalDynamo } from '../adapters/dynamodb/local-dynalite.ts';
import { dynamoSocketPath, socketAnswers, socketClientConfig } from '../adapters/dynamodb/local-socket.ts';
import { createTable, type Table } from '../adapters/dynamodb/table.ts';
import { makeAdminCli } from './admin-cli-commands.ts';
import { cliFailureSentence } from './cli-failure.ts';
import { keepNewFilesPrivate, makeDataDirPrivate } from './private-data-dir.ts';
import { readPasswordFromStdin } from './read-password.ts';

// `npm run admin -- create --email E [--name N] [--table T]` and `reset-password --email E`.
// The password is read from standard input (never argv, which other users can see in `ps`).
// Locally: while `npm start` runs, it reaches that panel's database over its private socket in DATA_DIR;
// otherwise it opens the data under DATA_DIR itself. With --table it talks to the deployed DynamoDB table
// (AWS credentials from the environment or a profile). Every failure is one plain sentence, never a stack.

const usage = 'Usage: npm run admin -- create --email EMAIL [--name NAME] [--table TABLE]\n       npm run admin -- reset-password --email EMAIL [--table TABLE]\nThe password is read from standard input.';

/** Exits with one sentence: an error from anywhere (a rejected promise, an emitted error) never prints a stack. */
const fail = (err: unknown, code = 1): never => {
  console.error(cliFailureSentence(err));
  process.exit(code);
};
process.on('uncaughtException', (err) => fail(err));
process.on('unhandledRejection', (err) => fail(err));

async function main(): Promise<number> {
  const repoRoot = resolve(import.meta.dirname, '../../..');
  process.chdir(repoRoot);
  if (existsSync('.env')) process.loadEnvFile('.env');
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  keepNewFilesPrivate();

  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const command = args[0];
  if (command !== 'create' && command !== 'reset-password') {
    console.error(usage);
    return 2;
  }
  const email = AdminEmail.safeParse(flag('email') ?? '');
  if (!email.success) {
    console.error(`--email ${email.error.issues[0]?.message ?? 'is invalid'}\n${usage}`);
    return 2;
  }
  const name = AdminName.safeParse(flag('name') ?? email.data.split('@')[0]);
  if (!name.success) {
    console.error(`--name ${name.error.issues[0]?.message}`);
    return 2;
  }
  const password = AdminPassword.safeParse(await readPasswordFromStdin('Password (15+ characters): '));
  if (!password.success) {
    console.error(`The password ${password.error.issues[0]?.message}.`);
    return 2;
  }

  const { table, close } = await openTable(flag('table'));
  try {
    const cli = makeAdminCli(table, Number(process.env.PASSWORD_SCRYPT_LOG_N ?? 17));
    console.log(command === 'create' ? await cli.create(email.data, name.data, password.data) : await cli.resetPassword(email.data, password.data));
    return 0;
  } finally {
    await close();
  }
}

/** The deployed table (--table), the running panel's database (its socket answers), or the data opened here. */
async function openTable(remoteTable: string | undefined): Promise<{ table: Table; close(): Promise<void> }> {
  if (remoteTable) {
    const table = createTable(remoteTable);
    return { table, close: async () => table.destroy() };
  }
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const tableName = process.env.TABLE_NAME ?? 'purelymanage';
  const socketPath = dynamoSocketPath(dataDir);
  if (await socketAnswers(socketPath)) {
    const table = createTable(tableName, socketClientConfig(socketPath));
    return { table, close: async () => table.destroy() };
  }
  makeDataDirPrivate(dataDir);
  const local: LocalDynamo = await startLocalDynamo({ path: join(dataDir, 'dynamodb'), tableName, socketPath });
  return { table: local.table, close: () => local.close() };
}

main().then((code) => process.exit(code), (err: unknown) => fail(err));
