import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_DOMAINS, SEED_OWNERSHIP_CODE, SEED_PENDING_DOMAIN } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

/** `npm start` in sandbox mode: the sandbox's DNS is the provider, the loopback DNS server the resolver. */
describe('dnsCutover in the local runtime', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime();
  });
  afterAll(() => t.close());

  it('reads the seeded MX through the loopback DNS server, applies to the sandbox DNS, and sees the switch', async () => {
    const { dnsCutover } = t.runtime.deps;
    expect(await dnsCutover.oldMx(SEED_DOMAINS.healthy)).toMatchObject({ hosts: ['mailserver.purelymail.com'], ttlSeconds: 60, ttlFrom: 'authoritative', asked: 1, answered: 1 });

    const plan = await dnsCutover.plan(SEED_PENDING_DOMAIN, SEED_OWNERSHIP_CODE);
    expect(plan.provider).toEqual({ kind: 'sandbox', zone: SEED_PENDING_DOMAIN });
    expect(plan.changeSet!.length).toBeGreaterThan(0);
    expect((await dnsCutover.watch(SEED_PENDING_DOMAIN)).everywhere).toBe(false);

    const applied = await dnsCutover.apply(SEED_PENDING_DOMAIN, SEED_OWNERSHIP_CODE);
    expect(applied.provider).toBe('sandbox');
    const watch = await dnsCutover.watch(SEED_PENDING_DOMAIN);
    expect(watch).toMatchObject({ everywhere: true, asked: 1, resolvers: [{ resolver: t.runtime.sandboxDns, mx: ['mailserver.purelymail.com'], purelymail: true, error: null }] });
    // The domain is not on the sandbox's account yet: PurelyMail has no verdict to give.
    expect(watch.purelymailVerdict).toBeNull();

    await dnsCutover.rollback(SEED_PENDING_DOMAIN, applied.saved);
    expect(t.runtime.sandbox!.dns.zone(SEED_PENDING_DOMAIN).map((r) => r.type)).toEqual(['TXT']);
  });
});
