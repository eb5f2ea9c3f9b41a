import { api } from '$lib/api/client.ts';
import { DomainMoveList, DomainMoveView, type CreateDomainMoveInput } from '@app/shared';
import { DomainMoveDnsPlan } from './domain-move-contract.ts';

const move = (domain: string) => `/api/domains/${encodeURIComponent(domain)}/move`;

/**
 * A domain's move to PurelyMail (issue 19): one per domain, driven stage by stage. The server decides what is
 * allowed when (a 409 says why not); the page shows the move's own `next` and never guesses the stage.
 */
export const domainMovesService = {
  /** The moves in progress (the dashboard's card). */
  list: async () => (await api.get('/api/domain-moves', DomainMoveList)).moves,
  get: (domain: string) => api.get(move(domain), DomainMoveView),
  start: (domain: string, input: CreateDomainMoveInput) => api.post(move(domain), input, DomainMoveView),
  copy: (domain: string) => api.post(`${move(domain)}/copy`, {}, DomainMoveView),
  sync: (domain: string, everyHours?: number) => api.post(`${move(domain)}/sync`, everyHours === undefined ? {} : { everyHours }, DomainMoveView),
  resume: (domain: string, address: string) => api.post(`${move(domain)}/mailboxes/${encodeURIComponent(address)}/resume`, {}, DomainMoveView),
  dnsPlan: (domain: string) => api.get(`${move(domain)}/dns`, DomainMoveDnsPlan),
  applyDns: (domain: string) => api.post(`${move(domain)}/dns/apply`, { confirm: true }, DomainMoveView),
  published: (domain: string) => api.post(`${move(domain)}/dns/published`, {}, DomainMoveView),
  rollback: (domain: string) => api.post(`${move(domain)}/dns/rollback`, {}, DomainMoveView),
  finalPass: (domain: string) => api.post(`${move(domain)}/final`, {}, DomainMoveView),
  finish: (domain: string) => api.post(`${move(domain)}/finish`, {}, DomainMoveView),
  cancel: (domain: string) => api.post(`${move(domain)}/cancel`, {}, DomainMoveView),
  /** A plain link (the browser downloads it with the session cookie). */
  reportUrl: (domain: string) => `${move(domain)}/report.csv`,
};
