import { RunTaskCommand, StopTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { TaskRunner } from '../../modules/migrations/ports.ts';

export interface EcsRunnerConfig {
  cluster: string;
  taskDefinition: string;
  containerName: string;
  subnets: readonly string[];
  securityGroups: readonly string[];
  /** FARGATE or FARGATE_SPOT capacity provider; plain FARGATE launch type when absent. */
  capacityProvider?: string;
}

/** A RunTask that answered without a task (capacity, throttling): the dispatcher puts the run back in the queue. */
export class TaskStartError extends Error {
  override name = 'TaskStartError';
}

/**
 * One Fargate task per run. The only override is RUN_ID (the worker loads everything else itself, credentials
 * included); `clientToken` = run id makes a duplicate dispatch return the same task instead of a second one.
 */
export function createEcsTaskRunner(ecs: ECSClient, cfg: EcsRunnerConfig): TaskRunner {
  return {
    async start(runId) {
      const out = await ecs.send(
        new RunTaskCommand({
          cluster: cfg.cluster,
          taskDefinition: cfg.taskDefinition,
          count: 1,
          clientToken: runId,
          startedBy: 'purelymanage-dispatch',
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
  };
}
