import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_ALIASES, AUDIT_ACTIONS, auditActionLabel, canonicalAuditAction, oldAuditActionsMatching } from './audit-actions.ts';

/**
 * Verbs in base form the names use. A new action whose last segment is missing here: add the verb if it is one
 * (`approve`), otherwise rename the action (`user.role` → `user.role.change`).
 */
const VERBS = new Set(
  ('add apply approve archive break cancel challenge change check close complete copy create deactivate delete deny detect disable enable enrol execute ' +
    'download export finish generate import launch login logout map move open pause preview publish purge reauth recheck recover refresh remove replace request ' +
    'reset restore resume retry revoke rotate run schedule send set skip start stop submit suspend sync test undo update upload upsert verify view').split(' '),
);
const SEGMENT = /^[a-z0-9]+(_[a-z0-9]+)*$/;

describe('audit action names', () => {
  it('follow area.object.verb: lowercase, `_` inside words, a base-form verb last, queued deletions end in .delete.request', () => {
    const wrong = Object.keys(AUDIT_ACTIONS).filter((name) => {
      const parts = name.split('.');
      return parts.length < 2 || !parts.every((p) => SEGMENT.test(p)) || !VERBS.has(parts.at(-1)!) || /request(ed)?_|_request/.test(name);
    });
    expect(wrong).toEqual([]);
    for (const name of ['user.delete.request', 'domain.delete.request', 'routing.delete.request']) expect(name in AUDIT_ACTIONS, name).toBe(true);
    for (const name of Object.keys(AUDIT_ACTIONS)) if (/deletion scheduled$/i.test((AUDIT_ACTIONS as Record<string, string>)[name]!)) expect(name).toMatch(/\.delete\.request$/);
  });

  it('maps every old name to a current one, and no old name is still in use', () => {
    for (const [old, current] of Object.entries(AUDIT_ACTION_ALIASES)) {
      expect(current in AUDIT_ACTIONS, current).toBe(true);
      expect(old in AUDIT_ACTIONS, old).toBe(false);
    }
  });

  it('labels entries stored under old names with words', () => {
    expect(auditActionLabel('domain.delete_requested')).toBe('Domain deletion scheduled');
    expect(auditActionLabel('routing.delete_requested')).toBe('Routing rule deletion scheduled');
    expect(auditActionLabel('pending.skipped_stale')).toBe(AUDIT_ACTIONS['pending.skip']);
    expect(auditActionLabel('dns.broke')).toBe('DNS started failing');
    expect(auditActionLabel('domain.delete.request')).toBe('Domain deletion scheduled');
    expect(auditActionLabel('something.unknown')).toBe('something.unknown');
    expect(canonicalAuditAction('session.revoke_others')).toBe('session.others.revoke');
  });

  it('finds old names for a filter by current name, old name or prefix', () => {
    expect(oldAuditActionsMatching('domain.delete.request')).toEqual(['domain.delete_requested']);
    expect(oldAuditActionsMatching('domain.delete_requested')).toEqual(['domain.delete_requested']);
    // `domain` as a prefix already matches the old domain.* names; nothing extra needed for those.
    expect(oldAuditActionsMatching('domain')).toEqual([]);
    expect(oldAuditActionsMatching('dns_health')).toEqual(['dns-health.settings.update']);
    expect(oldAuditActionsMatching('auth.mfa')).toEqual(['auth.login.mfa']);
    expect(oldAuditActionsMatching('user.create')).toEqual([]);
  });
});
