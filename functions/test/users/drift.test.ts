import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIFT_AUDIT_ACTION } from '../../src/modules/cache/refresh-cache.ts';
import { startPendingFixture, type PendingFixture } from '../pending-actions/pending-fixture.ts';

describe('cache refresh notices changes made outside PurelyManage', () => {
  let f: PendingFixture;
  beforeAll(async () => {
    f = await startPendingFixture();
    await f.refreshCache();
  });
  afterAll(() => f.close());
  const driftEntries = async () => (await f.audit.query({ action: DRIFT_AUDIT_ACTION, limit: 50 })).entries;

  it('records nothing for a refresh that finds what the cache expected (including our own write-throughs)', async () => {
    await f.purelymail.createUser({ userName: 'ours', domainName: 'northwind.example', password: 'our-password-1234' });
    await f.cache.addUser('ours@northwind.example'); // what the users module does after createUser
    await f.refreshCache();
    expect(await driftEntries()).toEqual([]);
  });

  it('records one "system" entry with what changed in PurelyMail\'s console or by a script', async () => {
    // Prepare: changes behind the panel's back
    await f.purelymail.createUser({ userName: 'console', domainName: 'northwind.example', password: 'console-password-1234' });
    await f.purelymail.deleteUser({ userName: 'noah@northwind.example' });
    await f.purelymail.deleteRoutingRule({ routingRuleId: 6 });
    await f.purelymail.updateDomainSettings({ name: 'oakridge.example', symbolicSubaddressing: false });
    // Act
    await f.refreshCache();
    await f.refreshCache(); // a second refresh has nothing new to say
    // Assess
    const entries = await driftEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'system',
      result: 'ok',
      target: 'Changed outside PurelyManage: 1 user created, 1 user deleted, 1 domain changed, 1 rule deleted',
    });
    expect(entries[0]!.details).toContain('user created: console@northwind.example');
    expect(entries[0]!.details).toContain('user deleted: noah@northwind.example');
    expect(entries[0]!.details).toContain('rule deleted: #6');
  });
});
