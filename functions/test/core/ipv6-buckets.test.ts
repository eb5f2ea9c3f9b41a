import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoThrottleStore } from '../../src/adapters/dynamodb/dynamodb-throttle-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeLoginThrottle } from '../../src/modules/auth/login-throttle.ts';
import { makeCampaignRateLimits, throttleRateCounter } from '../../src/modules/campaigns/rate-limits.ts';
import { DEFAULT_CAMPAIGN_LIMITS } from '../../src/modules/campaigns/ports.ts';
import { TooManyRequestsError } from '../../src/modules/errors.ts';
import { FakeClock } from '../support/test-runtime.ts';

/** An address of 2001:db8:1:<net>::/64 with random interface bits: what a client can pick for every request. */
const inNet = (net: number, i: number) => `2001:db8:1:${net.toString(16)}:${((i * 7919) % 0xffff).toString(16)}:${i.toString(16)}:beef:${(i + 1).toString(16)}`;

// Issue 15 (low): CloudFront serves IPv6, and a client holds a whole /64; per-IP limits count the /64.
describe('per-IP limits bucket IPv6 clients by /64 (dynalite)', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  const clock = new FakeClock();
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'ipv6-buckets' });
  });
  afterAll(() => dynamo.close());

  it('sign-in: 30 failures from 30 addresses of one /64 fill its bucket; another /64 is not affected', async () => {
    const throttle = makeLoginThrottle({ throttles: createDynamoThrottleStore(dynamo.table), clock, throttlePolicy: { accountFailuresBeforeBackoff: 1000, ipFailuresPerWindow: 30, ipWindowMinutes: 15 } });
    for (let i = 0; i < 30; i++) await throttle.reserve(`user${i}@example.com`, inNet(2, i));
    await expect(throttle.reserve('someone@example.com', inNet(2, 99))).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(throttle.reserve('someone@example.com', '2001:db8:1:2::1')).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(throttle.reserve('someone@example.com', inNet(3, 1))).resolves.toBeDefined();
  });

  it('campaign form: 30 submissions from one /64 in 15 minutes, then 429 for any address of it', async () => {
    const limits = makeCampaignRateLimits({ counter: throttleRateCounter(createDynamoThrottleStore(dynamo.table)), limits: DEFAULT_CAMPAIGN_LIMITS, now: () => clock.now().getTime() });
    for (let i = 0; i < 30; i++) await limits.hitIp(inNet(7, i));
    await expect(limits.hitIp(inNet(7, 31))).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(limits.hitIp(inNet(8, 31))).resolves.toBeUndefined();
  });
});
