import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../src/platform/clock.ts';

/** What an authenticator app would show for `secret` at the clock's time (plus `steps` × 30 s). */
export const totpCode = (secret: string, clock: Clock, steps = 0): string =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: clock.now().getTime() + steps * 30_000 });

/** A six-digit code that is not valid within ±1 step. */
export function wrongCode(secret: string, clock: Clock): string {
  const valid = new Set([-1, 0, 1].map((s) => totpCode(secret, clock, s)));
  for (let n = 123456; ; n = (n + 111111) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}
