import { describe, expect, it } from 'vitest';
import { describeMatch, describeRule, presetFields, presetOf, sameSlot } from './describe-rule.ts';

const D = 'x.com';
describe('routing presets and words', () => {
  it.each([
    ['exact', 'info', { prefix: false, matchUser: 'info', catchall: false }, 'info@x.com'],
    ['prefix', 'sup', { prefix: true, matchUser: 'sup', catchall: false }, 'any address at x.com starting with “sup”'],
    ['any', '', { prefix: true, matchUser: '', catchall: false }, 'any address at x.com'],
    ['catchall', '', { prefix: true, matchUser: '', catchall: true }, 'any address at x.com that is not a user'],
  ] as const)('%s maps to the wire fields and back', (preset, matchUser, fields, words) => {
    expect(presetFields(preset, matchUser)).toEqual(fields);
    expect(presetOf({ domainName: D, ...fields })).toBe(preset);
    expect(describeMatch({ domainName: D, ...fields })).toBe(words);
  });

  it('has no preset for combinations only the API can make', () => {
    expect(presetOf({ domainName: D, prefix: false, matchUser: '', catchall: false })).toBeNull();
    expect(presetOf({ domainName: D, prefix: false, matchUser: 'a', catchall: true })).toBeNull();
    expect(presetOf({ domainName: D, prefix: true, matchUser: 'a', catchall: true })).toBeNull();
  });

  it('says a rule with its targets', () => {
    expect(describeRule({ domainName: D, prefix: false, matchUser: 'info', catchall: false, targetAddresses: ['a@y.com', 'b@z.org'] })).toBe('info@x.com → a@y.com, b@z.org');
  });

  it('uses domain + match + prefix as the uniqueness key, not catchall', () => {
    expect(sameSlot({ domainName: D, prefix: true, matchUser: '', catchall: true }, { domainName: 'X.com', prefix: true, matchUser: '', catchall: false })).toBe(true);
    expect(sameSlot({ domainName: D, prefix: true, matchUser: 'a' }, { domainName: D, prefix: false, matchUser: 'a' })).toBe(false);
  });
});
