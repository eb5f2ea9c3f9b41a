/**
 * The naming scheme (issue 17): `area.object.verb` — lowercase, dot-separated, the last segment a verb in base
 * form (`create`, `update`, `revoke`, …), words inside a segment joined with `_`; a request queued in the 24-hour
 * queue ends in `.delete.request`. A test holds every name below to it.
 *
 * Every action the audit log records, with what it means in words: the audit page's action picker offers
 * these (so nobody has to guess a name), and a test proves every audited route's action is listed here.
 */
export const AUDIT_ACTIONS = {
  'setup.complete': 'First-run setup',
  'auth.login': 'Sign-in',
  'auth.mfa.verify': 'Sign-in: 2FA code',
  'auth.logout': 'Sign-out',
  'auth.reauth': 'Confirm identity again',
  'authz.deny': 'Refused: role does not allow it',
  'session.revoke': 'Session revoked',
  'session.others.revoke': 'Other sessions revoked',
  'account.password.change': 'Own password changed',
  'account.mfa.enrol': '2FA set-up started',
  'account.mfa.enable': '2FA turned on',
  'account.mfa.disable': '2FA turned off',
  'admin.create': 'Admin added',
  'admin.remove': 'Admin removed',
  'admin.role.change': 'Admin role changed',
  'admin.password.reset': 'Admin password reset (command line)',
  'settings.update': 'Panel settings changed',
  'notifications.settings.update': 'Notification settings changed',
  'notifications.test': 'Test email sent',
  'cache.sync': 'Refresh from PurelyMail',
  'purelymail.outside_change.detect': 'Changed outside the panel',
  'user.create': 'User created',
  'user.import.preview': 'Users CSV previewed',
  'user.import': 'Users imported from CSV',
  'user.update': 'User settings changed',
  'user.password.set': 'User password set',
  'user.recovery.upsert': 'Recovery method added or changed',
  'user.recovery.remove': 'Recovery method removed',
  'user.delete.request': 'User deletion scheduled',
  'user.app_password.create': 'App password created for a user',
  'user.app_password.revoke': 'App password revoked',
  'user.handover.create': 'One-time hand-over links made for imported users',
  'user.handover.open': 'One-time hand-over link opened',
  'user.offboard.start': 'Off-boarding started',
  'user.offboard.password.rotate': 'Off-boarding: password rotated',
  'user.offboard.app_passwords.revoke': 'Off-boarding: app passwords revoked',
  'user.offboard.archive.start': 'Off-boarding: archive copy started',
  'user.offboard.archive.finish': 'Off-boarding: archive copy ended',
  'user.offboard.archive.cancel': 'Off-boarding: archive copy cancelled',
  'user.offboard.forward.create': 'Off-boarding: forwarding rule added',
  'user.offboard.delete.request': 'Off-boarding: deletion scheduled',
  'user.offboard.cancel': 'Off-boarding cancelled',
  'user.offboard.mailbox.delete': 'Off-boarding: mailbox deletion ran or was refused',
  'domain.add': 'Domain added',
  'domain.settings.update': 'Domain settings changed',
  'domain.dns.recheck': 'DNS re-checked',
  'domain.delete.request': 'Domain deletion scheduled',
  'dns_health.settings.update': 'DNS recheck settings changed',
  'dns.break': 'DNS started failing',
  'dns.recover': 'DNS recovered',
  'routing.create': 'Routing rule created',
  'routing.update': 'Routing rule changed',
  'routing.undo': 'Routing rule undone (deleted at once by its creator)',
  'routing.delete.request': 'Routing rule deletion scheduled',
  'pending.cancel': 'Scheduled action cancelled',
  'pending.execute': 'Scheduled action ran',
  'pending.skip': 'Scheduled action skipped (out of date)',
  'migration.server.create': 'Mail server saved',
  'migration.server.update': 'Mail server changed',
  'migration.server.delete': 'Mail server deleted',
  'migration.server.login.test': 'Test login',
  'migration.settings.update': 'Migration concurrency changed',
  'migration.job.create': 'Migration job created',
  'migration.job.credentials.replace': 'Migration job passwords replaced',
  'migration.job.delete': 'Migration job deleted',
  'migration.app_password.create': 'App password created for a migration job',
  'migration.app_password.delete': 'App password of a migration job deleted',
  'migration.run.start': 'Migration run started',
  'migration.run.retry': 'Migration run retried',
  'migration.run.cancel': 'Migration run cancelled',
  'migration.sync_schedule.create': 'Job kept in sync: schedule created',
  'migration.sync_schedule.update': 'Job kept in sync: schedule changed',
  'migration.sync_schedule.delete': 'Job kept in sync: schedule stopped by an admin',
  'migration.sync_schedule.stop': 'Job kept in sync: schedule stopped itself (failed passes, end date, job deleted)',
  'migration.import.preview': 'CSV import previewed',
  'migration.import': 'CSV imported',
  'migration.batch.action.apply': 'Batch action',
  'campaign.create': 'Campaign created',
  'campaign.deactivate': 'Campaign closed',
  'campaign.link.replace': 'Campaign link replaced',
  'campaign.launch': 'Campaign jobs created',
  'campaign.purge': 'Campaign passwords purged',
  'campaign.submission.add': 'Campaign row added by hand',
  'campaign.submission.map': 'Campaign row mapped',
  'campaign.submission.delete': 'Campaign row removed',
  'campaign.public.view': 'Campaign link opened',
  'campaign.public.challenge': 'Campaign browser check',
  'campaign.public.submit': 'Campaign password submitted',
  'domain_move.create': 'Domain move started',
  'domain_move.old_mx.check': 'Domain move: old MX TTL read again',
  'domain_move.copy.start': 'Domain move: copy started',
  'domain_move.schedule.create': 'Domain move: sync schedule created',
  'domain_move.schedule.update': 'Domain move: sync schedule changed',
  'domain_move.schedule.delete': 'Domain move: sync schedule deleted',
  'domain_move.pass.run': 'Domain move: delta pass run',
  'domain_move.mailbox.pause': 'Domain move: mailbox paused after failed passes',
  'domain_move.mailbox.resume': 'Domain move: mailbox resumed',
  'domain_move.dns.apply': 'Domain move: DNS records applied',
  'domain_move.dns.restore': 'Domain move: DNS rolled back (old records restored)',
  'domain_move.dns.publish': 'Domain move: DNS published by the admin',
  'domain_move.final_pass.run': 'Domain move: final pass run',
  'domain_move.finish': 'Domain move finished',
  'domain_move.cancel': 'Domain move cancelled',
} as const satisfies Record<string, string>;

