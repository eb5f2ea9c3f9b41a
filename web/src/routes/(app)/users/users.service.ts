import {
  AppPasswordList,
  CreatedAppPassword,
  CreatedUser,
  OffboardingResponse,
  RevokedAppPassword,
  UserDeletionRequested,
  UserDetail,
  UserImportPreview,
  UserImportResult,
  UserList,
  type CreateUserInput,
  type OffboardInput,
  type UserImportInput,
  type UserImportPreviewInput,
  type UpdateUserInput,
  type UpsertResetMethodInput,
} from '@app/shared';
import { api } from '$lib/api/client.ts';

const one = (address: string) => `/api/users/${encodeURIComponent(address)}`;

/** Mailboxes: the list is the panel's cache of PurelyMail; everything else talks to PurelyMail. */
export const usersService = {
  list: () => api.get('/api/users', UserList),
  refresh: () => api.post('/api/users/refresh', undefined, UserList),
  create: (input: CreateUserInput) => api.post('/api/users', input, CreatedUser),
  get: (address: string) => api.get(one(address), UserDetail),
  update: (address: string, input: UpdateUserInput) => api.put(one(address), input, UserDetail),
  setPassword: (address: string, newPassword: string) => api.post(`${one(address)}/password`, { newPassword }),
  upsertResetMethod: (address: string, input: UpsertResetMethodInput) => api.put(`${one(address)}/reset-methods`, input, UserDetail),
  removeResetMethod: (address: string, target: string) => api.del(`${one(address)}/reset-methods/${encodeURIComponent(target)}`, UserDetail),
  requestDeletion: (address: string) => api.del(one(address), UserDeletionRequested),
  appPasswords: (address: string) => api.get(`${one(address)}/app-passwords`, AppPasswordList),
  createAppPassword: (address: string, name: string) => api.post(`${one(address)}/app-passwords`, { name }, CreatedAppPassword),
  revokeAppPassword: (address: string, id: string) => api.del(`${one(address)}/app-passwords/${encodeURIComponent(id)}`, RevokedAppPassword),
  offboarding: (address: string) => api.get(`${one(address)}/offboard`, OffboardingResponse),
  offboard: (address: string, input: OffboardInput) => api.post(`${one(address)}/offboard`, input, OffboardingResponse),
};

/** Bulk users from a CSV: template, preview (per line, no password back), and the import with the one-time hand-over. */
export const userImportService = {
  templateUrl: '/api/users/import/template.csv',
  preview: (input: UserImportPreviewInput) => api.post('/api/users/import/preview', input, UserImportPreview),
  import: (input: UserImportInput) => api.post('/api/users/import', input, UserImportResult),
};
