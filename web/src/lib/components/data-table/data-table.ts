/**
 * The logic behind `<DataTable>`: sorting by a column and selecting rows, as plain functions (tested without
 * a browser). A column sorts by the value its `sortBy` gives; rows that tie keep their order from the server.
 */

export type SortDirection = 'ascending' | 'descending';
export type Sort = { column: string; direction: SortDirection } | null;
export type SortValue = string | number | null | undefined;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares two cell values: numbers as numbers, text as a person reads it ("a2" before "a10"), empty last. */
export function compareValues(a: SortValue, b: SortValue): number {
  const emptyA = a === null || a === undefined || a === '';
  const emptyB = b === null || b === undefined || b === '';
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** The rows in the order `sort` asks for (a new array; stable); unsorted without one. Empty values stay last. */
export function sortRows<T>(rows: readonly T[], sort: Sort, valueOf: ((row: T) => SortValue) | undefined): T[] {
  if (!sort || !valueOf) return [...rows];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: valueOf(row) }))
    .sort((x, y) => {
      const emptyX = x.v === null || x.v === undefined || x.v === '';
      const emptyY = y.v === null || y.v === undefined || y.v === '';
      if (emptyX !== emptyY) return emptyX ? 1 : -1;
      return sign * compareValues(x.v, y.v) || x.i - y.i;
    })
    .map((x) => x.row);
}

/** Rows under their group's name, groups in alphabetical order, rows in the order given. */
export function groupRows<T>(rows: readonly T[], groupOf: (row: T) => string): { id: string; rows: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const id = groupOf(row);
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([id, list]) => ({ id, rows: list }));
}

/** A click on a column header: sort by it ascending (or `first`), then flip; another column starts over. */
export function nextSort(current: Sort, column: string, first: SortDirection = 'ascending'): Sort {
  if (current?.column !== column) return { column, direction: first };
  return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}

/** The header's aria-sort: the direction for the sorted column, "none" for the other sortable ones. */
export const ariaSort = (sort: Sort, column: string): SortDirection | 'none' => (sort?.column === column ? sort.direction : 'none');

/** Whether all, some or none of the shown rows are selected (the header checkbox: checked, mixed, empty). */
export function selectionState(shownKeys: readonly string[], selected: ReadonlySet<string>): 'all' | 'some' | 'none' {
  const n = shownKeys.filter((k) => selected.has(k)).length;
  return n === 0 ? 'none' : n === shownKeys.length ? 'all' : 'some';
}

/**
 * The header checkbox: selects every shown row, or (when all are selected) clears them. Rows hidden by a
 * filter keep their state. Always a new Set, so `$state` notices.
 */
export function toggleAll(shownKeys: readonly string[], selected: ReadonlySet<string>): Set<string> {
  if (selectionState(shownKeys, selected) === 'all') return new Set([...selected].filter((k) => !shownKeys.includes(k)));
  return new Set([...selected, ...shownKeys]);
}

export function toggleOne(key: string, selected: ReadonlySet<string>): Set<string> {
  const next = new Set(selected);
  if (!next.delete(key)) next.add(key);
  return next;
}

/** `?sort=users&dir=desc` → a Sort, for tables whose order belongs in the URL (only the given columns). */
export function sortFromParams(params: URLSearchParams, columns: readonly string[]): Sort {
  const column = params.get('sort');
  if (!column || !columns.includes(column)) return null;
  return { column, direction: params.get('dir') === 'desc' ? 'descending' : 'ascending' };
}

/** The query parameters for a Sort (none when unsorted), to merge into the page's URL. */
export function sortParams(sort: Sort): { sort?: string; dir?: string } {
  return sort ? { sort: sort.column, dir: sort.direction === 'descending' ? 'desc' : 'asc' } : {};
}
