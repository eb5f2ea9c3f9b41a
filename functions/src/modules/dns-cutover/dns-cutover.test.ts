import { describe, expect, it } from 'vitest';
import { StoredItemInvalidError } from '../errors.ts';
import { makeDnsCutover } from './dns-cutover.ts';
import type { MxAnswer, MxResolver } from './ports.ts';

const clock = { now: () => new Date('2026-12-07T06:00:00Z') };
const resolver = (label: string, answer: MxAnswer | Error): MxResolver => ({
  label,
  mx: async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  },
  authoritativeMx: async () => null,
});
const mx = (...exchanges: string[]): MxAnswer => ({ hosts: exchanges.map((exchange, i) => ({ exchange, priority: 10 * (i + 1) })), ttlSeconds: 120, authoritative: false });

describe('resolution watch', () => {
  it('is "everywhere" only when every resolver answers PurelyMail’s host and nothing else', async () => {
    const watch = (...resolvers: MxResolver[]) => makeDnsCutover({ provider: null, resolvers, clock, purelymailMxVerdict: async () => true }).watch('Example.com.');
    const all = await watch(resolver('a', mx('mailserver.purelymail.com')), resolver('b', mx('MailServer.PurelyMail.com')));
    expect(all).toMatchObject({ everywhere: true, asked: 2, purelymailVerdict: true, at: '2026-12-07T06:00:00.000Z' });
    // One resolver still has the old host beside PurelyMail's: senders may still deliver there.
    const mixed = await watch(resolver('a', mx('mailserver.purelymail.com')), resolver('b', mx('mailserver.purelymail.com', 'mx.oldhost.net')));
    expect(mixed.everywhere).toBe(false);
    expect(mixed.resolvers[1]).toEqual({ resolver: 'b', mx: ['mailserver.purelymail.com', 'mx.oldhost.net'], purelymail: false, error: null });
    // No MX at all, a failed resolver, or no resolver: not "everywhere" (we cannot know).
    expect((await watch(resolver('a', mx()))).everywhere).toBe(false);
    expect((await watch(resolver('a', mx('mailserver.purelymail.com')), resolver('b', new Error('b answered SERVFAIL for MX example.com')))).resolvers[1]).toEqual({ resolver: 'b', mx: [], purelymail: false, error: 'b answered SERVFAIL for MX example.com' });
    expect(await watch()).toMatchObject({ everywhere: false, asked: 0, resolvers: [] });
  });

  it('reports PurelyMail’s verdict as unknown when reading it fails', async () => {
    const c = makeDnsCutover({ provider: null, resolvers: [], clock, purelymailMxVerdict: () => Promise.reject(new Error('PurelyMail is down')) });
    expect((await c.watch('example.com')).purelymailVerdict).toBeNull();
  });
});

describe('old MX', () => {
  it("takes the highest TTL the resolvers report when no authoritative answer comes, and every host once, by priority", async () => {
    const c = makeDnsCutover({
      provider: null,
      resolvers: [resolver('a', { ...mx('mx2.old.net'), ttlSeconds: 90 }), resolver('b', { hosts: [{ exchange: 'mx1.old.net', priority: 5 }, { exchange: 'mx2.old.net', priority: 10 }], ttlSeconds: 3400, authoritative: false }), resolver('c', new Error('c did not answer within 2 s'))],
      clock,
    });
    expect(await c.oldMx('example.com')).toEqual({ hosts: ['mx1.old.net', 'mx2.old.net'], ttlSeconds: 3400, ttlFrom: 'resolver', readAt: '2026-12-07T06:00:00.000Z', asked: 3, answered: 2, error: null });
    expect(await makeDnsCutover({ provider: null, resolvers: [], clock }).oldMx('example.com')).toMatchObject({ hosts: [], ttlSeconds: null, error: 'No DNS resolver is configured.' });
  });
});

describe('rollback', () => {
  it('refuses saved record sets that are not in the stored shape, changing nothing', async () => {
    const changes: unknown[] = [];
    const provider = { kind: 'sandbox' as const, zoneFor: (d: string) => d, read: async () => [], change: async (_z: string, c: readonly unknown[]) => (changes.push(c), { changeId: null }) };
    const c = makeDnsCutover({ provider, resolvers: [], clock });
    await expect(c.rollback('example.com', [{ name: 'example.com', type: 'SOA', existed: true, ttl: 1, values: ['x'] }])).rejects.toThrow(StoredItemInvalidError);
    expect(changes).toEqual([]);
    await c.rollback('example.com', [{ name: 'example.com', type: 'MX', existed: true, ttl: 3600, values: ['10 mx.old.net'] }]);
    expect(changes).toEqual([[{ action: 'UPSERT', recordSet: { name: 'example.com', type: 'MX', ttl: 3600, values: ['10 mx.old.net'] } }]]);
  });
});
