import { describe, expect, it } from 'vitest';
import { addAddresses, emailProblem, isAtDomain, isValidAddress, NOT_AN_EMAIL, splitAddresses, suggest } from './address-chips.ts';

describe('address chips helpers', () => {
  it('splits pasted lists on commas, semicolons and spaces', () => {
    expect(splitAddresses(' A@x.com, b@y.org;c@z.net\nd@w.io  ')).toEqual(['a@x.com', 'b@y.org', 'c@z.net', 'd@w.io']);
    expect(splitAddresses('Ann <ann@x.com>')).toEqual(['ann', 'ann@x.com']);
    expect(splitAddresses('   ')).toEqual([]);
  });

  it.each([
    ['a@x.com', true],
    ['first.last+tag@sub.example.org', true],
    ['a@x', false],
    ['a@@x.com', false],
    ['@x.com', false],
    ['a@-x.com', false],
    ['not an address', false],
  ])('%s valid: %s', (address, valid) => {
    expect(isValidAddress(address)).toBe(valid);
  });

  it('adds without duplicates, in typing order', () => {
    expect(addAddresses(['a@x.com'], ['b@x.com', 'a@x.com', 'c@x.com'])).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
  });

  it('suggests matches at the start first, skipping chosen ones', () => {
    const all = ['bob@x.com', 'alice@x.com', 'rob@x.com', 'bobby@y.org'];
    expect(suggest(all, 'bo', [])).toEqual(['bob@x.com', 'bobby@y.org']);
    expect(suggest(all, 'ob', ['rob@x.com'])).toEqual(['bob@x.com', 'bobby@y.org']);
    expect(suggest(all, '', [])).toEqual([]);
    expect(suggest(all, 'x.com', [], 2)).toHaveLength(2);
  });
});

describe('emailProblem and isAtDomain', () => {
  it('says the one message for an address that is not one, and nothing for an empty optional field', () => {
    expect(emailProblem('bob@')).toBe(NOT_AN_EMAIL);
    expect(emailProblem('bob@example')).toBe(NOT_AN_EMAIL);
    expect(emailProblem(' Bob@Example.com ')).toBe(false);
    expect(emailProblem('')).toBe(false);
    expect(emailProblem('  ', { required: true })).toBe('is required');
  });

  it('knows an address at one of the account’s domains', () => {
    expect(isAtDomain('sales@northwind.example', ['northwind.example'])).toBe(true);
    expect(isAtDomain('sales@other.example', ['northwind.example'])).toBe(false);
    expect(isAtDomain('northwind.example', ['northwind.example'])).toBe(false);
  });
});
