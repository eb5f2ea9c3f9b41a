import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DOVECOT = '/usr/sbin/dovecot';

export interface Dovecot {
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitForGreeting(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('* OK'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not answer on 127.0.0.1:${port}`);
}

/**
 * A private dovecot (plaintext IMAP only, `ssl = no`) on a free loopback port, from a temp dir, with a
 * passwd-file of `{PLAIN}` users (config as in reference/imapsync.md §4). Fails loudly when dovecot is missing.
 */
export async function startDovecot(users: Record<string, string>): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) throw new Error('dovecot is not installed: run `apt-get install dovecot-imapd` (the IMAP login tests need a real server).');
  const dir = mkdtempSync(join(tmpdir(), 'dovecot-'));
  const port = await freePort();
  // The auth and imap processes run as other users (dovecot, mail): they must reach the dir and the users file.
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d));
  chownSync(join(dir, 'mail'), 8, 8);
  writeFileSync(join(dir, 'users'), Object.entries(users).map(([u, p]) => `${u}:{PLAIN}${p}::::::\n`).join(''));
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `instance_name = test-${port}
base_dir = ${dir}/run
state_dir = ${dir}/state
protocols = imap
listen = 127.0.0.1
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 8
first_valid_gid = 8
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
  default_fields = uid=mail gid=mail home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  // The master daemonizes and keeps inherited descriptors: no pipes, or spawnSync would wait for ever.
  const started = spawnSync(DOVECOT, ['-c', conf], { stdio: 'ignore' });
  if (started.status !== 0) {
    const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`dovecot failed to start (status ${started.status}): ${log}`);
  }
  const stop = async () => {
    const pidFile = join(dir, 'run', 'master.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 50 && existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForGreeting(port, Date.now() + 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop };
}
