import { whyNot, type AdminRole, type Me, type Power } from '@app/shared';
import { setReauthHandler } from '$lib/api/client.ts';
import { authService } from '$lib/services/auth.service.ts';

/** The signed-in admin, shared by every page under (app). */
class SessionState {
  me = $state<Me | null>(null);
  /** Count of scheduled destructive actions, for the nav badge; the dashboard keeps it fresh. */
  pendingActions = $state<number | null>(null);

  get sandbox(): boolean {
    return this.me?.sandbox ?? false;
  }

  get isOwner(): boolean {
    return this.me?.admin.role === 'owner';
  }

  get role(): AdminRole | undefined {
    return this.me?.admin.role;
  }

  /**
   * Why the signed-in admin may not use `power` (shown on the disabled control), or undefined when they may.
   * The server enforces the same rules (shared/src/roles.ts); this only keeps people from trying.
   * @example <Button disabledReason={session.why('change')}>Delete</Button>
   */
  why(power: Power): string | undefined {
    return this.me ? whyNot(this.me.admin.role, power) : undefined;
  }

  /** GET /api/auth/me. Throws ApiError (401 when signed out). */
  async load(): Promise<Me> {
    const me = await authService.me();
    this.me = me;
    return me;
  }

  set(me: Me): void {
    this.me = me;
  }

  clear(): void {
    this.me = null;
    this.pendingActions = null;
  }
}

export const session = new SessionState();

// A sensitive action answered `reauth_required`: ask for the password (and code) in a dialog, loaded on
// first need, then the client repeats the request once.
setReauthHandler(async () => {
  const { confirmIdentity } = await import('$lib/components/mfa/confirm-identity.ts');
  return confirmIdentity({ mfa: session.me?.mfaEnabled ?? false });
});
