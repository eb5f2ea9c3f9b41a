import { ChangeResourceRecordSetsCommand, GetChangeCommand, InvalidChangeBatch, ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRoute53DnsProvider } from '../../src/adapters/route53/route53-dns-provider.ts';
import { makeDnsCutover } from '../../src/modules/dns-cutover/dns-cutover.ts';
import { DnsProviderError } from '../../src/modules/dns-cutover/errors.ts';
import { ConflictError } from '../../src/modules/errors.ts';
import { mapError } from '../../src/http/on-error.ts';

const mock = mockClient(Route53Client);
const ZONE_ID = 'Z0123456789ABC';
const OWNERSHIP = 'purelymail_ownership_proof=0123abcd';
const clock = { now: () => new Date('2026-12-07T06:00:00Z') };

/** The hosted zone as Route 53 lists it: names with the trailing dot, TXT quoted (one value split in two strings). */
const zone: ResourceRecordSet[] = [
  { Name: 'example.com.', Type: 'MX', TTL: 3600, ResourceRecords: [{ Value: '10 mx1.oldhost.net.' }, { Value: '20 mx2.oldhost.net.' }] },
  { Name: 'example.com.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
  { Name: 'example.com.', Type: 'TXT', TTL: 3600, ResourceRecords: [{ Value: '"google-site-verification=" "xyz"' }, { Value: '"v=spf1 include:spf.oldhost.net -all"' }] },
  { Name: '_dmarc.example.com.', Type: 'TXT', TTL: 3600, ResourceRecords: [{ Value: '"v=DMARC1; p=none"' }] },
  { Name: 'www.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.1' }] },
];

/** ListResourceRecordSets as Route 53 answers it: the sets from StartRecordName on, in its order (here: the list's). */
function listFrom(records: ResourceRecordSet[]) {
  return (input: { StartRecordName?: string }) => {
    const start = records.findIndex((r) => r.Name === input.StartRecordName);
    return { ResourceRecordSets: start === -1 ? [] : records.slice(start), IsTruncated: false, MaxItems: 100 };
  };
}

const cutover = (syncWaitMs = 0) =>
  makeDnsCutover({
    provider: createRoute53DnsProvider({ client: new Route53Client({ region: 'us-east-1' }), zones: { 'example.com': `/hostedzone/${ZONE_ID}` }, syncWaitMs, syncPollMs: 1 }),
    resolvers: [],
    clock,
  });

