import {
  Admin,
  AdminList,
  EndedSessions,
  SessionList,
  Settings,
  type AdminRole,
  type CreateAdminInput,
  type UpdateSettingsInput,
} from '@app/shared';
import { api } from '$lib/api/client.ts';

export const sessionsService = {
  list: () => api.get('/api/sessions', SessionList),
  revoke: (id: string) => api.del(`/api/sessions/${encodeURIComponent(id)}`),
  /** Ends every session of the signed-in admin except this one. */
  endOthers: () => api.del('/api/sessions', EndedSessions),
};

export const adminsService = {
  list: () => api.get('/api/admins', AdminList),
  create: (input: CreateAdminInput) => api.post('/api/admins', input, Admin),
  remove: (email: string) => api.del(`/api/admins/${encodeURIComponent(email)}`),
  changeRole: (email: string, role: AdminRole) => api.patch(`/api/admins/${encodeURIComponent(email)}`, { role }, Admin),
};

export const panelSettingsService = {
  get: () => api.get('/api/settings', Settings),
  update: (input: UpdateSettingsInput) => api.put('/api/settings', input, Settings),
};
