import { createHash } from 'node:crypto';
import { TooManyRequestsError } from '../errors.ts';
import type { ThrottleStore } from '../auth/ports.ts';
import { rateLimitKeyForIp } from '../auth/client-ip-bucket.ts';
import type { CampaignLimits, RateCounter } from './ports.ts';

const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;
/**
 * How long one address's password check may hold its "in flight" slot: longer than the IMAP login tester can
 * take (its phases time out after 10 s each), so a slot is only ever freed early by its own check; a process
 * that died mid-check frees it when this ends.
 */
export const CHECK_LEASE_MS = 60_000;

export const TOO_MANY_MESSAGE = 'Too many attempts. Wait a while, then try again.';
export const ADDRESS_CAP_MESSAGE = 'Too many wrong passwords for this address. Wait an hour, then try again.';
export const CHECK_RUNNING_MESSAGE = 'A password check for this address is already running. Wait for its answer, then try again if you need to.';

/** Counters on the login throttle buckets (one conditional write per hit or reservation). */
export function throttleRateCounter(store: ThrottleStore): RateCounter {
  return {
    async hit(key, now, windowMs) {
      return (await store.addFailure(key, now, windowMs)).failures;
    },
    async count(key, now, windowMs) {
      const s = await store.get(key);
      return s && s.windowStartedAt > now - windowMs ? s.failures : 0;
    },
    reserve: (key, now, windowMs, limit) => store.reserve(key, now, windowMs, limit),
    release: (key, windowStartedAt) => store.release(key, windowStartedAt),
  };
}

// Keys never hold an address or an IP in clear (the bucket items have a TTL anyway).
const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** A reserved slot: give it back when the attempt did not become a failure. */
export interface Slot {
  release(): Promise<void>;
}

/**
 * The public form's limits:
 * - per client IP (IPv6 by /64): every submission counts (≤ 30 per 15 min by default);
 * - per token: every submission counts (≤ 200 per hour);
 * - per submitted address and server: each password check is reserved BEFORE the IMAP login, with one
 *   conditional write (≤ 5 an hour); a check the server accepts gives its slot back, so only wrong passwords
 *   (and checks still running) use the allowance. Once used up, the form refuses WITHOUT contacting the
 *   server, so it cannot be used to guess someone's password, not even by parallel requests;
 * - one check in flight per address and server: a second submission while one is being checked is refused.
 */
export function makeCampaignRateLimits(deps: { counter: RateCounter; limits: CampaignLimits; now: () => number }) {
  const refuse = (retryAfterMs: number, message = TOO_MANY_MESSAGE): never => {
    throw new TooManyRequestsError(message, Math.max(1, Math.ceil(retryAfterMs / 1000)));
  };
  const who = (serverId: string, address: string) => h(`${serverId}\n${address.toLowerCase()}`);
  return {
    /** Page views (reading the campaign) have their own, larger bucket: reading is no oracle. */
    async hitIpView(ip: string) {
      if ((await deps.counter.hit(`campaign-ipview#${h(rateLimitKeyForIp(ip))}`, deps.now(), QUARTER)) > deps.limits.perIpPer15Min * 4) refuse(QUARTER);
    },
    async hitIp(ip: string) {
      if ((await deps.counter.hit(`campaign-ip#${h(rateLimitKeyForIp(ip))}`, deps.now(), QUARTER)) > deps.limits.perIpPer15Min) refuse(QUARTER);
    },
    async hitToken(campaignId: string) {
      if ((await deps.counter.hit(`campaign-token#${campaignId}`, deps.now(), HOUR)) > deps.limits.perTokenPerHour) refuse(HOUR);
    },
    /** The one password check in flight for this address; 429 while another holds it. */
    async claimCheck(serverId: string, address: string): Promise<Slot> {
      const key = `campaign-check#${who(serverId, address)}`;
      const now = deps.now();
      const r = await deps.counter.reserve(key, now, CHECK_LEASE_MS, 1);
      if (!r.ok) return refuse(r.retryAt - now, CHECK_RUNNING_MESSAGE);
      return { release: () => deps.counter.release(key, r.windowStartedAt) };
    },
    /** One password check against this address's hourly allowance, before any IMAP login; `left` after this one fails. */
    async reserveAddress(serverId: string, address: string): Promise<Slot & { left: number }> {
      const key = `campaign-addr#${who(serverId, address)}`;
      const now = deps.now();
      const r = await deps.counter.reserve(key, now, HOUR, deps.limits.failuresPerAddressPerHour);
      if (!r.ok) return refuse(r.retryAt - now, ADDRESS_CAP_MESSAGE);
      return { left: Math.max(0, deps.limits.failuresPerAddressPerHour - r.count), release: () => deps.counter.release(key, r.windowStartedAt) };
    },
  };
}
export type CampaignRateLimits = ReturnType<typeof makeCampaignRateLimits>;
