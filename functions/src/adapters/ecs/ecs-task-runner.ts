import { DescribeTasksCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { TaskRunner } from '../../modules/migrations/ports.ts';

export interface EcsRunnerConfig {
  cluster: string;
  taskDefinition: string;
  containerName: string;
  subnets: readonly string[];
  securityGroups: readonly string[];
  /** FARGATE or FARGATE_SPOT capacity provider; plain FARGATE launch type when absent. */
  capacityProvider?: 'FARGATE' | 'FARGATE_SPOT';
  /** The task definition's architecture. @default 'ARM64' */
  cpuArchitecture?: 'ARM64' | 'X86_64';
}

/** Fargate Spot runs x86_64 tasks only: an arm64 task asked for on FARGATE_SPOT would never start. */
export class SpotArchitectureError extends Error {
  override name = 'SpotArchitectureError';
}

/** A RunTask that answered without a task (capacity, throttling): the dispatcher puts the run back in the queue. */
export class TaskStartError extends Error {
  override name = 'TaskStartError';
}

/** Every task the dispatcher starts carries this `startedBy`: the watchdog lists ours by it, and nothing else. */
export const STARTED_BY = 'purelymanage-dispatch';

/**
 * One Fargate task per run. The only override is RUN_ID (the worker loads everything else itself, credentials
 * included); `clientToken` = run id makes a duplicate dispatch return the same task instead of a second one.
 */
export function createEcsTaskRunner(ecs: ECSClient, cfg: EcsRunnerConfig): TaskRunner {
  // Refused when composed (a cold start), so the misconfiguration shows in the function's first error, not as
  // runs that queue and never start.
  if (cfg.capacityProvider === 'FARGATE_SPOT' && (cfg.cpuArchitecture ?? 'ARM64') === 'ARM64') {
    throw new SpotArchitectureError('MIGRATOR_CAPACITY_PROVIDER=FARGATE_SPOT with ARM64 tasks: Fargate Spot cannot run arm64 tasks. Deploy x86_64 tasks (-c migratorArchitecture=x86_64) or drop -c migratorSpot.');
  }
  return {
    async start(runId) {
      const out = await ecs.send(
        new RunTaskCommand({
          cluster: cfg.cluster,
          taskDefinition: cfg.taskDefinition,
          count: 1,
          clientToken: runId,
          startedBy: STARTED_BY,
          ...(cfg.capacityProvider ? { capacityProviderStrategy: [{ capacityProvider: cfg.capacityProvider, weight: 1 }] } : { launchType: 'FARGATE' }),
          networkConfiguration: { awsvpcConfiguration: { subnets: [...cfg.subnets], securityGroups: [...cfg.securityGroups], assignPublicIp: 'ENABLED' } },
          overrides: { containerOverrides: [{ name: cfg.containerName, environment: [{ name: 'RUN_ID', value: runId }] }] },
          tags: [{ key: 'run-id', value: runId }],
        }),
      );
      const arn = out.tasks?.[0]?.taskArn;
      if (!arn) throw new TaskStartError(`RunTask started no task: ${out.failures?.map((f) => f.reason).join('; ') || 'no reason given'}`);
      return { taskRef: arn };
    },
    async stop(taskRef, reason) {
      await ecs.send(new StopTaskCommand({ cluster: cfg.cluster, task: taskRef, reason: reason.slice(0, 255) }));
    },
    /**
     * Our tasks still meant to run: ListTasks (desiredStatus RUNNING, startedBy ours, every page), then
     * DescribeTasks 100 at a time for the RUN_ID override each was started with. A task already told to stop
     * is left out; one without a RUN_ID (started by hand) is not ours to judge.
     */
    async listRunning() {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListTasksCommand({ cluster: cfg.cluster, startedBy: STARTED_BY, desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) }));
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const out: { runId: string; taskRef: string }[] = [];
      for (let i = 0; i < arns.length; i += 100) {
        const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: cfg.cluster, tasks: arns.slice(i, i + 100) }));
        for (const t of tasks ?? []) {
          if (!t.taskArn || t.desiredStatus === 'STOPPED') continue;
          const runId = t.overrides?.containerOverrides?.find((o) => o.name === cfg.containerName)?.environment?.find((e) => e.name === 'RUN_ID')?.value;
          if (runId) out.push({ runId, taskRef: t.taskArn });
        }
      }
      return out;
    },
  };
}
