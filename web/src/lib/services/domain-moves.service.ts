import * as z from 'zod';
import { DomainMove, DomainMoveList, DomainMoveView, type CreateDomainMoveInput } from '@app/shared';
import { DnsChange, DnsProviderKind } from '@app/shared/schemas/dns-cutover';
import { api } from '$lib/api/client.ts';

const move = (domain: string) => `/api/domains/${encodeURIComponent(domain)}/move`;

/** The records to publish for the switch: PurelyMail's records, the BIND fragment and, where the panel may change the zone, the change set. */
export const DomainMoveDnsPlan = z.object({
  bind: z.string(),
  records: z.array(z.object({ kind: z.string(), host: z.string(), type: z.string(), value: z.string(), priority: z.number().optional() })),
  provider: z.object({ kind: DnsProviderKind, zone: z.string() }).nullable(),
  changeSet: z.array(DnsChange).nullable(),
  /** Why the change set is missing although a provider manages the zone. */
  providerError: z.string().nullable().optional(),
});
export type DomainMoveDnsPlan = z.infer<typeof DomainMoveDnsPlan>;

const Rollback = z.object({
  restored: z.boolean(),
  move: DomainMove,
  /** When the panel did not apply the records: the old ones to publish again by hand. */
  records: z.array(z.object({ type: z.string(), name: z.string(), value: z.string(), ttl: z.number().nullable() })).nullable(),
});

/**
 * A domain's move to PurelyMail (issue 19): one per domain, driven stage by stage. The server decides what is
 * allowed when (a 409 says why not); the page shows the move's own `next` and never guesses the stage.
 * Reading one move gives its view (with the copy batch's roll-up); actions answer the move itself.
 */
export const domainMovesService = {
  /** Every move (the dashboard shows those in progress). */
  list: async () => (await api.get('/api/domain-moves', DomainMoveList)).moves,
  get: (domain: string) => api.get(move(domain), DomainMoveView),
  start: (domain: string, input: CreateDomainMoveInput) => api.post(move(domain), input, DomainMoveView),
  copy: (domain: string) => api.post(`${move(domain)}/copy`, {}, DomainMove),
  sync: (domain: string, everyHours?: number) => api.post(`${move(domain)}/sync`, everyHours === undefined ? {} : { everyHours }, DomainMove),
  /** Reads the old MX and its TTL again (after lowering it at the old DNS host). */
  recheckOldMx: (domain: string) => api.post(`${move(domain)}/old-mx/check`, {}, DomainMove),
  resume: (domain: string, address: string) => api.post(`${move(domain)}/mailboxes/${encodeURIComponent(address)}/resume`, {}, DomainMove),
  dnsPlan: (domain: string) => api.get(`${move(domain)}/dns`, DomainMoveDnsPlan),
  applyDns: (domain: string) => api.post(`${move(domain)}/dns/apply`, { confirm: true }, DomainMove),
  published: (domain: string) => api.post(`${move(domain)}/dns/published`, {}, DomainMove),
  rollback: (domain: string) => api.post(`${move(domain)}/dns/rollback`, {}, Rollback),
  finalPass: (domain: string) => api.post(`${move(domain)}/final`, {}, DomainMove),
  finish: (domain: string) => api.post(`${move(domain)}/finish`, {}, DomainMove),
  cancel: (domain: string) => api.post(`${move(domain)}/cancel`, {}, DomainMove),
  /** A plain link (the browser downloads it with the session cookie). */
  reportUrl: (domain: string) => `${move(domain)}/report.csv`,
};
