import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'pm-cli-'));
const PASSWORD = 'cli created passphrase 2026';

function cli(args: string[], stdin: string) {
  return spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['functions/src/local/admin-cli.ts', ...args], {
    cwd: repoRoot,
    input: stdin,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, PASSWORD_SCRYPT_LOG_N: '12', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
}

// `npm run admin`: for when nobody can log in. The password comes from stdin, never argv.
describe('admin CLI', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates an owner from a piped password, refuses bad input, and resets a password', async () => {
    const bad = cli(['create', '--email', 'not-an-email'], PASSWORD);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--email is not a valid email address/);
    const weak = cli(['create', '--email', 'ops@example.com'], 'short');
    expect(weak.status).toBe(2);
    expect(weak.stderr).toMatch(/at least 15 characters/);

    const created = cli(['create', '--email', 'Ops@Example.com', '--name', 'Ops'], `${PASSWORD}\n`);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/Created owner ops@example.com/);
    expect(created.stdout + created.stderr).not.toContain(PASSWORD);
    expect(cli(['create', '--email', 'ops@example.com'], PASSWORD).stderr).toMatch(/already exists/);

    const common = cli(['reset-password', '--email', 'ops@example.com'], 'MailCreated5240');
    expect(common.status).toBe(1);
    expect(common.stderr).toMatch(/one of the 3,000 most common passwords/);
    expect(cli(['create', '--email', 'ops2@example.com'], 'passwordpassword').stderr).toMatch(/most common passwords/);

    const reset = cli(['reset-password', '--email', 'ops@example.com'], 'a brand new passphrase 99');
    expect(reset.status).toBe(0);

    const t = await startTestRuntime({ DATA_DIR: dataDir });
    try {
      expect(t.runtime.setupUrl).toBeUndefined(); // an admin exists: no setup link
      const c = new ApiClient(t.runtime.url);
      expect((await c.post('/api/auth/login', { email: 'ops@example.com', password: PASSWORD })).status).toBe(401);
      expect((await c.post('/api/auth/login', { email: 'ops@example.com', password: 'a brand new passphrase 99' })).status).toBe(200);
      const audit = await c.json<{ entries: { actor: string; action: string }[] }>(c.get('/api/audit?actor=cli'));
      expect(audit.entries.map((e) => e.action).sort()).toEqual(['admin.create', 'admin.password.reset']);
    } finally {
      await t.close();
    }
  });
});
