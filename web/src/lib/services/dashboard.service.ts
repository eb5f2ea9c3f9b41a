import { Dashboard } from '@app/shared';
import { api } from '$lib/api/client.ts';

export const dashboardService = {
  get: () => api.get('/api/dashboard', Dashboard),
  /** Pull fresh totals and credit from PurelyMail. */
  sync: () => api.post('/api/sync', undefined, Dashboard),
};
