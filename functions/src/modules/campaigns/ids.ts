import { createHash, randomBytes } from 'node:crypto';

/** Campaign ids: time-ordered and unguessable, like job ids. */
export const newCampaignId = (now: Date): string => `cmp_${now.getTime().toString(36)}${randomBytes(10).toString('hex')}`;
export const CAMPAIGN_ID_PATTERN = /^cmp_[0-9a-z]{8,40}$/;

/** One submission per address per campaign: the id is derived from the lower-cased address. */
export const submissionIdFor = (sourceEmail: string): string => `sub_${createHash('sha256').update(sourceEmail.toLowerCase()).digest('hex').slice(0, 24)}`;
export const SUBMISSION_ID_PATTERN = /^sub_[0-9a-f]{24}$/;

/** The link token: 32 bytes from the CSPRNG (256 bits), base64url. Only its SHA-256 is stored. */
export const newCampaignToken = (): string => randomBytes(32).toString('base64url');
export const hashCampaignToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The share link: the token rides in the fragment, which browsers never send to a server or log. */
export const campaignLink = (panelUrl: string, token: string): string => `${panelUrl.replace(/\/+$/, '')}/c/#t=${token}`;
