import { randomBytes } from 'node:crypto';

const PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'PurelyManage';

// Loaded on first use: only 2FA sign-ins and enrolment need it, so a cold start does not compile it.
let otpauth: Promise<typeof import('otpauth')> | undefined;
const loadOtpauth = () => (otpauth ??= import('otpauth'));

const totp = async (secret: string, label = '') => {
  const { Secret, TOTP } = await loadOtpauth();
  return new TOTP({ issuer: TOTP_ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
};

/** A new 160-bit TOTP secret (RFC 4226's recommended length), base32 as authenticator apps expect. */
export async function newTotpSecret(): Promise<string> {
  const { Secret } = await loadOtpauth();
  return new Secret({ buffer: new Uint8Array(randomBytes(20)).buffer }).base32;
}

/**
 * The `otpauth://` URI for a QR code: SHA1, 6 digits, 30 s (what every authenticator app supports).
 * @example otpauthUri(secret, 'olive@example.com') // 'otpauth://totp/PurelyManage:olive%40example.com?issuer=…'
 */
export const otpauthUri = async (secret: string, email: string): Promise<string> => (await totp(secret, email)).toString();

/**
 * The time step a 6-digit code belongs to, allowing one step of clock drift either way (±30 s), or
 * undefined when it matches none. Callers refuse steps at or before the last accepted one (no replay).
 */
export async function matchTotp(secret: string, code: string, now: Date): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = (await totp(secret)).validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? undefined : Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}
