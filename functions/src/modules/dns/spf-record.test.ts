import { describe, expect, it } from 'vitest';
import { hasPurelymailInclude, isSpfRecord, mergeSpfRecords } from './spf-record.ts';

describe('SPF records', () => {
  it('recognises SPF by its version tag only', () => {
    expect(isSpfRecord('v=spf1 -all')).toBe(true);
    expect(isSpfRecord('V=SPF1')).toBe(true);
    expect(isSpfRecord('v=spf10 -all')).toBe(false);
    expect(isSpfRecord('purelymail_ownership_proof=abc')).toBe(false);
  });

  it('finds the PurelyMail include among other mechanisms, in any case', () => {
    expect(hasPurelymailInclude('v=spf1 include:_spf.google.com INCLUDE:_spf.purelymail.com ~all')).toBe(true);
    expect(hasPurelymailInclude('v=spf1 include:spf.purelymail.com ~all')).toBe(false);
  });

  it('merges two records into one with the PurelyMail include and the strictest all', () => {
    expect(mergeSpfRecords(['v=spf1 include:_spf.google.com ~all', 'v=spf1 include:_spf.purelymail.com mx -all'])).toBe(
      'v=spf1 include:_spf.google.com include:_spf.purelymail.com mx -all',
    );
  });

  it('adds the include to a single record and defaults to ~all', () => {
    expect(mergeSpfRecords(['v=spf1 ip4:192.0.2.1'])).toBe('v=spf1 ip4:192.0.2.1 include:_spf.purelymail.com ~all');
  });
});
