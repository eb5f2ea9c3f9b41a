import type { Job, Run } from '@app/shared';
import type { JobRecord, RunRecord } from './ports.ts';

/** The API's view of a run: everything but the engine's internals (task reference, dispatch counters). */
export function toRunView(r: Run): Run {
  return {
    id: r.id,
    jobId: r.jobId,
    kind: r.kind,
    state: r.state,
    attempt: r.attempt,
    retryOf: r.retryOf ?? null,
    retriedBy: r.retriedBy ?? null,
    cancelRequested: r.cancelRequested ?? false,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    startedAt: r.startedAt ?? null,
    endedAt: r.endedAt ?? null,
    heartbeatAt: r.heartbeatAt ?? null,
    progress: r.progress ?? null,
    outcome: r.outcome ?? null,
    failureReason: r.failureReason ?? null,
    waitingReason: r.state === 'queued' ? (r.waitingReason ?? null) : null,
    destCredential: r.destCredential ?? null,
    version: r.version,
  };
}

/** The API's view of a job: the sealed passwords become `hasPassword: true`, nothing more (no lengths). */
export function toJobView(j: JobRecord, latest: RunRecord | undefined): Job {
  return {
    id: j.id,
    name: j.name,
    source: { serverId: j.source.serverId, user: j.source.user, hasPassword: true },
    dest: { serverId: j.dest.serverId, user: j.dest.user, hasPassword: true },
    options: j.options,
    createdAt: j.createdAt,
    createdBy: j.createdBy,
    updatedAt: j.updatedAt,
    version: j.version,
    latestRun: latest ? toRunView(latest) : null,
    destCredential: j.destCredential ?? { kind: 'typed' },
  };
}
