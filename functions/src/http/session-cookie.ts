import { deleteCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../modules/auth/session-token.ts';
import type { AppContext } from './app-env.ts';

/** The value is `<adminKey>.<token>` (see session-token.ts). `__Host-` + Secure + HttpOnly + SameSite=Strict + Path=/ and no Domain (ASVS 3.3). */
export function setSessionCookie(c: AppContext, value: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, value, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
}
