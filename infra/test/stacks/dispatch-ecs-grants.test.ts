import { ECSClient, ListTasksCommand, DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEcsTaskRunner } from '../../../functions/src/adapters/ecs/ecs-task-runner.ts';
import { statementsOfRole, type AttachedStatement } from '../support/iam.ts';
import { buildTestApp } from '../support/synth-app.ts';

/**
 * What IAM checks for each ECS call the dispatch adapter makes, per the ECS service authorization reference:
 * the call's own action, plus ecs:TagResource (condition ecs:CreateAction = RunTask) on the new task when a RunTask
 * carries tags, and iam:PassRole for the task definition's roles.
 */
function requiredFor(command: string, input: unknown): { action: string; resource: 'task-definition' | 'task' | '*'; condition?: Record<string, Record<string, string>> }[] {
  const action = `ecs:${command.replace(/Command$/, '')}`;
  if (command === 'RunTaskCommand') {
    const run = input as RunTaskCommandInput;
    return [
      { action, resource: 'task-definition' },
      ...(run.tags?.length || run.propagateTags ? [{ action: 'ecs:TagResource', resource: 'task' as const, condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } }] : []),
    ];
  }
  return [{ action, resource: command === 'ListTasksCommand' ? '*' : 'task' }];
}

const resourceKind = (s: AttachedStatement): string[] =>
  s.resources.map((r) => {
    const text = JSON.stringify(r);
    if (text === '"*"') return '*';
    if (text.includes(':task/')) return 'task';
    if (/MigratorTaskDefinition/.test(text)) return 'task-definition';
    return text;
  });

describe('dispatch role: the ECS grants match what the dispatch adapter sends', () => {
  const ecs = mockClient(ECSClient);
  let dispatch: AttachedStatement[];
  let sent: { command: string; input: unknown }[];

  beforeAll(async () => {
    const { stacks } = buildTestApp({ nag: false });
    dispatch = statementsOfRole(Template.fromStack(stacks.migrator), 'DispatchRole');
    // Every call the adapter makes: start, stop, and the watchdog's list + describe.
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:eu-west-1:1:task/c/1' }], failures: [] });
    ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:eu-west-1:1:task/c/1'] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [] });
    ecs.on(StopTaskCommand).resolves({});
    const runner = createEcsTaskRunner(new ECSClient({ region: 'eu-west-1' }), {
      cluster: 'arn:aws:ecs:eu-west-1:1:cluster/c',
      taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/migrator:1',
      containerName: 'migrator',
      subnets: ['subnet-a'],
      securityGroups: ['sg-1'],
    });
    await runner.start('run_mwq0twxr4e995d7be6cb24d5aac5');
    await runner.stop('arn:aws:ecs:eu-west-1:1:task/c/1', 'cancel');
    await runner.listRunning();
    sent = ecs.calls().map((c) => ({ command: (c.args[0] as object).constructor.name, input: (c.args[0] as { input: unknown }).input }));
    ecs.restore();
  });

  it('the adapter tags RunTask with the run id (so ECS also checks ecs:TagResource)', () => {
    const run = sent.find((c) => c.command === 'RunTaskCommand')!.input as RunTaskCommandInput;
    expect(run.tags).toEqual([{ key: 'run-id', value: 'run_mwq0twxr4e995d7be6cb24d5aac5' }]);
    expect(sent.map((c) => c.command).sort()).toEqual(['DescribeTasksCommand', 'ListTasksCommand', 'RunTaskCommand', 'StopTaskCommand']);
  });

  it('grants every action those calls need, on the right resource and with the right condition', () => {
    const required = sent.flatMap((c) => requiredFor(c.command, c.input));
    expect(required.map((r) => r.action)).toContain('ecs:TagResource');
    for (const need of required) {
      const granting = dispatch.filter((s) => s.actions.includes(need.action) && resourceKind(s).includes(need.resource));
      expect(granting, `${need.action} on ${need.resource}`).not.toEqual([]);
      if (need.condition) expect(granting.map((s) => s.condition)).toContainEqual(need.condition);
    }
  });

  it('grants ecs:TagResource only at task creation by RunTask, on this cluster\'s tasks, and nowhere else', () => {
    const tag = dispatch.filter((s) => s.actions.includes('ecs:TagResource'));
    expect(tag).toHaveLength(1);
    expect(tag[0]!.actions).toEqual(['ecs:TagResource']);
    expect(tag[0]!.condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RunTask' } });
    expect(JSON.stringify(tag[0]!.resources)).toMatch(/:task\/".*Cluster.*"\/\*"/);
  });
});
