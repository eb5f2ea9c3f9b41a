import { describe, expect, it } from 'vitest';
import { ariaSort, compareValues, groupRows, nextSort, selectionState, sortFromParams, sortParams, sortRows, toggleAll, toggleOne } from './data-table.ts';

const domains = [
  { name: 'pinecone.example', users: 12 },
  { name: 'a10.example', users: 3 },
  { name: 'a2.example', users: 12 },
  { name: 'Bluefern.example', users: null },
];

describe('sorting', () => {
  it('compares numbers as numbers and text as people read it, empty values last', () => {
    expect(compareValues(2, 10)).toBeLessThan(0);
    expect(compareValues('a2', 'a10')).toBeLessThan(0);
    expect(compareValues('bluefern', 'Bluefern')).toBe(0);
    expect(compareValues(null, 'a')).toBeGreaterThan(0);
    expect(compareValues('', '')).toBe(0);
  });

  it('sorts by a column both ways, keeps ties in server order and empty values last either way', () => {
    const byUsers = (d: (typeof domains)[number]) => d.users;
    expect(sortRows(domains, { column: 'users', direction: 'ascending' }, byUsers).map((d) => d.name)).toEqual(['a10.example', 'pinecone.example', 'a2.example', 'Bluefern.example']);
    expect(sortRows(domains, { column: 'users', direction: 'descending' }, byUsers).map((d) => d.name)).toEqual(['pinecone.example', 'a2.example', 'a10.example', 'Bluefern.example']);
    expect(sortRows(domains, { column: 'name', direction: 'ascending' }, (d) => d.name).map((d) => d.name)).toEqual(['a2.example', 'a10.example', 'Bluefern.example', 'pinecone.example']);
  });

  it('leaves the order alone without a sort, and never changes the input', () => {
    const copy = [...domains];
    expect(sortRows(domains, null, (d) => d.name)).toEqual(domains);
    sortRows(domains, { column: 'name', direction: 'descending' }, (d) => d.name);
    expect(domains).toEqual(copy);
  });

  it('a header click sorts ascending first, then flips; another column starts over', () => {
    expect(nextSort(null, 'name')).toEqual({ column: 'name', direction: 'ascending' });
    expect(nextSort({ column: 'name', direction: 'ascending' }, 'name')).toEqual({ column: 'name', direction: 'descending' });
    expect(nextSort({ column: 'name', direction: 'descending' }, 'name')).toEqual({ column: 'name', direction: 'ascending' });
    expect(nextSort({ column: 'name', direction: 'descending' }, 'users', 'descending')).toEqual({ column: 'users', direction: 'descending' });
  });

  it('says aria-sort for each sortable header', () => {
    expect(ariaSort({ column: 'users', direction: 'descending' }, 'users')).toBe('descending');
    expect(ariaSort({ column: 'users', direction: 'descending' }, 'name')).toBe('none');
    expect(ariaSort(null, 'name')).toBe('none');
  });

  it('reads and writes the sort in the URL, only for known columns', () => {
    expect(sortFromParams(new URLSearchParams('sort=users&dir=desc'), ['name', 'users'])).toEqual({ column: 'users', direction: 'descending' });
    expect(sortFromParams(new URLSearchParams('sort=users'), ['users'])).toEqual({ column: 'users', direction: 'ascending' });
    expect(sortFromParams(new URLSearchParams('sort=secret'), ['users'])).toBeNull();
    expect(sortParams({ column: 'users', direction: 'descending' })).toEqual({ sort: 'users', dir: 'desc' });
    expect(sortParams(null)).toEqual({});
  });
});

describe('grouping', () => {
  it('groups rows by a key, groups in alphabetical order, rows in the order given', () => {
    const users = ['alice@b.example', 'bob@a.example', 'alina@b.example'];
    expect(groupRows(users, (u) => u.split('@')[1]!)).toEqual([
      { id: 'a.example', rows: ['bob@a.example'] },
      { id: 'b.example', rows: ['alice@b.example', 'alina@b.example'] },
    ]);
    expect(groupRows([], (u: string) => u)).toEqual([]);
  });
});

describe('selection', () => {
  it('tells all, some and none of the shown rows apart', () => {
    expect(selectionState(['a', 'b'], new Set(['a', 'b', 'z']))).toBe('all');
    expect(selectionState(['a', 'b'], new Set(['b']))).toBe('some');
    expect(selectionState(['a', 'b'], new Set(['z']))).toBe('none');
  });

  it('the header checkbox selects every shown row, then clears them, leaving rows hidden by a filter alone', () => {
    const hidden = new Set(['z']);
    const all = toggleAll(['a', 'b'], hidden);
    expect([...all].sort()).toEqual(['a', 'b', 'z']);
    expect([...toggleAll(['a', 'b'], all)]).toEqual(['z']);
    expect([...toggleAll(['a', 'b'], new Set(['a']))].sort()).toEqual(['a', 'b']);
  });

  it('toggles one row in a new Set', () => {
    const before = new Set(['a']);
    const after = toggleOne('b', before);
    expect([...after].sort()).toEqual(['a', 'b']);
    expect([...toggleOne('a', after)]).toEqual(['b']);
    expect([...before]).toEqual(['a']);
  });
});