describe('Route 53 DNS provider (aws-sdk-client-mock)', () => {
  beforeEach(() => mock.reset());

  it('manages only the zones ops named (the longest match), and says so without one', async () => {
    const provider = createRoute53DnsProvider({ zones: { 'example.com': ZONE_ID, 'sub.example.com': 'Z2' } });
    expect(provider.zoneFor('Mail.Sub.Example.com.')).toBe('sub.example.com');
    expect(provider.zoneFor('example.com')).toBe('example.com');
    expect(provider.zoneFor('example.org')).toBeNull();
    await expect(cutover().apply('example.org', OWNERSHIP)).rejects.toThrow(ConflictError);
    expect((await cutover().plan('example.org', OWNERSHIP)).provider).toBeNull();
    expect(mock.calls()).toHaveLength(0);
  });

  it('applies one change batch of UPSERTs (and the DELETE a CNAME needs) with a Comment, waits for INSYNC, and saves the previous record sets', async () => {
    // Prepare
    mock.on(ListResourceRecordSetsCommand).callsFake(listFrom(zone));
    mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date() } });
    mock.on(GetChangeCommand).resolvesOnce({ ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date() } }).resolves({ ChangeInfo: { Id: '/change/C123', Status: 'INSYNC', SubmittedAt: new Date() } });
    // Act
    const out = await cutover(5_000).apply('example.com', OWNERSHIP);
    // Assess: one listing per name a cutover touches, from that name on.
    expect(mock.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual(
      ['example.com.', 'purelymail1._domainkey.example.com.', 'purelymail2._domainkey.example.com.', 'purelymail3._domainkey.example.com.', '_dmarc.example.com.'].map((StartRecordName) => ({ HostedZoneId: ZONE_ID, StartRecordName, MaxItems: 100 })),
    );
    const batch = mock.commandCalls(ChangeResourceRecordSetsCommand);
    expect(batch).toHaveLength(1);
    expect(batch[0]!.args[0].input).toEqual({
      HostedZoneId: ZONE_ID,
      ChangeBatch: {
        Comment: 'PurelyManage: move example.com to PurelyMail',
        Changes: [
          // A DELETE must match the set exactly: its TTL and its values as Route 53 returned them.
          { Action: 'DELETE', ResourceRecordSet: { Name: '_dmarc.example.com.', Type: 'TXT', TTL: 3600, ResourceRecords: [{ Value: '"v=DMARC1; p=none"' }] } },
          { Action: 'UPSERT', ResourceRecordSet: { Name: 'example.com.', Type: 'MX', TTL: 300, ResourceRecords: [{ Value: '10 mailserver.purelymail.com.' }] } },
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'example.com.',
              Type: 'TXT',
              TTL: 300,
              // The other verification string is kept byte for byte (its two strings); only the SPF value is replaced.
              ResourceRecords: [{ Value: '"google-site-verification=" "xyz"' }, { Value: `"${OWNERSHIP}"` }, { Value: '"v=spf1 include:spf.oldhost.net include:_spf.purelymail.com -all"' }],
            },
          },
          ...[1, 2, 3].map((i) => ({ Action: 'UPSERT', ResourceRecordSet: { Name: `purelymail${i}._domainkey.example.com.`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: `key${i}.dkimroot.purelymail.com.` }] } })),
          { Action: 'UPSERT', ResourceRecordSet: { Name: '_dmarc.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'dmarcroot.purelymail.com.' }] } },
        ],
      },
    });
    expect(mock.commandCalls(GetChangeCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'C123' }, { Id: 'C123' }]);
    expect(out.provider).toBe('route53');
    expect(out.changeId).toBe('C123');
    // The saved record sets are the previous ones, as they were listed.
    expect(out.saved).toEqual([
      { name: '_dmarc.example.com', type: 'TXT', existed: true, ttl: 3600, values: ['v=DMARC1; p=none'] },
      { name: 'example.com', type: 'MX', existed: true, ttl: 3600, values: ['10 mx1.oldhost.net', '20 mx2.oldhost.net'] },
      { name: 'example.com', type: 'TXT', existed: true, ttl: 3600, values: ['google-site-verification=xyz', 'v=spf1 include:spf.oldhost.net -all'] },
      ...[1, 2, 3].map((i) => ({ name: `purelymail${i}._domainkey.example.com`, type: 'CNAME', existed: false, ttl: null, values: [] })),
      { name: '_dmarc.example.com', type: 'CNAME', existed: false, ttl: null, values: [] },
    ]);
  });

  it("rolls back in one batch: DELETEs the sets that did not exist before (as they are now), UPSERTs the saved ones", async () => {
    // Prepare: apply against the old zone, then the zone as it is after the apply.
    mock.on(ListResourceRecordSetsCommand).callsFake(listFrom(zone));
    mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const { saved } = await cutover().apply('example.com', OWNERSHIP);
    const after: ResourceRecordSet[] = [
      { Name: 'example.com.', Type: 'MX', TTL: 300, ResourceRecords: [{ Value: '10 mailserver.purelymail.com.' }] },
      { Name: 'example.com.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"google-site-verification=" "xyz"' }, { Value: `"${OWNERSHIP}"` }, { Value: '"v=spf1 include:spf.oldhost.net include:_spf.purelymail.com -all"' }] },
      ...[1, 2, 3].map((i) => ({ Name: `purelymail${i}._domainkey.example.com.`, Type: 'CNAME' as const, TTL: 300, ResourceRecords: [{ Value: `key${i}.dkimroot.purelymail.com.` }] })),
      // Someone raised the DMARC CNAME's TTL by hand since: the DELETE must carry what is there now.
      { Name: '_dmarc.example.com.', Type: 'CNAME', TTL: 600, ResourceRecords: [{ Value: 'dmarcroot.purelymail.com.' }] },
    ];
    mock.reset();
    mock.on(ListResourceRecordSetsCommand).callsFake(listFrom(after));
    mock.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C2', Status: 'PENDING', SubmittedAt: new Date() } });
    // Act
    await cutover().rollback('example.com', saved);
    // Assess
    expect(mock.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([
      {
        HostedZoneId: ZONE_ID,
        ChangeBatch: {
          Comment: 'PurelyManage: roll back the move of example.com',
          Changes: [
            ...[1, 2, 3].map((i) => ({ Action: 'DELETE', ResourceRecordSet: { Name: `purelymail${i}._domainkey.example.com.`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: `key${i}.dkimroot.purelymail.com.` }] } })),
            { Action: 'DELETE', ResourceRecordSet: { Name: '_dmarc.example.com.', Type: 'CNAME', TTL: 600, ResourceRecords: [{ Value: 'dmarcroot.purelymail.com.' }] } },
            { Action: 'UPSERT', ResourceRecordSet: { Name: '_dmarc.example.com.', Type: 'TXT', TTL: 3600, ResourceRecords: [{ Value: '"v=DMARC1; p=none"' }] } },
            { Action: 'UPSERT', ResourceRecordSet: { Name: 'example.com.', Type: 'MX', TTL: 3600, ResourceRecords: [{ Value: '10 mx1.oldhost.net.' }, { Value: '20 mx2.oldhost.net.' }] } },
            { Action: 'UPSERT', ResourceRecordSet: { Name: 'example.com.', Type: 'TXT', TTL: 3600, ResourceRecords: [{ Value: '"google-site-verification=" "xyz"' }, { Value: '"v=spf1 include:spf.oldhost.net -all"' }] } },
          ],
        },
      },
    ]);
    // Without waiting configured, no GetChange.
    expect(mock.commandCalls(GetChangeCommand)).toHaveLength(0);
  });

  it('follows a truncated listing while it stays on the name', async () => {
    mock
      .on(ListResourceRecordSetsCommand, { StartRecordName: 'example.com.' })
      .resolves({ ResourceRecordSets: [zone[0]!], IsTruncated: true, NextRecordName: 'example.com.', NextRecordType: 'TXT', MaxItems: 1 })
      .on(ListResourceRecordSetsCommand, { StartRecordName: 'example.com.', StartRecordType: 'TXT' })
      .resolves({ ResourceRecordSets: [zone[2]!], IsTruncated: true, NextRecordName: 'www.example.com.', NextRecordType: 'A', MaxItems: 1 });
    const sets = await createRoute53DnsProvider({ client: new Route53Client({ region: 'us-east-1' }), zones: { 'example.com': ZONE_ID } }).read('example.com', ['example.com']);
    expect(sets.map((s) => s.type)).toEqual(['MX', 'TXT']);
    expect(mock.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(2);
  });

  it('turns a refused batch into a DnsProviderError that says nothing was changed, and shows a plan without a change set when the zone cannot be read', async () => {
    mock.on(ListResourceRecordSetsCommand).callsFake(listFrom(zone));
    mock.on(ChangeResourceRecordSetsCommand).rejects(new InvalidChangeBatch({ message: 'Tried to delete resource record set but it was not found', $metadata: {} }));
    const err = await cutover().apply('example.com', OWNERSHIP).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsProviderError);
    expect((err as Error).message).toBe('Route 53 refused the change (Tried to delete resource record set but it was not found). It applies all records or none, so nothing was changed; try again, or publish the records yourself.');

    mock.reset();
    mock.on(ListResourceRecordSetsCommand).rejects(Object.assign(new Error('User is not authorized to perform: route53:ListResourceRecordSets'), { name: 'AccessDenied' }));
    const plan = await cutover().plan('example.com', OWNERSHIP);
    expect(plan.provider).toEqual({ kind: 'route53', zone: 'example.com' });
    expect(plan.changeSet).toBeNull();
    expect(plan.providerError).toMatch(/^Route 53 could not be read \(User is not authorized/);
    expect(plan.bind).toContain('$ORIGIN example.com.');
  });

  it('refuses to touch alias and routing-policy records', async () => {
    mock.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [{ Name: 'example.com.', Type: 'MX', SetIdentifier: 'eu', Weight: 10, TTL: 60, ResourceRecords: [{ Value: '10 a.example.' }] }], IsTruncated: false, MaxItems: 100 });
    await expect(cutover().apply('example.com', OWNERSHIP)).rejects.toThrow(/routing-policy record, which the panel does not change/);
    expect(mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });
});

describe('DnsProviderError over HTTP', () => {
  it('is a 502 whose message says nothing was changed (mapped in the one onError)', () => {
    const err = new DnsProviderError('route53', 'change', 'Throttling: Rate exceeded');
    expect(mapError(err)).toEqual({ status: 502, code: 'dns_provider_failed', message: 'Route 53 refused the change (Throttling: Rate exceeded). It applies all records or none, so nothing was changed; try again, or publish the records yourself.' });
  });
});
