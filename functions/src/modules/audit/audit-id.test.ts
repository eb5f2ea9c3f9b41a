import { describe, expect, it } from 'vitest';
import { newAuditId } from './audit.ts';

describe('audit ids', () => {
  it('sort by time, then by creation order within the same millisecond', () => {
    const t = new Date('2026-11-21T09:00:00Z');
    const ids = Array.from({ length: 50 }, () => newAuditId(t));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
    expect(newAuditId(new Date(t.getTime() + 1)) > ids[49]!).toBe(true);
  });
});
