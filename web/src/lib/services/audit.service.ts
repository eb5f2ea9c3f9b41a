import { AuditPage, PublicRequestCounts } from '@app/shared';
import { api, queryString } from '$lib/api/client.ts';

export type AuditFilters = { actor: string; action: string; q: string; from: string; to: string };

export const AUDIT_FILTER_KEYS = ['actor', 'action', 'q', 'from', 'to'] as const;

export function filtersFromUrl(url: URL): AuditFilters {
  const g = (k: string) => url.searchParams.get(k) ?? '';
  return { actor: g('actor'), action: g('action'), q: g('q'), from: g('from'), to: g('to') };
}

/** Date inputs give "YYYY-MM-DD"; "to" should include that whole day in local time. */
export function toApiRange(f: AuditFilters): { from?: string; to?: string } {
  const iso = (s: string) => {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  };
  const out: { from?: string; to?: string } = {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.from)) out.from = iso(`${f.from}T00:00:00`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.to)) out.to = iso(`${f.to}T23:59:59.999`);
  return out;
}

export function auditQuery(f: AuditFilters, extra: { cursor?: string; limit?: number } = {}): string {
  return queryString({ actor: f.actor, action: f.action, q: f.q, ...toApiRange(f), ...extra });
}

export const auditService = {
  page: (f: AuditFilters, cursor?: string) => api.get(`/api/audit${auditQuery(f, { cursor, limit: 50 })}`, AuditPage),
  exportUrl: (f: AuditFilters) => `/api/audit/export.csv${auditQuery(f)}`,
  publicRequests: () => api.get('/api/audit/public-requests', PublicRequestCounts),
};