export type AuditActionName = keyof typeof AUDIT_ACTIONS;

/**
 * Names entries were written under before the scheme above. Stored entries are never rewritten (the log is
 * append-only), so the label and the action filter read them through this table.
 */
export const AUDIT_ACTION_ALIASES = {
  'auth.login.mfa': 'auth.mfa.verify',
  'authz.denied': 'authz.deny',
  'session.revoke_others': 'session.others.revoke',
  'admin.role': 'admin.role.change',
  'purelymail.changed_outside': 'purelymail.outside_change.detect',
  'domain.update_settings': 'domain.settings.update',
  'domain.recheck_dns': 'domain.dns.recheck',
  'domain.delete_requested': 'domain.delete.request',
  'dns-health.settings.update': 'dns_health.settings.update',
  'dns.broke': 'dns.break',
  'dns.recovered': 'dns.recover',
  'routing.edit': 'routing.update',
  'routing.delete_requested': 'routing.delete.request',
  'pending.skipped_stale': 'pending.skip',
  'migration.server.test_login': 'migration.server.login.test',
  'migration.job.credentials': 'migration.job.credentials.replace',
  'migration.batch.action': 'migration.batch.action.apply',
} as const satisfies Record<string, AuditActionName>;

/** The current name of an action: an old name mapped through the alias table, anything else as it is. */
export const canonicalAuditAction = (action: string): string => (AUDIT_ACTION_ALIASES as Record<string, string>)[action] ?? action;

/** The words for an action (old names too), or the name itself for one this version does not know. */
export const auditActionLabel = (action: string): string => (AUDIT_ACTIONS as Record<string, string>)[canonicalAuditAction(action)] ?? action;

/**
 * What an action filter (a prefix: `domain`, `domain.delete.request`) also has to find among old entries: the
 * old names whose current name starts with the (canonical) filter.
 */
export const oldAuditActionsMatching = (filter: string): string[] => {
  const prefix = canonicalAuditAction(filter);
  return Object.entries(AUDIT_ACTION_ALIASES)
    .filter(([old, current]) => current.startsWith(prefix) && !old.startsWith(prefix))
    .map(([old]) => old);
};
