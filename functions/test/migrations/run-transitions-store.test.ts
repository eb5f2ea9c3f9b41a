import { nextRunState, RUN_STATES, RUN_TRANSITIONS, type RunEvent } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { createDynamoMigrationRunStore } from '../../src/adapters/dynamodb/dynamodb-migration-run-store.ts';
import type { RunRecord, RunStore } from '../../src/modules/migrations/ports.ts';
import { queuedRun } from '../../src/modules/migrations/queued-run.ts';

const EVENTS = [...new Set(RUN_STATES.flatMap((s) => Object.keys(RUN_TRANSITIONS[s])))] as RunEvent[];

let n = 0;
const runIn = (state: RunRecord['state']): RunRecord => ({ ...queuedRun(`run_walk${(++n).toString().padStart(8, '0')}`, 'job_walk', 'full', 'test', new Date()), state });

/** The run store's conditional write against dynalite, for every state × every event of the transitions table. */
describe('the run store writes exactly the transitions of the table', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let runs: RunStore;
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'run-transitions' });
    runs = createDynamoMigrationRunStore(dynamo.table);
  });
  afterAll(() => dynamo.close());

  it('moves a run where the table says, and leaves it where it is for every change the table does not list', async () => {
    const seen: string[] = [];
    for (const state of RUN_STATES) {
      for (const event of EVENTS) {
        const run = runIn(state);
        expect(await runs.create(run)).toBe(true);
        const to = nextRunState(state, event);
        const written = await runs.transition(run.id, event, { failureReason: `${event} from ${state}` });
        const stored = (await runs.get(run.id))!;
        if (to) {
          expect(written, `${state} × ${event}`).toMatchObject({ state: to, failureReason: `${event} from ${state}`, version: 2 });
          expect(stored.state).toBe(to);
          seen.push(`${state} -${event}-> ${to}`);
        } else {
          expect(written, `${state} × ${event}`).toBeUndefined();
          expect(stored).toMatchObject({ state, failureReason: null, version: 1 });
        }
      }
    }
    expect(seen).toHaveLength(16);
  });

  it('two writers of the same change: exactly one wins', async () => {
    const run = runIn('queued');
    await runs.create(run);
    const results = await Promise.all(Array.from({ length: 8 }, () => runs.transition(run.id, 'dispatched', {})));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await runs.get(run.id))!).toMatchObject({ state: 'starting', version: 2 });
  });
});
