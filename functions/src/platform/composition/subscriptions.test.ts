import type { PendingAction } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../events.ts';
import { createJsonLogger } from '../logger.ts';
import { subscribe, type AppEvents } from './subscriptions.ts';

describe('every cross-module reaction is subscribed in one place', () => {
  it('RunEnded offers the next waiting run, then rolls up its batch; pending actions are mailed; a deleted domain leaves DNS health', async () => {
    const calls: string[] = [];
    const bus = createEventBus<AppEvents>(createJsonLogger({ level: 'silent' }));
    subscribe(bus, {
      offerWaitingRun: async ({ runId }) => (calls.push(`offer ${runId}`), undefined),
      batches: { onRunEnded: async (runId) => void calls.push(`batch ${runId}`) },
      notify: {
        pendingRequested: async (a) => (calls.push(`requested ${a.id}`), { sent: [], skipped: [], queued: [] }),
        pendingCancelled: async (a) => (calls.push(`cancelled ${a.id}`), { sent: [], skipped: [], queued: [] }),
        pendingFinished: async (a) => (calls.push(`finished ${a.id}`), { sent: [], skipped: [], queued: [] }),
      },
      dnsHealth: { untrack: async (d) => void calls.push(`untrack ${d}`) },
    });
    const action = { id: 'pa-1' } as PendingAction;
    await bus.emit('RunEnded', { runId: 'run_1' });
    await bus.emit('PendingActionRequested', { action });
    await bus.emit('DomainDeleted', { domain: 'example.com' });
    await bus.emit('PendingActionCancelled', { action });
    await bus.emit('PendingActionFinished', { action });
    expect(calls).toEqual(['offer run_1', 'batch run_1', 'requested pa-1', 'untrack example.com', 'cancelled pa-1', 'finished pa-1']);
  });
});
