/**
 * `npm run bench:users`: latency of `GET /api/users` (authenticated, 1,000 users from the cache in
 * dynalite) on the local runtime in this process, against a bare Hono route returning a 1,000-element
 * JSON array on @hono/node-server in the same process: same fetch client, same sequential loop
 * (30 warm-up, then 1,000 timed requests each, interleaved: with 300 the p99 was the 3rd-slowest request and
 * moved by half from run to run). Target: users p99 ≤ 3 × bare p99.
 *
 * Two passes, both dynalite (the DynamoDB stand-in), which here runs inside the measured process: its work
 * competes with the app's for the same CPU, where DynamoDB's would happen on AWS's side. The target is timed
 * with dynalite keeping its data in memory; the second pass is `npm start`'s own setup, LevelDB on disk (a
 * native thread-pool hop and a read of the ~100 kB cache item per page), printed as a diagnostic, with
 * dynalite's GetItem latency alone in each pass. On this machine the disk pass measures about 3.7× (README).
 *
 * Diagnostics (not the target): `GET /api/auth/me` on the same session splits the session's cost from the
 * list's; CPU per request (process.cpuUsage: the client, the app and dynalite all run in this process) is
 * steadier than wall time when other work shares the machine; the load average says whether it did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { CSRF_HEADER } from '@app/shared';
import { startLocal } from '../functions/src/local/start-local.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SETTINGS_KEY } from '../functions/src/adapters/dynamodb/dynamodb-settings-store.ts';
import { LocalConfig } from '../functions/src/platform/config/local-config.ts';
import { parseConfig } from '../functions/src/platform/config/parse-config.ts';
import { createJsonLogger } from '../functions/src/platform/logger.ts';
import { percentile, round, summary } from './lib.ts';

const USERS = 1000;
const WARMUP = 30;
const REQUESTS = 1000;
const TARGET_RATIO = 3;

interface Measured {
  users: number;
  fromCache: boolean;
  up50: number;
  up99: number;
  bp50: number;
  bp99: number;
  ratio: number;
}

/** One pass: a fresh local runtime with dynalite on the given storage, 1,000 users, the timed loop. */
async function measure(storage: 'memory' | 'disk'): Promise<Measured> {
  console.log(`— dynalite ${storage === 'memory' ? 'in memory (the target)' : 'on disk, as npm start runs it (diagnostic)'}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-bench-users-'));
  const config = parseConfig(LocalConfig, { DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', PASSWORD_SCRYPT_LOG_N: '12', LOG_LEVEL: 'silent', DNS_TIER_INTERVAL_MINUTES: '0' });
  const runtime = await startLocal(config, { logger: createJsonLogger({ level: 'silent', write: () => {} }), dynamoStorage: storage });
  let bare: ServerType | undefined;
  try {
    const sandbox = runtime.sandbox!;
    // Owner through first-run setup, as the SPA does; the session cookie authenticates the loop.
    const token = new URL(runtime.setupUrl!).hash.replace('#token=', '');
    const write = { 'content-type': 'application/json', origin: runtime.url, [CSRF_HEADER]: '1' };
    const setup = await fetch(`${runtime.url}/api/setup`, { method: 'POST', headers: write, body: JSON.stringify({ token, email: 'owner@bench.example', name: 'Bench Owner', password: 'correct horse battery staple 42' }) });
    if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
    const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('__Host-pm_sid='));
    if (!cookie) throw new Error('setup set no session cookie');

    // Fill the sandbox up to 1,000 users through its PurelyMail API (the seed has a few dozen).
    const seeded = Object.keys(sandbox.state.users).length;
    const domains = Object.keys(sandbox.state.domains);
    const t0 = performance.now();
    const missing = Array.from({ length: Math.max(0, USERS - seeded) }, (_, i) => i);
    const create = async (i: number) => {
      const res = await fetch(`${sandbox.url}/api/v0/createUser`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'purelymail-api-token': sandbox.token },
        body: JSON.stringify({ userName: `bench${String(i).padStart(4, '0')}`, domainName: domains[i % domains.length], password: 'bench-password-1', sendWelcomeEmail: false }),
      });
      const body = (await res.json()) as { type?: string };
      if (body.type === 'error') throw new Error(`createUser: ${JSON.stringify(body)}`);
    };
    for (let i = 0; i < missing.length; i += 8) await Promise.all(missing.slice(i, i + 8).map(create));
    const total = Object.keys(sandbox.state.users).length;
    console.log(`sandbox: ${seeded} seeded + ${missing.length} created = ${total} users in ${Math.round(performance.now() - t0)} ms`);

    const auth = { cookie };
    const refresh = await fetch(`${runtime.url}/api/users/refresh`, { method: 'POST', headers: { ...write, ...auth } });
    if (!refresh.ok) throw new Error(`refresh failed: ${refresh.status} ${await refresh.text()}`);
    await refresh.arrayBuffer();
    const requestsBefore = sandbox.requests().length;

    // The baseline: a bare Hono route with a 1,000-element array, same process, same client.
    // The users list is a sorted array of addresses plus a few small fields: the baseline is 1,000 addresses.
    const items = Array.from({ length: USERS }, (_, i) => `bench${String(i).padStart(4, '0')}@northwind.example`);
    const app = new Hono().get('/bare', (c) => c.json(items));
    bare = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/bare`;

    let usersBytes = 0;
    let usersCount = 0;
    const cpu: Record<string, number[]> = { users: [], bare: [], me: [] };
    const timeOne = async (url: string, headers: Record<string, string>, cpuOf?: number[]): Promise<{ ms: number; text: string }> => {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const res = await fetch(url, { headers });
      const text = await res.text();
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpuStart);
      cpuOf?.push((used.user + used.system) / 1000);
      if (!res.ok) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
      return { ms, text };
    };
    const loadBefore = loadavg()[0]!;
    for (let i = 0; i < WARMUP; i++) {
      await timeOne(`${runtime.url}/api/users`, auth);
      await timeOne(bareUrl, {});
      await timeOne(`${runtime.url}/api/auth/me`, auth);
    }
    const usersMs: number[] = [];
    const bareMs: number[] = [];
    // Not a target: an authenticated route with little work, to split the session's cost from the list's.
    const meMs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const u = await timeOne(`${runtime.url}/api/users`, auth, cpu.users);
      usersMs.push(u.ms);
      if (i === 0) {
        usersBytes = u.text.length;
        const parsed = JSON.parse(u.text) as { users?: unknown[] } | unknown[];
        usersCount = Array.isArray(parsed) ? parsed.length : (parsed.users?.length ?? 0);
      }
      bareMs.push((await timeOne(bareUrl, {}, cpu.bare)).ms);
      meMs.push((await timeOne(`${runtime.url}/api/auth/me`, auth, cpu.me)).ms);
    }
    const loadAfter = loadavg()[0]!;
    const fromCache = sandbox.requests().length === requestsBefore;
    const up50 = percentile(usersMs, 50);
    const up99 = percentile(usersMs, 99);
    const bp50 = percentile(bareMs, 50);
    const bp99 = percentile(bareMs, 99);
    const ratio = up99 / bp99;
    console.log(`GET /api/users: ${usersCount} users, ${round(usersBytes / 1024, 1)} kB JSON, ${fromCache ? 'served from the cache (no PurelyMail call during the loop)' : 'WARNING: PurelyMail was called during the loop'}`);
    console.log(`GET /api/users (${REQUESTS} sequential): p50 ${round(up50)} ms, p99 ${round(up99)} ms, max ${round(Math.max(...usersMs))} ms`);
    console.log(`bare Hono route (${REQUESTS} sequential): p50 ${round(bp50)} ms, p99 ${round(bp99)} ms, max ${round(Math.max(...bareMs))} ms`);
    console.log(`GET /api/auth/me, same session (${REQUESTS} sequential, diagnostic): p50 ${round(percentile(meMs, 50))} ms, p99 ${round(percentile(meMs, 99))} ms`);
    console.log(`ratios: p50 ${round(up50 / bp50)}, p99 ${round(ratio)}`);
    // Diagnostics: the list's own share (users minus the session-only route), in wall and CPU time.
    const cpu50 = (name: string) => round(percentile(cpu[name]!, 50));
    console.log(`after the session (users - me): p50 ${round(up50 - percentile(meMs, 50))} ms wall, ${round(percentile(cpu.users!, 50) - percentile(cpu.me!, 50))} ms CPU`);
    console.log(`CPU per request, p50 (client + app + dynalite, this process): users ${cpu50('users')} ms, me ${cpu50('me')} ms, bare ${cpu50('bare')} ms`);
    const cores = availableParallelism();
    const busy = Math.max(loadBefore, loadAfter) > cores;
    console.log(`load average (1 min) ${round(loadBefore)} before, ${round(loadAfter)} after, on ${cores} cores${busy ? ': WARNING the machine was busy with other work; wall-time tails are not representative' : ''}`);
    // The store alone: a small item read through our client, so the storage's own tail is visible.
    const getMs: number[] = [];
    const { doc, name } = runtime.table;
    for (let i = 0; i < 1030; i++) {
      const start = performance.now();
      await doc.send(new GetCommand({ TableName: name, Key: SETTINGS_KEY, ConsistentRead: true }));
      if (i >= 30) getMs.push(performance.now() - start);
    }
    console.log(`dynalite GetItem alone (${getMs.length} sequential, ${storage}): p50 ${round(percentile(getMs, 50))} ms, p99 ${round(percentile(getMs, 99))} ms`);
    return { users: usersCount, fromCache, up50, up99, bp50, bp99, ratio };
  } finally {
    await new Promise<void>((resolve) => (bare ? bare.close(() => resolve()) : resolve()));
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const target = await measure('memory');
const onDisk = await measure('disk');
console.log(`on disk (diagnostic): p99 ${round(onDisk.up99)} ms vs bare ${round(onDisk.bp99)} ms, ratio ${round(onDisk.ratio)}`);
summary('users-bench', {
  users: target.users,
  p50_ms: round(target.up50),
  p99_ms: round(target.up99),
  bare_p50_ms: round(target.bp50),
  bare_p99_ms: round(target.bp99),
  ratio: round(target.ratio),
  target: `<=${TARGET_RATIO}`,
  met: target.ratio <= TARGET_RATIO && target.users >= USERS && target.fromCache,
  disk_p99_ms: round(onDisk.up99),
  disk_ratio: round(onDisk.ratio),
});
