import {
  Campaign,
  CampaignDetail,
  CampaignLink,
  CampaignList,
  DomainList,
  LaunchResult,
  PublicCampaignInfo,
  PublicChallenge,
  PublicSubmitResult,
  Submission,
  type AddSubmissionInput,
  type CreateCampaignInput,
  type LaunchCampaignInput,
  type MapSubmissionInput,
  type PublicSubmitInput,
} from '@app/shared';
import { api } from '$lib/api/client.ts';

const BASE = '/api/migrations/campaigns';
const one = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** Campaigns: the admin side (signed in) and the public form (the token travels in the body only). */
export const campaignsService = {
  list: async () => (await api.get(BASE, CampaignList)).campaigns,
  /** The account's domains (the panel's cache), for a PurelyMail destination's domain. */
  accountDomains: async () => (await api.get('/api/domains', DomainList)).domains.map((d) => d.name).sort(),
  create: (input: CreateCampaignInput) => api.post(BASE, input, CampaignLink),
  detail: (id: string) => api.get(one(id), CampaignDetail),
  newLink: (id: string) => api.post(`${one(id)}/link`, {}, CampaignLink),
  deactivate: (id: string) => api.post(`${one(id)}/deactivate`, {}, Campaign),
  addSubmission: (id: string, input: AddSubmissionInput) => api.post(`${one(id)}/submissions`, input, Submission),
  map: (id: string, subId: string, input: MapSubmissionInput) => api.put(`${one(id)}/submissions/${encodeURIComponent(subId)}`, input, Submission),
  removeSubmission: (id: string, subId: string) => api.del(`${one(id)}/submissions/${encodeURIComponent(subId)}`),
  launch: (id: string, input: LaunchCampaignInput) => api.post(`${one(id)}/launch`, input, LaunchResult),

  publicInfo: (token: string) => api.post('/api/public/campaigns/info', { token }, PublicCampaignInfo),
  /** A browser check, asked for after repeated wrong passwords on the link (error code `challenge_required`). */
  publicChallenge: (token: string) => api.post('/api/public/campaigns/challenge', { token }, PublicChallenge),
  publicSubmit: (input: PublicSubmitInput) => api.post('/api/public/campaigns/submit', input, PublicSubmitResult),
};
