import { describe, expect, it } from 'vitest';
import { expectedRecords } from './expected-records.ts';

describe('expectedRecords', () => {
  it('lists the exact host, type and value of every record PurelyMail expects', () => {
    expect(expectedRecords('Example.COM.', 'purelymail_ownership_proof=abc')).toEqual([
      { kind: 'ownership', host: 'example.com', type: 'TXT', value: 'purelymail_ownership_proof=abc' },
      { kind: 'mx', host: 'example.com', type: 'MX', value: 'mailserver.purelymail.com', priority: 10 },
      { kind: 'spf', host: 'example.com', type: 'TXT', value: 'v=spf1 include:_spf.purelymail.com ~all' },
      { kind: 'dkim1', host: 'purelymail1._domainkey.example.com', type: 'CNAME', value: 'key1.dkimroot.purelymail.com' },
      { kind: 'dkim2', host: 'purelymail2._domainkey.example.com', type: 'CNAME', value: 'key2.dkimroot.purelymail.com' },
      { kind: 'dkim3', host: 'purelymail3._domainkey.example.com', type: 'CNAME', value: 'key3.dkimroot.purelymail.com' },
      { kind: 'dmarc', host: '_dmarc.example.com', type: 'CNAME', value: 'dmarcroot.purelymail.com' },
    ]);
  });

  it('leaves the ownership record out when the code is unknown', () => {
    expect(expectedRecords('example.com', null).map((r) => r.kind)).toEqual([
      'mx',
      'spf',
      'dkim1',
      'dkim2',
      'dkim3',
      'dmarc',
    ]);
  });
});
