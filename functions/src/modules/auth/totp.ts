import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'PurelyManage';

const totp = (secret: string, label = '') =>
  new TOTP({ issuer: TOTP_ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** A new 160-bit TOTP secret (RFC 4226's recommended length), base32 as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ buffer: new Uint8Array(randomBytes(20)).buffer }).base32;
}

/**
 * The `otpauth://` URI for a QR code: SHA1, 6 digits, 30 s (what every authenticator app supports).
 * @example otpauthUri(secret, 'olive@example.com') // 'otpauth://totp/PurelyManage:olive%40example.com?issuer=…'
 */
export const otpauthUri = (secret: string, email: string): string => totp(secret, email).toString();

/**
 * The time step a 6-digit code belongs to, allowing one step of clock drift either way (±30 s), or
 * undefined when it matches none. Callers refuse steps at or before the last accepted one (no replay).
 */
export function matchTotp(secret: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? undefined : Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}
