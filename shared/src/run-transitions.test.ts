import { describe, expect, it } from 'vitest';
import { RunState } from './schemas/migration.ts';
import { isTerminalRunState, nextRunState, RUN_STATE_LABELS, RUN_STATES, RUN_TRANSITIONS, runEventSources, runEventTarget, TERMINAL_RUN_STATES, type RunEvent } from './run-transitions.ts';

const events = [...new Set(RUN_STATES.flatMap((s) => Object.keys(RUN_TRANSITIONS[s])))] as RunEvent[];

describe('the run transitions table', () => {
  it('walks every state × event: a listed row leads to its state, anything else cannot happen', () => {
    let legal = 0;
    for (const state of RUN_STATES) {
      for (const event of events) {
        const row = (RUN_TRANSITIONS[state] as Partial<Record<RunEvent, string>>)[event];
        expect(nextRunState(state, event)).toBe(row);
        expect(runEventSources(event).includes(state)).toBe(row !== undefined);
        if (row !== undefined) {
          legal++;
          expect(runEventTarget(event)).toBe(row);
        }
      }
    }
    expect(legal).toBe(16);
  });

  it('an event leads to one state wherever it happens, so the event alone names the new state', () => {
    for (const event of events) expect(new Set(runEventSources(event).map((s) => nextRunState(s, event))).size).toBe(1);
  });

  it('the ended states are exactly those with no way out, and every other state can reach one', () => {
    expect(TERMINAL_RUN_STATES).toEqual(['succeeded', 'failed', 'cancelled', 'interrupted']);
    expect(RUN_STATES.filter((s) => isTerminalRunState(s))).toEqual(TERMINAL_RUN_STATES);
    const reachesEnd = (s: (typeof RUN_STATES)[number], seen = new Set<string>()): boolean =>
      isTerminalRunState(s) || (!seen.has(s) && Object.values(RUN_TRANSITIONS[s]).some((t) => reachesEnd(t, new Set([...seen, s]))));
    for (const s of RUN_STATES) expect(reachesEnd(s), s).toBe(true);
    // Nothing leads back to queued but a failed worker start, and nothing leads out of an end.
    expect(RUN_STATES.filter((s) => Object.values(RUN_TRANSITIONS[s]).includes('queued' as never))).toEqual(['starting']);
  });

  it('the schema, the table and the UI labels name the same states', () => {
    expect(RunState.options).toEqual([...RUN_STATES]);
    expect(Object.keys(RUN_TRANSITIONS)).toEqual([...RUN_STATES]);
    expect(Object.keys(RUN_STATE_LABELS)).toEqual([...RUN_STATES]);
  });

  it('an unknown event is refused, not guessed', () => {
    expect(() => runEventTarget('teleported' as RunEvent)).toThrow(/Unknown run event/);
  });
});
