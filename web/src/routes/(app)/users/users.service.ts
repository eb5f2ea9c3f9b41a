import {
  AppPasswordList,
  HandoverLinks,
  MAX_HANDOVER_LINKS_PER_REQUEST,
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
  /** One-time links for the hand-over, asked for in parts of at most MAX_HANDOVER_LINKS_PER_REQUEST users. */
  async handoverLinks(credentials: readonly { address: string; password: string }[]): Promise<HandoverLinks> {
    const parts: HandoverLinks[] = [];
    for (let i = 0; i < credentials.length; i += MAX_HANDOVER_LINKS_PER_REQUEST) {
      const chunk = credentials.slice(i, i + MAX_HANDOVER_LINKS_PER_REQUEST).map(({ address, password }) => ({ address, password }));
      parts.push(await api.post('/api/users/import/handover-links', { credentials: chunk }, HandoverLinks));
    }
    return { links: parts.flatMap((p) => p.links), expiresAt: parts.map((p) => p.expiresAt).sort()[0]!, validHours: parts[0]!.validHours };
  },
};
