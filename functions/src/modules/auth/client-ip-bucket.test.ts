import { describe, expect, it } from 'vitest';
import { rateLimitKeyForIp } from './client-ip-bucket.ts';

// Issue 15 (low): CloudFront serves IPv6, where one client can use a new address from its /64 per request.
describe('rateLimitKeyForIp', () => {
  it('buckets IPv6 clients by their /64, whatever the spelling', () => {
    const key = rateLimitKeyForIp('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    for (const same of ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2:aaaa::1%eth0', '2001:db8:1:2::10.0.0.1']) expect(rateLimitKeyForIp(same), same).toBe(key);
    expect(rateLimitKeyForIp('2001:db8:1:3::1')).not.toBe(key);
    expect(rateLimitKeyForIp('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitKeyForIp('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
  });

  it('keeps IPv4 addresses (also IPv4-mapped) and anything that is not an address as they are', () => {
    expect(rateLimitKeyForIp('203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitKeyForIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitKeyForIp('::ffff:cb00:7109')).toBe('203.0.113.9');
    expect(rateLimitKeyForIp('unknown')).toBe('unknown');
  });
});
