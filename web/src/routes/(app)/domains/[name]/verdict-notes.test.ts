import type { DnsRecordCheck, DnsRecordKind } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { verdictNotes } from './verdict-notes.ts';

const rec = (kind: DnsRecordKind, status: DnsRecordCheck['status'], purelymailVerdict: boolean | null): DnsRecordCheck => ({
  kind,
  host: 'x.example',
  type: 'CNAME',
  expectedValue: 'v',
  purelymailVerdict,
  published: [],
  status,
  problems: [],
});

describe('verdictNotes', () => {
  it('explains the single DKIM verdict when one key is wrong, instead of asking for a re-check', () => {
    const notes = verdictNotes([rec('mx', 'ok', true), rec('dkim1', 'ok', false), rec('dkim2', 'missing', false), rec('dkim3', 'ok', false)], true);
    expect(notes).toEqual([
      'PurelyMail gives one DKIM verdict for all three keys, so it fails key 1 and key 3 too while key 2 is not published correctly. Fix key 2, then re-check.',
    ]);
  });

  it('after a re-check, never asks for another one', () => {
    const records = [rec('dkim1', 'ok', false), rec('dkim2', 'ok', false), rec('dkim3', 'ok', false), rec('spf', 'ok', false)];
    const after = verdictNotes(records, true);
    expect(after).toHaveLength(2);
    for (const n of after) expect(n).not.toContain('Re-check DNS now');
    expect(after[1]).toContain('PurelyMail still fails SPF after this re-check');
    expect(verdictNotes(records, false).every((n) => n.includes('Re-check DNS now'))).toBe(true);
  });

  it('says nothing when PurelyMail and our lookup agree', () => {
    expect(verdictNotes([rec('dkim1', 'missing', false), rec('mx', 'ok', true), rec('ownership', 'ok', null)], false)).toEqual([]);
  });
});
