import {
  Job,
  JobDetail,
  JobList,
  JobSyncSchedule,
  JobSyncView,
  MigrationSettings,
  Run,
  RunLog,
  ServerList,
  ServerProfile,
  TestLoginResult,
  type CreateJobInput,
  type CreateServerInput,
  type RunKind,
  type SetJobSyncInput,
  type TestLoginAdHocInput,
  type TestLoginInput,
  type UpdateJobCredentialsInput,
  type UpdateMigrationSettingsInput,
  type UpdateServerInput,
} from '@app/shared';
import { api, type Polled } from '$lib/api/client.ts';
import { polled, type UNCHANGED } from '$lib/state/resource.svelte.ts';

const BASE = '/api/migrations';
const server = (id: string) => `${BASE}/servers/${encodeURIComponent(id)}`;
const job = (id: string) => `${BASE}/jobs/${encodeURIComponent(id)}`;
const run = (id: string) => `${BASE}/runs/${encodeURIComponent(id)}`;
const listServers = () => api.get(`${BASE}/servers`, ServerList);

/**
 * `polled` for a job or the job list, whose ends are named after saved servers: a fresh load also reads the
 * servers and hands them to `onServers`; the polls after it read only the job (a 304 when unchanged).
 */
export function polledWithServers<T>(poll: (etag: string | null) => Promise<Polled<T>>, onServers: (byId: Map<string, ServerProfile>) => void): (fresh: boolean) => Promise<T | typeof UNCHANGED> {
  const next = polled(poll);
  return async (fresh) => {
    if (!fresh) return next(false);
    const [data, byId] = await Promise.all([next(true), migrationServersService.byId()]);
    onServers(byId);
    return data;
  };
}

/** IMAP server profiles and "Test login" (credentials used once, never stored). */
export const migrationServersService = {
  list: listServers,
  /** The saved servers by id, to name a job's source and destination. */
  byId: async () => new Map((await listServers()).servers.map((s) => [s.id, s])),
  create: (input: CreateServerInput) => api.post(`${BASE}/servers`, input, ServerProfile),
  update: (id: string, input: UpdateServerInput) => api.put(server(id), input, ServerProfile),
  remove: (id: string) => api.del(server(id)),
  testLogin: (id: string, input: TestLoginInput) => api.post(`${server(id)}/test-login`, input, TestLoginResult),
  testLoginAdHoc: (input: TestLoginAdHocInput) => api.post(`${BASE}/servers/test-login`, input, TestLoginResult),
};

/** Jobs (source → destination), their runs, logs and the concurrency limit. */
export const migrationsService = {
  list: () => api.get(`${BASE}/jobs`, JobList),
  pollList: (etag: string | null) => api.poll(`${BASE}/jobs`, JobList, etag),
  detail: (id: string) => api.get(job(id), JobDetail),
  pollDetail: (id: string, etag: string | null) => api.poll(job(id), JobDetail, etag),
  create: (input: CreateJobInput) => api.post(`${BASE}/jobs`, input, JobDetail),
  updateCredentials: (id: string, input: UpdateJobCredentialsInput) => api.put(`${job(id)}/credentials`, input, Job),
  remove: (id: string) => api.del(job(id)),
  start: (id: string, kind: RunKind) => api.post(`${job(id)}/runs`, { kind }, Run),
  cancel: (runId: string) => api.post(`${run(runId)}/cancel`, undefined, Run),
  retry: (runId: string) => api.post(`${run(runId)}/retry`, undefined, Run),
  /** "Keep in sync every N hours until <date>": the job's one recurring schedule. */
  sync: (id: string) => api.get(`${job(id)}/sync`, JobSyncView),
  createSync: (id: string, input: SetJobSyncInput) => api.post(`${job(id)}/sync`, input, JobSyncSchedule),
  updateSync: (id: string, input: SetJobSyncInput) => api.put(`${job(id)}/sync`, input, JobSyncSchedule),
  removeSync: (id: string) => api.del(`${job(id)}/sync`),
  pollLog: (runId: string, etag: string | null) => api.poll(`${run(runId)}/log`, RunLog, etag),
  /** The whole log as a text file (a plain link: the browser downloads it with the session cookie). */
  fullLogUrl: (runId: string) => `${run(runId)}/log/download`,
  settings: () => api.get(`${BASE}/settings`, MigrationSettings),
  updateSettings: (input: UpdateMigrationSettingsInput) => api.put(`${BASE}/settings`, input, MigrationSettings),
};
