import type { DomainMoveMailbox } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { bindFileHref, everyText, stepStates, ttlText } from './stages.ts';

const mailbox = (passes: number, counted = false) => ({ passes, lastRun: counted ? { runId: 'run_1' } : null }) as DomainMoveMailbox;
const base = { passesDone: 0, mailboxes: [mailbox(0), mailbox(0)] };

describe('stepStates', () => {
  it('marks the steps before the stage done, the stage current, the rest not yet', () => {
    expect(stepStates({ ...base, stage: 'prepare' })).toEqual(['current', 'upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
    expect(stepStates({ ...base, stage: 'switch' })).toEqual(['done', 'done', 'done', 'current', 'upcoming', 'upcoming']);
    expect(stepStates({ ...base, stage: 'final' })).toEqual(['done', 'done', 'done', 'done', 'current', 'upcoming']);
  });
  it('marks every step done when the move finished', () => {
    expect(stepStates({ ...base, stage: 'finished' })).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
  });
  it('says where a cancelled move stopped, from what it left behind', () => {
    expect(stepStates({ ...base, stage: 'cancelled' })).toEqual(['stopped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(stepStates({ ...base, stage: 'cancelled', mailboxes: [mailbox(1), mailbox(0)] })).toEqual(['done', 'stopped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(stepStates({ ...base, stage: 'cancelled', mailboxes: [mailbox(1, true), mailbox(1)] })).toEqual(['done', 'stopped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(stepStates({ ...base, stage: 'cancelled', mailboxes: [mailbox(1, true), mailbox(1, true)] })).toEqual(['done', 'done', 'stopped', 'skipped', 'skipped', 'skipped']);
    expect(stepStates({ ...base, stage: 'cancelled', mailboxes: [mailbox(3, true), mailbox(3, true)], passesDone: 2 })).toEqual(['done', 'done', 'stopped', 'skipped', 'skipped', 'skipped']);
  });
});

describe('words', () => {
  it('says intervals and TTLs in words', () => {
    expect([everyText(360), everyText(60), everyText(5), everyText(1)]).toEqual(['every 6 hours', 'every hour', 'every 5 minutes', 'every minute']);
    expect([ttlText(86_400), ttlText(3600), ttlText(300), ttlText(90), ttlText(1)]).toEqual(['1 day', '1 hour', '5 minutes', '90 seconds', '1 second']);
  });
  it('makes the BIND fragment a downloadable file with its text intact', () => {
    const bind = '@ 3600 IN MX 10 mailserver.purelymail.com.\n_dmarc 3600 IN CNAME dmarcroot.purelymail.com.\n';
    expect(decodeURIComponent(bindFileHref(bind).replace('data:text/plain;charset=utf-8,', ''))).toBe(bind);
  });
});

