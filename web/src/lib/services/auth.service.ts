import {
  ChangePasswordResult,
  LoginResult,
  Me,
  MfaEnrolment,
  MfaRecoveryCodes,
  MfaStatus,
  SetupStatus,
  type ChangePasswordInput,
  type ConfirmMfaInput,
  type DisableMfaInput,
  type ReauthInput,
} from '@app/shared';
import { api } from '$lib/api/client.ts';

export const authService = {
  /** The signed-in admin; ApiError 401 when signed out. */
  me: () => api.get('/api/auth/me', Me),
  setupStatus: () => api.get('/api/setup/status', SetupStatus),
  setup: (input: { token: string; email: string; name: string; password: string }) =>
    api.post('/api/setup', input, Me),
  /** The session (`Me`), or `{ mfaRequired, challenge }` when the admin has 2FA: then call `loginMfa`. */
  login: (input: { email: string; password: string }) => api.post('/api/auth/login', input, LoginResult),
  loginMfa: (input: { challenge: string; code: string }) => api.post('/api/auth/login/mfa', input, Me),
  logout: () => api.post('/api/auth/logout'),
  /** Step-up re-authentication (password, plus a code with 2FA); renews the session token. */
  reauth: (input: ReauthInput) => api.post('/api/auth/reauth', input, Me),
  changePassword: (input: ChangePasswordInput) => api.post('/api/account/password', input, ChangePasswordResult),
};

/** The signed-in admin's own two-factor authentication. */
export const mfaService = {
  status: () => api.get('/api/account/mfa', MfaStatus),
  /** A new secret (QR URI and base32 key), pending until `confirm`. */
  enrol: () => api.post('/api/account/mfa/enrol', {}, MfaEnrolment),
  /** Turns 2FA on; the answer carries the recovery codes, shown once. The session token is renewed. */
  confirm: (input: ConfirmMfaInput) => api.post('/api/account/mfa/confirm', input, MfaRecoveryCodes),
  disable: (input: DisableMfaInput) => api.post('/api/account/mfa/disable', input),
};
