import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_OWNERSHIP_CODE, SEED_USER_COUNT, emptyState, seedState } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { saveStateFile } from '../../src/local/purelymail-sandbox/state-file.ts';
import { startFixture, TEST_TOKEN, type SandboxFixture } from './sandbox-fixture.ts';

const dirs: string[] = [];
const open: SandboxFixture[] = [];
function tempStatePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pm-sandbox-'));
  dirs.push(dir);
  return join(dir, 'nested', 'sandbox-state.json');
}
async function fixture(...args: Parameters<typeof startFixture>): Promise<SandboxFixture> {
  const f = await startFixture(...args);
  open.push(f);
  return f;
}
afterEach(async () => {
  for (const f of open.splice(0)) await f.sandbox.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps users, rules, DNS and credit across a restart', async () => {
    const statePath = tempStatePath();
    const first = await fixture({ statePath });
    await first.client.createUser({ userName: 'kept', domainName: 'northwind.example', password: 'pw-long-1' });
    await first.client.createRoutingRule({ domainName: 'northwind.example', prefix: false, matchUser: 'kept-rule', targetAddresses: ['kept@northwind.example'] });
    await first.control('PUT', 'dns/later.example', [{ name: '@', type: 'TXT', value: SEED_OWNERSHIP_CODE }]);
    await first.control('POST', 'credit', { credit: '-3.25' });
    await first.sandbox.close();
    open.splice(0);

    const second = await fixture({ statePath });
    expect((await second.client.listUser()).users).toContain('kept@northwind.example');
    expect(second.sandbox.verifyPassword('kept@northwind.example', 'pw-long-1')).toBe(true);
    expect((await second.client.listRoutingRules()).rules.some((r) => r.matchUser === 'kept-rule')).toBe(true);
    expect((await second.client.checkAccountCredit()).credit).toBe('-3.25');
    await second.client.addDomain({ domainName: 'later.example' });
  });

  it('writes no secrets to the state file', async () => {
    const statePath = tempStatePath();
    const f = await fixture({ statePath });
    await f.client.createUser({ userName: 'secretive', domainName: 'northwind.example', password: 'plain-text-password' });
    const { appPassword } = await f.client.createAppPassword({ userHandle: 'secretive@northwind.example' });
    const text = readFileSync(statePath, 'utf8');
    expect(text).toContain('secretive@northwind.example');
    expect(text).not.toContain('plain-text-password');
    expect(text).not.toContain(appPassword);
    expect(text).not.toContain(TEST_TOKEN);
  });

  it('a saved state wins over seeding; listUser caps a large account at 1000', async () => {
    const statePath = tempStatePath();
    const state = emptyState();
    state.domains['bulk.example'] = { allowAccountReset: true, symbolicSubaddressing: true, dnsSummary: { passesMx: false, passesSpf: false, passesDkim: false, passesDmarc: false } };
    const template = Object.values(seedState().users)[0]!;
    for (let i = 0; i < 1005; i++) state.users[`u${i}@bulk.example`] = { ...template };
    saveStateFile(statePath, state);

    const f = await fixture({ statePath, seed: true });
    expect((await f.client.listUser()).users).toHaveLength(1000);
    await f.client.createUser({ userName: 'onemore', domainName: 'bulk.example', password: 'pw-long-1' });
    expect(Object.keys(f.sandbox.state.users)).toHaveLength(1006);
    expect((await f.client.listUser()).users).toHaveLength(1000);
  });
});

describe('control API', () => {
  it('reset restores the seed, or an empty account', async () => {
    const f = await fixture();
    await f.client.deleteDomain({ name: 'northwind.example' });
    await f.control('POST', 'reset');
    expect((await f.client.listUser()).users).toHaveLength(SEED_USER_COUNT);
    await f.control('POST', 'reset', { seed: false });
    expect(await f.client.listUser()).toEqual({ users: [] });
    expect(await f.client.listDomains()).toEqual({ domains: [] });
  });

  it('state, dns and credit routes', async () => {
    const f = await fixture();
    const state = (await (await f.control('GET', 'state')).json()) as { credit: string; ownershipCode: string };
    expect(state.ownershipCode).toBe(SEED_OWNERSHIP_CODE);
    expect((await f.control('POST', 'credit', { credit: 'lots' })).status).toBe(400);
    expect((await f.control('PUT', 'dns/x.example', { records: [{ name: '@', type: 'SRV', value: 'x' }] })).status).toBe(400);
    const dns = (await (await f.control('GET', 'dns')).json()) as { records: unknown[] };
    expect(dns.records).toEqual(f.sandbox.dns.list());
    expect((await f.control('GET', 'nope')).status).toBe(404);
  });

  it('dns-check recomputes every domain like PurelyMail’s periodic check', async () => {
    const f = await fixture();
    await f.control('PUT', 'dns/northwind.example', []);
    expect((await f.client.listDomains()).domains.find((d) => d.name === 'northwind.example')?.dnsSummary.passesMx).toBe(true);
    await f.control('POST', 'dns-check');
    expect((await f.client.listDomains()).domains.find((d) => d.name === 'northwind.example')?.dnsSummary.passesMx).toBe(false);
  });
});
