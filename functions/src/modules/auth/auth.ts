import type { Admin, MfaStatus } from '@app/shared';
import type { AuthDeps } from './deps.ts';
import { makeAuthenticate } from './authenticate.ts';
import { makeCompleteMfaLogin } from './complete-mfa-login.ts';
import { makeDisableMfa } from './disable-mfa.ts';
import { makeConfirmMfaEnrolment, makeStartMfaEnrolment } from './enrol-mfa.ts';
import { makeLogIn } from './log-in.ts';
import { assertMayManageAdmin, makeChangeAdminRole, makeChangePassword, makeCreateAdmin, makeRemoveAdmin, makeResetAdminPassword } from './manage-admins.ts';
import { makeEndAdminSessions, makeListSessions, makeRevokeSession } from './manage-sessions.ts';
import { makeMfaChallengeOwner } from './mfa-challenge.ts';
import type { AdminRecord } from './ports.ts';
import { makeAssertRecentAuth, makeReauthenticate, makeRecentlyAuthenticated } from './reauthenticate.ts';
import { makeCompleteSetup, makeIssueSetupToken, makeNeedsSetup } from './setup.ts';

/** The auth capability's use cases, built once per composition root. */
export function makeAuth(deps: AuthDeps) {
  return {
    needsSetup: makeNeedsSetup(deps),
    issueSetupToken: makeIssueSetupToken(deps),
    completeSetup: makeCompleteSetup(deps),
    logIn: makeLogIn(deps),
    completeMfaLogin: makeCompleteMfaLogin(deps),
    mfaChallengeOwner: makeMfaChallengeOwner(deps),
    startMfaEnrolment: makeStartMfaEnrolment(deps),
    confirmMfaEnrolment: makeConfirmMfaEnrolment(deps),
    disableMfa: makeDisableMfa(deps),
    mfaStatus: (admin: AdminRecord, required: boolean): MfaStatus => ({
      enabled: !!admin.mfa,
      enabledAt: admin.mfa?.enabledAt ?? null,
      recoveryCodesLeft: admin.mfa?.recoveryCodeHashes.length ?? 0,
      required,
    }),
    authenticate: makeAuthenticate(deps),
    reauthenticate: makeReauthenticate(deps),
    /** For actions that need a password check from the last 5 minutes (admins, sessions, 2FA policy). */
    recentlyAuthenticated: makeRecentlyAuthenticated(deps),
    assertRecentAuth: makeAssertRecentAuth(deps),
    logOut: (sessionId: string) => deps.sessions.delete(sessionId),
    listSessions: makeListSessions(deps),
    revokeSession: makeRevokeSession(deps),
    endAdminSessions: makeEndAdminSessions(deps),
    changePassword: makeChangePassword(deps),
    listAdmins: async () => (await deps.admins.list()).map(toAdmin),
    createAdmin: makeCreateAdmin(deps),
    assertMayManageAdmin,
    removeAdmin: makeRemoveAdmin(deps),
    changeAdminRole: makeChangeAdminRole(deps),
    resetAdminPassword: makeResetAdminPassword(deps),
  };
}
export type Auth = ReturnType<typeof makeAuth>;

/** The public view of an admin: never the password hash or the 2FA secret. */
export const toAdmin = (a: AdminRecord): Admin => ({
  email: a.email,
  name: a.name,
  role: a.role,
  createdAt: a.createdAt,
  lastLoginAt: a.lastLoginAt,
  mfaEnabled: !!a.mfa,
});
