import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/synth-app.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Principal?: unknown; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };

/**
 * A topic with a resource policy accepts only the principals that policy names (SNS's default policy is replaced,
 * not merged), so every topic an alarm notifies must allow cloudwatch.amazonaws.com. Followed across stacks: an
 * alarm in the Api or Migrator stack names the Data stack's topic through an export.
 */
describe('alarm notifications can be delivered', () => {
  let stacks: { name: string; template: Template }[];
  let exportsByName: Map<string, { stack: string; value: unknown }>;

  beforeAll(() => {
    const app = buildTestApp({ nag: false });
    stacks = Object.values(app.stacks).map((s) => ({ name: s.stackName, template: Template.fromStack(s) }));
    exportsByName = new Map(
      stacks.flatMap(({ name, template }) =>
        Object.values(template.toJSON().Outputs ?? {}).flatMap((o) => {
          const out = o as { Value: unknown; Export?: { Name: string } };
          return out.Export ? [[out.Export.Name, { stack: name, value: out.Value }] as const] : [];
        }),
      ),
    );
  });

  /** The stack and logical id of the topic an alarm action names (a Ref in the same stack, or an import). */
  const topicOf = (stack: string, action: unknown): { stack: string; logicalId: string } => {
    const ref = (v: unknown) => (v as { Ref?: string }).Ref;
    if (ref(action)) return { stack, logicalId: ref(action)! };
    const imported = (action as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
    const exported = imported ? exportsByName.get(imported) : undefined;
    if (!exported || !ref(exported.value)) throw new Error(`cannot follow alarm action ${JSON.stringify(action)}`);
    return { stack: exported.stack, logicalId: ref(exported.value)! };
  };

  it('every alarm of every stack notifies a topic whose policy lets CloudWatch alarms of this account publish', () => {
    let alarms = 0;
    for (const { name, template } of stacks) {
      for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>)) {
        const actions = [...((alarm.Properties.AlarmActions as unknown[]) ?? []), ...((alarm.Properties.OKActions as unknown[]) ?? [])];
        expect(actions.length, `${name}/${id} notifies nobody`).toBeGreaterThan(0);
        alarms++;
        for (const action of actions) {
          const topic = topicOf(name, action);
          const owner = stacks.find((s) => s.name === topic.stack)!.template;
          expect(owner.findResources('AWS::SNS::Topic')[topic.logicalId], `${name}/${id}: not a topic`).toBeDefined();
          const policies = Object.values(owner.findResources('AWS::SNS::TopicPolicy') as Record<string, Resource>).filter((p) =>
            JSON.stringify(p.Properties.Topics).includes(`"${topic.logicalId}"`),
          );
          const statements = policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
          const cloudwatch = statements.filter(
            (s) => s.Effect === 'Allow' && JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }) && [s.Action].flat().includes('sns:Publish'),
          );
          expect(cloudwatch, `${name}/${id}: its topic does not let CloudWatch publish`).toHaveLength(1);
          expect(cloudwatch[0]!.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
          expect(JSON.stringify(cloudwatch[0]!.Condition?.ArnLike?.['aws:SourceArn'])).toContain(':alarm:*');
        }
      }
    }
    // The five alarms of infra/README.md ("Alarms and the dead-letter queue").
    expect(alarms).toBe(5);
  });

  it('keeps the EventBridge rule (credentials key changes) able to publish too, over TLS only', () => {
    const data = stacks.find((s) => s.name.endsWith('-Data'))!.template;
    const statements = Object.values(data.findResources('AWS::SNS::TopicPolicy') as Record<string, Resource>).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements.some((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('events.amazonaws.com'))).toBe(true);
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
  });
});
