import { describe, expect, it } from 'vitest';
import { ExitClass, exitClassInfo, retryable } from '@app/shared/schemas/imapsync';
import { classifyExit, exitFromShellStatus } from '../../src/imapsync/classify-exit.ts';

const asked = { stopRequested: true };
const unasked = { stopRequested: false };

describe('classifyExit', () => {
  it.each([
    [0, 'succeeded'], [7, 'cancelled'], [6, 'interrupted'], [161, 'auth_source'], [162, 'auth_dest'], [16, 'auth_source'],
    [101, 'connect_source'], [10, 'connect_source'], [102, 'connect_dest'], [12, 'tls'], [113, 'quota'], [114, 'append'],
    [119, 'append'], [115, 'partial'], [116, 'partial'], [117, 'partial'], [120, 'partial'], [111, 'partial'], [112, 'partial'],
    [118, 'transfer_limit'], [8, 'locked'], [64, 'usage'], [66, 'config'], [2, 'config'], [1, 'unknown'], [254, 'unknown'],
  ] as const)('exit code %i → %s', (code, cls) => {
    expect(classifyExit({ code, signal: null }, unasked)).toBe(cls);
  });

  it('a signal death is cancelled only when we asked to stop', () => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT']) {
      expect(classifyExit({ code: null, signal }, asked)).toBe('cancelled');
      expect(classifyExit({ code: null, signal }, unasked)).toBe('interrupted');
    }
    expect(classifyExit({ code: null, signal: 'SIGKILL' }, unasked)).toBe('interrupted');
    // Our own SIGKILL escalation after a cancel must not turn the cancel into a retryable interruption.
    expect(classifyExit({ code: null, signal: 'SIGKILL' }, asked)).toBe('cancelled');
    expect(classifyExit({ code: 6, signal: null }, asked)).toBe('cancelled');
    expect(classifyExit({ code: null, signal: null })).toBe('unknown');
  });

  it('reads shell-style statuses', () => {
    expect(exitFromShellStatus(143)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(exitFromShellStatus(137)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(exitFromShellStatus(130)).toEqual({ code: null, signal: 'SIGINT' });
    expect(exitFromShellStatus(131)).toEqual({ code: null, signal: 'SIGQUIT' });
    expect(exitFromShellStatus(161)).toEqual({ code: 161, signal: null });
    expect(exitFromShellStatus(0)).toEqual({ code: 0, signal: null });
  });
});

describe('exitClassInfo and retryable', () => {
  it('explains every class in plain language', () => {
    for (const cls of ExitClass.options) {
      const info = exitClassInfo(cls);
      expect(info.title.length).toBeGreaterThan(3);
      expect(info.fix.length).toBeGreaterThan(3);
    }
    expect(exitClassInfo('auth_source')).toMatchObject({ title: 'Source login failed', fix: expect.stringMatching(/app password/) });
    expect(exitClassInfo('quota').title).toBe('Destination mailbox is over quota');
    expect(exitClassInfo('connect_dest').title).toMatch(/^Cannot connect to/);
    expect(exitClassInfo('cancelled').title).toBe('Cancelled');
  });

  it('retries transient failures only', () => {
    expect(retryable('interrupted')).toBe(true);
    expect(retryable('connect_source')).toBe(true);
    expect(retryable('connect_dest')).toBe(true);
    for (const cls of ['auth_source', 'auth_dest', 'succeeded', 'cancelled', 'usage', 'config', 'quota', 'tls'] as const) {
      expect(retryable(cls)).toBe(false);
    }
  });
});
