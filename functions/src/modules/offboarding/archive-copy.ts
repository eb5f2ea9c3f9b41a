import { isTerminalRunState } from '@app/shared';
import { ValidationError } from '../errors.ts';
import type { ManageJobs } from '../migrations/manage-jobs.ts';
import type { JobStore, RunRecord, RunStore, ServerStore } from '../migrations/ports.ts';
import { toRunView } from '../migrations/views.ts';
import type { OffboardingDeps } from './offboarding.ts';

/**
 * The off-boarding's archive copy on top of migrations: a job inside the account (manage-jobs' createInsideAccount,
 * app passwords on both mailboxes), read back through its latest run, cancelled through the run's cancel, and its app
 * passwords deleted through the app-password module when it ends.
 */
export function makeArchiveCopy(deps: {
  servers: Pick<ServerStore, 'get'>;
  jobs: Pick<JobStore, 'get'>;
  runs: Pick<RunStore, 'get'>;
  manageJobs: Pick<ManageJobs, 'createInsideAccount'>;
  cancelRun: (runId: string) => Promise<unknown>;
  releaseForJob: (jobId: string, actor: string) => Promise<{ deleted: number; failed: number }>;
}): OffboardingDeps['archive'] {
  const latest = async (jobId: string): Promise<{ exists: boolean; run: RunRecord | undefined }> => {
    const job = await deps.jobs.get(jobId);
    if (!job) return { exists: false, run: undefined };
    return { exists: true, run: job.latestRunId ? await deps.runs.get(job.latestRunId) : undefined };
  };
  return {
    async checkServer(serverId) {
      if (!(await deps.servers.get(serverId))) {
        throw new ValidationError('The IMAP server chosen for the archive copy is not a saved server.', [{ path: 'archive.serverId', message: 'is not a saved server' }]);
      }
    },
    async start(input, actor) {
      const { job } = await deps.manageJobs.createInsideAccount(input, actor);
      return { jobId: job.id, runId: job.latestRun?.id ?? null };
    },
    async latestRun(jobId) {
      const { exists, run } = await latest(jobId);
      if (!exists) return undefined;
      return run ? toRunView(run) : null;
    },
    async cancel(jobId) {
      const { run } = await latest(jobId);
      if (!run || isTerminalRunState(run.state)) return false;
      await deps.cancelRun(run.id);
      return true;
    },
    release: (jobId, actor) => deps.releaseForJob(jobId, actor),
    jobOfRun: async (runId) => (await deps.runs.get(runId))?.jobId,
  };
}
