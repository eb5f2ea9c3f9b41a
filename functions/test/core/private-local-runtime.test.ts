import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const PASSWORD = 'a private panel passphrase 7';
const dirs: string[] = [];
const children: ChildProcess[] = [];

/** TCP ports the process `pid` listens on: its socket inodes matched against LISTEN rows of /proc/net/tcp{,6}. */
function listeningTcpPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const file of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT; st 0A is LISTEN; the inode is the 10th column.
      if (cols[3] === '0A' && inodes.has(cols[9]!)) ports.push(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/** Every entry under `dir` (itself included) with its type and permission bits, e.g. `logs/old.log file 600`. */
function modes(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string, rel: string) => {
    const s = lstatSync(path);
    const type = s.isDirectory() ? 'dir' : s.isSocket() ? 'socket' : s.isFile() ? 'file' : 'other';
    out.push(`${rel || '.'} ${type} ${(s.mode & 0o777).toString(8)}`);
    if (s.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name), rel ? `${rel}/${name}` : name);
  };
  walk(dir, '');
  return out;
}

/** `npm start` as users run it (main.ts in its own process), on free ports; resolves with the banner's URLs. */
async function startPanel(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/src/local/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', PASSWORD_SCRYPT_LOG_N: '12', LOG_LEVEL: 'error', DNS_TIER_INTERVAL_MINUTES: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up: ${out} ${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${out} ${err}`)));
  });
  const port = (re: RegExp) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : undefined;
  };
  return {
    child,
    url: /running at (http:\/\/\S+)/.exec(out)![1]!,
    panelPort: port(/running at http:\/\/[^:]+:(\d+)/)!,
    sandboxPort: port(/built-in sandbox at http:\/\/[^:]+:(\d+)/),
    dnsPort: port(/records served at [^:]+:(\d+)/),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function adminCli(dataDir: string, args: string[], stdin: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'functions/src/local/admin-cli.ts', ...args], {
    cwd: repoRoot,
    input: stdin,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, PASSWORD_SCRYPT_LOG_N: '12', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
}

const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-private-'));
  dirs.push(dir);
  return dir;
};

// Issue 15 (high): the local database was dynalite on a loopback TCP port, open to every local user and web page.
describe('npm start: a private local database', () => {
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('listens on TCP only for the panel and the sandbox, keeps DATA_DIR 0700/0600 (also an existing, loose one), and the admin CLI works while it runs and after', async () => {
    const dataDir = newDataDir();
    // A folder left by an older version or copied around: world-readable directories and files.
    mkdirSync(join(dataDir, 'logs'));
    writeFileSync(join(dataDir, 'logs', 'run_old.log'), 'an old run log\n');
    writeFileSync(join(dataDir, 'notes.txt'), 'left here\n');
    for (const [p, m] of [[dataDir, 0o755], [join(dataDir, 'logs'), 0o777], [join(dataDir, 'logs', 'run_old.log'), 0o644], [join(dataDir, 'notes.txt'), 0o666]] as const) chmodSync(p, m);

    const panel = await startPanel(dataDir);
    // The panel's port, the sandbox's API and the sandbox's DNS server (TCP for long answers): nothing else.
    expect(panel.sandboxPort).toBeGreaterThan(0);
    expect(panel.dnsPort).toBeGreaterThan(0);
    expect(listeningTcpPorts(panel.child.pid!)).toEqual([panel.panelPort, panel.sandboxPort!, panel.dnsPort!].sort((a, b) => a - b));

    const seen = modes(dataDir);
    expect(seen).toContain('dynamodb.sock socket 600');
    expect(seen).toContain('logs/run_old.log file 600');
    expect(seen).toContain('notes.txt file 600');
    expect(seen.filter((l) => !/ (dir 700|file 600|socket 600)$/.test(l))).toEqual([]);
    expect(seen.length).toBeGreaterThan(8); // the database's files are among them

    // The admin CLI while the panel runs: through the panel's socket, and the panel sees the new owner at once.
    const created = adminCli(dataDir, ['create', '--email', 'ops@example.com', '--name', 'Ops'], `${PASSWORD}\n`);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/Created owner ops@example.com/);
    expect(created.status).toBe(0);
    const ops = new ApiClient(panel.url);
    expect((await ops.post('/api/auth/login', { email: 'ops@example.com', password: PASSWORD })).status).toBe(200);
    // A failure is one plain sentence, no stack trace.
    const missing = adminCli(dataDir, ['reset-password', '--email', 'nobody@example.com'], 'another long passphrase 8\n');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual(['There is no admin with the email nobody@example.com.']);
    // What the running panel wrote meanwhile is private too.
    expect(modes(dataDir).filter((l) => !/ (dir 700|file 600|socket 600)$/.test(l))).toEqual([]);

    await panel.stop();
    // Nothing runs: the CLI opens the data itself.
    const reset = adminCli(dataDir, ['reset-password', '--email', 'ops@example.com'], 'a fresh panel passphrase 99\n');
    expect(reset.stderr).toBe('');
    expect(reset.status).toBe(0);
    expect(modes(dataDir).filter((l) => !/ (dir 700|file 600|socket 600)$/.test(l))).toEqual([]);
  });

  it('with a live PurelyMail token, the panel is the only listening TCP port; a second panel on the same data is refused in one sentence', async () => {
    const dataDir = newDataDir();
    const panel = await startPanel(dataDir, { PURELYMAIL_API_TOKEN: 'live-token-for-test', PURELYMAIL_BASE_URL: 'http://127.0.0.1:9' });
    expect(panel.sandboxPort).toBeUndefined();
    expect(listeningTcpPorts(panel.child.pid!)).toEqual([panel.panelPort]);

    const second = spawnSync(process.execPath, ['--import', 'tsx', 'functions/src/local/main.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', PURELYMAIL_API_TOKEN: 'x', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual(['PurelyManage is already running with this data directory (its database socket answers); stop it first, or use the running panel.']);
    await panel.stop();
  });

  it('the admin CLI fails in one sentence when DATA_DIR is not a directory', () => {
    const dataDir = newDataDir();
    const file = join(dataDir, 'a-file');
    writeFileSync(file, '');
    const r = adminCli(file, ['create', '--email', 'ops@example.com'], `${PASSWORD}\n`);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/is not a usable directory/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
