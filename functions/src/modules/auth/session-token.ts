import { createHash, randomBytes } from 'node:crypto';

/** 256-bit random token for the cookie; only its SHA-256 is ever stored (ASVS 7.2.3, 6.5.2). */
export function newSessionToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: hashToken(token) };
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const SESSION_COOKIE = '__Host-pm_sid';
