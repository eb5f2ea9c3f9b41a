import { ChangePasswordResult, Me, SetupStatus, type ChangePasswordInput } from '@app/shared';
import { api } from '$lib/api/client.ts';

export const authService = {
  setupStatus: () => api.get('/api/setup/status', SetupStatus),
  setup: (input: { token: string; email: string; name: string; password: string }) =>
    api.post('/api/setup', input, Me),
  login: (input: { email: string; password: string }) => api.post('/api/auth/login', input, Me),
  logout: () => api.post('/api/auth/logout'),
  changePassword: (input: ChangePasswordInput) => api.post('/api/account/password', input, ChangePasswordResult),
};
