import type { RunLog } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import type { ManageJobs } from './manage-jobs.ts';
import type { ManageServers } from './manage-servers.ts';
import type { MigrationSettingsModule } from './migration-settings.ts';
import type { RunLogReader, RunRecord, RunStore } from './ports.ts';
import type { TestLogin } from './test-login.ts';
import { toRunView } from './views.ts';

/** What the HTTP layer sees of migrations: use cases only, never a store, a sealer's key or an opener. */
export interface MigrationsApi {
  servers: ManageServers;
  testLogin: TestLogin;
  jobs: ManageJobs;
  cancelRun(runId: string): Promise<RunRecord>;
  getRun(runId: string): Promise<ReturnType<typeof toRunView>>;
  /** The last `tail` lines kept on the run record (refreshed with progress and at the end). */
  runLog(runId: string, tail: number): Promise<RunLog>;
  /** The full log as text chunks (streamed, never whole in memory), or undefined when the run has none. */
  fullLog(runId: string): Promise<AsyncIterable<string> | undefined>;
  settings: MigrationSettingsModule;
}

export function makeRunReads(deps: { runs: RunStore; logReader: RunLogReader }) {
  const load = async (runId: string) => {
    const run = await deps.runs.get(runId);
    if (!run) throw new NotFoundError('There is no such run.');
    return run;
  };
  return {
    getRun: async (runId: string) => toRunView(await load(runId)),
    async runLog(runId: string, tail: number): Promise<RunLog> {
      const run = await load(runId);
      return { runId, state: run.state, lines: (run.logTail ?? []).slice(-tail) };
    },
    async fullLog(runId: string) {
      return deps.logReader.read(await load(runId));
    },
  };
}
