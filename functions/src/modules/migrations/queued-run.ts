import type { DestCredential, RunKind } from '@app/shared';
import type { RunRecord } from './ports.ts';

/**
 * A run as it is first written: queued, holding its job, nothing started yet. queueRun and a batch's bulk
 * create both write it; built here once so the two cannot drift apart.
 */
export function queuedRun(id: string, jobId: string, kind: RunKind, createdBy: string, now: Date, retryOf?: Pick<RunRecord, 'id' | 'attempt'>, destCredential?: DestCredential): RunRecord {
  return {
    id,
    jobId,
    kind,
    state: 'queued',
    attempt: retryOf ? retryOf.attempt + 1 : 1,
    retryOf: retryOf?.id ?? null,
    retriedBy: null,
    cancelRequested: false,
    createdAt: now.toISOString(),
    createdBy,
    startedAt: null,
    endedAt: null,
    heartbeatAt: null,
    progress: null,
    outcome: null,
    failureReason: null,
    destCredential: destCredential ?? { kind: 'typed' },
    version: 1,
    taskRef: null,
    logTail: [],
    dispatchAttempts: 0,
  };
}
