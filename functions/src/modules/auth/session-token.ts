import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256-bit random token for the cookie; only its SHA-256 is ever stored (ASVS 7.2.3, 6.5.2). */
export function newSessionToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: hashToken(token) };
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const SESSION_COOKIE = '__Host-pm_sid';

// `<adminKey>.<token>`: the admin key is base64url(email), not a secret (the browser knows who signed in),
// there only so one batched read can fetch the session and its admin together. The secret is the token.
// An email is at most 254 characters (344 in base64url), so the cookie stays far below 4,096 bytes.
const COOKIE_VALUE = /^([A-Za-z0-9_-]{1,344})\.([A-Za-z0-9_-]{43})$/;

/** The session cookie's value for a new token. */
export const sessionCookieValue = (adminEmail: string, token: string): string => `${Buffer.from(adminEmail, 'utf8').toString('base64url')}.${token}`;

/**
 * Splits a cookie value into the admin it claims and the session id (the token's hash), or undefined for
 * anything else (an old-format cookie, a planted string). The claim is only a hint: the session must name
 * the same admin (see `sameAdmin`).
 */
export function parseSessionCookie(value: string | undefined): { adminEmail: string; sessionId: string } | undefined {
  if (!value || value.length > 400) return undefined;
  const m = COOKIE_VALUE.exec(value);
  if (!m) return undefined;
  const adminEmail = Buffer.from(m[1]!, 'base64url').toString('utf8');
  if (!adminEmail || sessionCookieValue(adminEmail, m[2]!) !== value) return undefined; // not canonical base64url
  return { adminEmail, sessionId: hashToken(m[2]!) };
}

/** Constant-time equality of two admin emails (compares their SHA-256, so lengths never leak either). */
export const sameAdmin = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
