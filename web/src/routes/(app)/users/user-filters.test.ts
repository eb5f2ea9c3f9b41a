import { describe, expect, it } from 'vitest';
import { filterUsers, filtersFromUrl } from './user-filters.ts';

const users = ['alice@a.example', 'bob@b.example', 'alina@b.example'];

describe('user filters', () => {
  it('searches by substring, case-insensitively, within a domain', () => {
    expect(filterUsers(users, { q: 'AL', domain: '' })).toEqual(['alice@a.example', 'alina@b.example']);
    expect(filterUsers(users, { q: 'al', domain: 'b.example' })).toEqual(['alina@b.example']);
    expect(filterUsers(users, { q: '@b.ex', domain: '' })).toEqual(['bob@b.example', 'alina@b.example']);
  });
  it('reads the filters from the URL', () => {
    expect(filtersFromUrl(new URL('http://x/users?q=al&domain=b.example&group=1'))).toEqual({ q: 'al', domain: 'b.example', group: true });
    expect(filtersFromUrl(new URL('http://x/users'))).toEqual({ q: '', domain: '', group: false });
  });
});
