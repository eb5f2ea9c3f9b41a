import * as z from 'zod';
import {
  Job,
  JobDetail,
  JobList,
  MigrationSettings,
  Run,
  RunLog,
  ServerList,
  ServerProfile,
  TestLoginResult,
  type CreateJobInput,
  type CreateServerInput,
  type RunKind,
  type TestLoginAdHocInput,
  type TestLoginInput,
  type UpdateJobCredentialsInput,
  type UpdateMigrationSettingsInput,
  type UpdateServerInput,
} from '@app/shared';
import { api } from '$lib/api/client.ts';
import { apiErrorFromResponse, NetworkError, ResponseShapeError } from '$lib/api/api-error.ts';
import { UNCHANGED } from '$lib/state/resource.svelte.ts';

const BASE = '/api/migrations';
const server = (id: string) => `${BASE}/servers/${encodeURIComponent(id)}`;
const job = (id: string) => `${BASE}/jobs/${encodeURIComponent(id)}`;
const run = (id: string) => `${BASE}/runs/${encodeURIComponent(id)}`;
const listServers = () => api.get(`${BASE}/servers`, ServerList);

/** A conditional GET's answer: `unchanged` when the server said 304 (nothing parsed, nothing re-rendered). */
export type Polled<T> = { unchanged: true; etag: string | null } | { unchanged: false; etag: string | null; data: T };

/**
 * GET with `If-None-Match`, for polling: an unchanged resource costs a 304 with no body.
 * Errors become the same ApiError as everywhere; a 401 is re-asked through the client so it sends the person to login.
 */
async function pollGet<S extends z.ZodType>(path: string, schema: S, etag: string | null): Promise<Polled<z.output<S>>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (etag) headers['if-none-match'] = etag;
  let res: Response;
  try {
    // no-store: the browser must not answer a 304 from its own cache; we compare ETags ourselves.
    res = await fetch(path, { headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (cause) {
    throw new NetworkError({ cause });
  }
  if (res.status === 304) return { unchanged: true, etag };
  if (res.status === 401) return { unchanged: false, etag: null, data: (await api.get(path, schema)) as z.output<S> };
  if (!res.ok) throw await apiErrorFromResponse(res);
  const parsed = schema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new ResponseShapeError(path, { cause: parsed.error });
  return { unchanged: false, etag: res.headers.get('etag'), data: parsed.data };
}

/**
 * A Resource fetcher over a conditional GET: it remembers the ETag of the last answer and says UNCHANGED on a
 * 304. `fresh` (nothing on screen yet) asks without an ETag, so the answer always carries the data.
 * @example new Resource(polled((etag) => migrationsService.pollList(etag)), 'Could not load the jobs.')
 */
export function polled<T>(poll: (etag: string | null) => Promise<Polled<T>>): (fresh: boolean) => Promise<T | typeof UNCHANGED> {
  let etag: string | null = null;
  return async (fresh) => {
    const res = await poll(fresh ? null : etag);
    if (res.unchanged) return UNCHANGED;
    etag = res.etag;
    return res.data;
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
  pollList: (etag: string | null) => pollGet(`${BASE}/jobs`, JobList, etag),
  detail: (id: string) => api.get(job(id), JobDetail),
  pollDetail: (id: string, etag: string | null) => pollGet(job(id), JobDetail, etag),
  create: (input: CreateJobInput) => api.post(`${BASE}/jobs`, input, JobDetail),
  updateCredentials: (id: string, input: UpdateJobCredentialsInput) => api.put(`${job(id)}/credentials`, input, Job),
  remove: (id: string) => api.del(job(id)),
  start: (id: string, kind: RunKind) => api.post(`${job(id)}/runs`, { kind }, Run),
  cancel: (runId: string) => api.post(`${run(runId)}/cancel`, undefined, Run),
  retry: (runId: string) => api.post(`${run(runId)}/retry`, undefined, Run),
  pollLog: (runId: string, etag: string | null) => pollGet(`${run(runId)}/log`, RunLog, etag),
  /** The whole log as a text file (a plain link: the browser downloads it with the session cookie). */
  fullLogUrl: (runId: string) => `${run(runId)}/log/download`,
  settings: () => api.get(`${BASE}/settings`, MigrationSettings),
  updateSettings: (input: UpdateMigrationSettingsInput) => api.put(`${BASE}/settings`, input, MigrationSettings),
};
