import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, readFixtureLog } from './fixture-files.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'src', 'parse-log-cli.ts');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, json: r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : null };
}

describe('parse-log CLI', () => {
  it('summarises a gzipped log, taking the exit status from the sibling .exit file', () => {
    const r = run([join(FIXTURE_DIR, '01-success.log.gz')]);
    expect(r.json).toEqual({
      exitClass: 'succeeded', verdictOk: true, messagesTransferred: 300, bytesTransferred: 12017210,
      messagesSkipped: 0, errors: 0, foldersSynced: 8, foldersTotal: 8,
    });
  });

  it('maps a signal death via the .exit file, and --stop-requested turns it into a cancel', () => {
    const file = join(FIXTURE_DIR, '09-sigterm-midway.log');
    expect(run([file]).json).toMatchObject({ exitClass: 'interrupted', messagesTransferred: 100, foldersSynced: 5, foldersTotal: 8 });
    expect(run([file, '--stop-requested']).json).toMatchObject({ exitClass: 'cancelled' });
    expect(run([file, '--signal', 'SIGKILL']).json).toMatchObject({ exitClass: 'interrupted' });
  });

  it('reads stdin with --exit', () => {
    const r = run(['--exit', '161'], readFixtureLog('03-wrong-source-password'));
    expect(r.json).toMatchObject({ exitClass: 'auth_source', verdictOk: false, messagesTransferred: 0, errors: 1 });
  });

  it('fails with status 2 on a bad --exit value', () => {
    const r = run(['--exit', 'abc'], '');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--exit wants a number/);
  });
});
