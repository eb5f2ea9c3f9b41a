import { createHash } from 'node:crypto';
import { TooManyRequestsError } from '../errors.ts';
import type { ThrottleStore } from '../auth/ports.ts';
import type { CampaignLimits, RateCounter } from './ports.ts';

const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;

export const TOO_MANY_MESSAGE = 'Too many attempts. Wait a while, then try again.';
export const ADDRESS_CAP_MESSAGE = 'Too many wrong passwords for this address. Wait an hour, then try again.';

/** Counters on the login throttle buckets (one atomic ADD per hit; the window restarts when it ends). */
export function throttleRateCounter(store: ThrottleStore): RateCounter {
  return {
    async hit(key, now, windowMs) {
      return (await store.addFailure(key, now, windowMs)).failures;
    },
    async count(key, now, windowMs) {
      const s = await store.get(key);
      return s && s.windowStartedAt > now - windowMs ? s.failures : 0;
    },
  };
}

// Keys never hold an address or an IP in clear (the bucket items have a TTL anyway).
const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/**
 * The public form's three limits:
 * - per client IP: every submission counts (≤ 30 per 15 min by default);
 * - per token: every submission counts (≤ 200 per hour);
 * - per submitted address and server: only failed IMAP verifications count (≤ 5 per hour); once reached the
 *   form refuses WITHOUT contacting the server, so it cannot be used to guess someone's password.
 */
export function makeCampaignRateLimits(deps: { counter: RateCounter; limits: CampaignLimits; now: () => number }) {
  const refuse = (windowMs: number, message = TOO_MANY_MESSAGE) => {
    throw new TooManyRequestsError(message, Math.ceil(windowMs / 1000));
  };
  const addressKey = (serverId: string, address: string) => `campaign-addr#${h(`${serverId}\n${address.toLowerCase()}`)}`;
  return {
    /** Page views (reading the campaign) have their own, larger bucket: reading is no oracle. */
    async hitIpView(ip: string) {
      if ((await deps.counter.hit(`campaign-ipview#${h(ip)}`, deps.now(), QUARTER)) > deps.limits.perIpPer15Min * 4) refuse(QUARTER);
    },
    async hitIp(ip: string) {
      if ((await deps.counter.hit(`campaign-ip#${h(ip)}`, deps.now(), QUARTER)) > deps.limits.perIpPer15Min) refuse(QUARTER);
    },
    async hitToken(campaignId: string) {
      if ((await deps.counter.hit(`campaign-token#${campaignId}`, deps.now(), HOUR)) > deps.limits.perTokenPerHour) refuse(HOUR);
    },
    /** Before any IMAP login for this address. */
    async checkAddress(serverId: string, address: string) {
      if ((await deps.counter.count(addressKey(serverId, address), deps.now(), HOUR)) >= deps.limits.failuresPerAddressPerHour) refuse(HOUR, ADDRESS_CAP_MESSAGE);
    },
    /** After the server rejected the password; returns the tries left in this hour. */
    async failAddress(serverId: string, address: string): Promise<number> {
      const n = await deps.counter.hit(addressKey(serverId, address), deps.now(), HOUR);
      return Math.max(0, deps.limits.failuresPerAddressPerHour - n);
    },
  };
}
export type CampaignRateLimits = ReturnType<typeof makeCampaignRateLimits>;
