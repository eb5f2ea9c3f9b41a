import type { AdminRole } from './schemas/admin.ts';

/**
 * What each role may do, for the server (which enforces it) and the UI (which shows a disabled control with
 * the reason). Three roles:
 * - owner: everything;
 * - admin: day-to-day work (users, domains, routing, migrations, pending deletions, credit thresholds), but not
 *   the panel's safety policy (deletion delay, 2FA requirement), who gets notified, or other admins;
 * - viewer: sees everything, changes nothing (support staff who look but do not touch). Their own password,
 *   2FA and sessions stay theirs to manage.
 */
export type Power =
  /** Change anything in PurelyMail or the panel (the default for every state-changing route). */
  | 'change'
  /** Add, remove, promote or demote admins. */
  | 'manage-admins'
  /** End a session of another admin. */
  | 'end-others-sessions'
  /** The deletion delay and "require 2FA for every admin". */
  | 'panel-policy'
  /** Who receives notification emails. */
  | 'notification-recipients';

const OWNER_ONLY: readonly Power[] = ['manage-admins', 'end-others-sessions', 'panel-policy', 'notification-recipients'];

export const ROLE_LABELS: Record<AdminRole, string> = { owner: 'Owner', admin: 'Admin', viewer: 'Viewer' };

export const ROLE_DESCRIPTIONS: Record<AdminRole, string> = {
  owner: 'Everything, including other admins, the deletion delay, the 2FA requirement and who gets notified.',
  admin: 'Day-to-day work: users, domains, routing, migrations and pending deletions.',
  viewer: 'Sees everything, changes nothing.',
};

const REASONS: Record<Power, string> = {
  change: 'Viewers can look but not change anything.',
  'manage-admins': 'Only an owner can add, remove, promote or demote admins.',
  'end-others-sessions': "Only an owner can end another admin's sessions.",
  'panel-policy': 'Only an owner can change the deletion delay and the 2FA requirement.',
  'notification-recipients': 'Only an owner can change who receives notifications.',
};

/** True when `role` has `power`. */
export function can(role: AdminRole | undefined, power: Power): boolean {
  if (role === 'owner') return true;
  if (role === 'admin') return !OWNER_ONLY.includes(power);
  return false;
}

/** Why `role` lacks `power` (a sentence for a tooltip or a 403), or undefined when it has it. */
export function whyNot(role: AdminRole | undefined, power: Power): string | undefined {
  if (can(role, power)) return undefined;
  return role === 'viewer' ? REASONS.change : REASONS[power];
}
