/** The users page's view of the list: search (substring, case-insensitive) and a domain filter, from the URL. */
export interface UserFilters {
  q: string;
  domain: string;
  group: boolean;
}

export function filtersFromUrl(url: URL): UserFilters {
  return { q: url.searchParams.get('q') ?? '', domain: url.searchParams.get('domain') ?? '', group: url.searchParams.get('group') === '1' };
}

export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

/** A whole address (not part of one): the users page asks PurelyMail for it when a capped list does not show it. */
export const isFullAddress = (q: string): boolean => /^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/.test(q);

export function filterUsers(users: string[], f: Pick<UserFilters, 'q' | 'domain'>): string[] {
  const q = f.q.trim().toLowerCase();
  return users.filter((u) => (!f.domain || domainOf(u) === f.domain) && (!q || u.includes(q)));
}
