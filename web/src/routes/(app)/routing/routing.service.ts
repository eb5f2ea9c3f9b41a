import { QueuedDeletion, RouteTrace, RoutingOverview, RoutingRuleView, RulePreview, type RoutingPreset, type RoutingRuleInputDraft } from '@app/shared';
import { api, queryString } from '$lib/api/client.ts';

/** Routing rules: the overview and the trace read the panel's cache; changes check PurelyMail first. */
export const routingService = {
  overview: () => api.get('/api/routing', RoutingOverview),
  trace: (address: string) => api.get(`/api/routing/trace${queryString({ address })}`, RouteTrace),
  create: (input: RoutingRuleInputDraft) => api.post('/api/routing/rules', input, RoutingRuleView),
  edit: (id: number, input: RoutingRuleInputDraft) => api.put(`/api/routing/rules/${id}`, input, RoutingRuleView),
  requestDeletion: (id: number) => api.del(`/api/routing/rules/${id}`, QueuedDeletion),
  /** The route simulator's verdict on a rule before it is saved. */
  preview: (q: { domainName: string; preset: RoutingPreset; matchUser: string; targets: string[]; replacing?: number }) =>
    api.get(`/api/routing/preview${queryString({ domainName: q.domainName, preset: q.preset, matchUser: q.matchUser, targets: q.targets.join(','), replacing: q.replacing })}`, RulePreview),
  /** Deletes a rule its creator made in the last few minutes, at once (the server checks who and when). */
  undo: (id: number) => api.post(`/api/routing/rules/${id}/undo`),
};

/** The four presets in PurelyMail's order, explained for people. */
export const PRESETS: { value: RoutingPreset; title: string; explain: (domain: string) => string }[] = [
  { value: 'exact', title: 'One address', explain: (d) => `Mail to exactly this address at ${d}.` },
  { value: 'prefix', title: 'Addresses starting with…', explain: (d) => `Every address at ${d} that starts with the text, e.g. “support” also takes support-eu@ and supporters@.` },
  { value: 'any', title: 'Any address, users included', explain: (d) => `Everything sent to ${d}. Users' mailboxes there receive nothing unless a more specific rule sends it back to them.` },
  { value: 'catchall', title: 'Any address that is not a user', explain: (d) => `A catch-all: mail to ${d} addresses that are not users (typos, old names). Users keep their mail.` },
];
