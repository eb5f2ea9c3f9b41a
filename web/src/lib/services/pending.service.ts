import { PendingAction, PendingActionOverview } from '@app/shared';
import { api } from '$lib/api/client.ts';
import { session } from '$lib/state/session.svelte.ts';

/** The pending queue. Every read also refreshes the nav badge, so it never lags behind the page. */
export const pendingService = {
  async list(): Promise<PendingActionOverview> {
    const overview = await api.get('/api/pending-actions', PendingActionOverview);
    session.pendingActions = overview.actions.filter((a) => a.status === 'pending').length;
    return overview;
  },
  async cancel(id: string): Promise<PendingAction> {
    const cancelled = await api.post(`/api/pending-actions/${encodeURIComponent(id)}/cancel`, undefined, PendingAction);
    if (session.pendingActions) session.pendingActions -= 1;
    return cancelled;
  },
};
