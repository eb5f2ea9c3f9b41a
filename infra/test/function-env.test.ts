import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { AwsConfig } from '../../functions/src/platform/config/aws-config.ts';
import { DispatchConfig } from '../../functions/src/platform/config/dispatch-config.ts';
import { parseConfig } from '../../functions/src/platform/config/parse-config.ts';
import { WorkerConfig } from '../../functions/src/platform/config/worker-config.ts';
import { repoPaths } from '../lib/config/repo-paths.ts';
import { buildTestApp } from './support/synth-app.ts';

type Env = Record<string, unknown>;
type AnySpec = z.ZodObject<Record<string, z.ZodType>>;
type FnResource = { Properties: { Environment?: { Variables?: Env } } };

/** Renders a CloudFormation value with every token (Ref, GetAtt, ImportValue, …) replaced by a placeholder. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(render).join(join[0]);
    return 'token0placeholder';
  }
  return String(value);
}

const rendered = (env: Env): Record<string, string> => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, render(v)]));

/** How a variable reads when it is not set: required (an error), a default value, or undefined. */
const whenUnset = (schema: z.ZodType) => schema.safeParse(undefined);

/** Variables the spec neither requires nor defaults: a deployment sets them, or the feature is off. */
function deploymentProvided(spec: AnySpec): string[] {
  return Object.entries(spec.shape)
    .filter(([, v]) => {
      const unset = whenUnset(v);
      return unset.success && unset.data === undefined;
    })
    .map(([key]) => key);
}

/** Optional variables a function leaves unset on purpose, and why. */
const INTENTIONALLY_UNSET: Record<string, Record<string, string>> = {
  common: {
    PURELYMAIL_OWNERSHIP_TOKEN: 'fallback for when PurelyMail does not return the ownership code; not needed',
    SES_CONFIGURATION_SET: 'no SES configuration set is deployed (bounce tracking is not in scope)',
    ROUTE53_ZONES: 'an opt-in (CDK context route53Zones): unset, no Route 53 zone may be changed; test/stacks/route53-zones.test.ts covers the set case',
  },
  scheduled: {
    MIGRATION_KMS_KEY_ID: 'scheduled jobs never seal migration credentials',
    MIGRATOR_LOG_GROUP_NAME: 'full run logs are downloaded through the api only',
    MAIL_FROM_IDENTITIES: 'only the api saves the Settings sender, which is where it is checked',
  },
  dispatch: {
    MIGRATOR_CAPACITY_PROVIDER: 'tasks run on the default Fargate (on-demand) launch type',
    SES_CONFIGURATION_SET: 'no SES configuration set is deployed (bounce tracking is not in scope)',
  },
};

/** The keys of the worker's WorkerConfig (functions/src/platform/config/worker-config.ts) and which are required. */
function workerConfigKeys(): { key: string; required: boolean }[] {
  return Object.entries(WorkerConfig.shape).map(([key, schema]) => ({ key, required: !whenUnset(schema).success }));
}

describe('every function and the worker get exactly the environment their config schema reads', () => {
  let fns: { name: string; env: Env }[];
  let workerEnv: string[];

  beforeAll(() => {
    const { stacks } = buildTestApp({ nag: false });
    fns = [stacks.api, stacks.migrator].flatMap((stack) =>
      Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function') as Record<string, FnResource>).map(([id, fn]) => ({
        name: id,
        env: fn.Properties.Environment?.Variables ?? {},
      })),
    );
    const [task] = Object.values(Template.fromStack(stacks.migrator).findResources('AWS::ECS::TaskDefinition'));
    workerEnv = (task!.Properties.ContainerDefinitions[0].Environment as { Name: string }[]).map((e) => e.Name);
  });

  const fn = (prefix: string) => {
    const found = fns.find((f) => f.name.startsWith(prefix));
    if (!found) throw new Error(`no function ${prefix}: ${fns.map((f) => f.name).join(', ')}`);
    return found;
  };

  const check = (prefix: string, spec: AnySpec, unset: Record<string, string>) => {
    const { env } = fn(prefix);
    const values = rendered(env);
    // 1. It parses: every required variable is present and well-formed (tokens replaced by placeholders).
    expect(() => parseConfig(spec, values), prefix).not.toThrow();
    // 2. Nothing the schema does not read (a misspelt name would silently be ignored).
    const known = new Set(Object.keys(spec.shape));
    expect(Object.keys(env).filter((k) => !known.has(k)), `${prefix}: variables no schema reads`).toEqual([]);
    // 3. Every optional, default-less variable is set unless this function leaves it unset on purpose.
    const missing = deploymentProvided(spec).filter((k) => !(k in env) && !(k in unset));
    expect(missing, `${prefix}: optional variables that switch a feature off`).toEqual([]);
    // 4. No secret value, only names and ARNs.
    expect(JSON.stringify(env)).not.toContain('{{resolve:');
  };

  it('api: AwsConfig, with Secrets Manager, migrations (KMS seal, SQS) and EventBridge Scheduler configured', () => {
    check('ApiFunction', AwsConfig, INTENTIONALLY_UNSET.common!);
    expect(Object.keys(fn('ApiFunction').env)).toEqual(
      expect.arrayContaining(['MIGRATION_KMS_KEY_ID', 'MIGRATION_QUEUE_URL', 'MIGRATOR_LOG_GROUP_NAME', 'MIGRATOR_LOG_STREAM_PREFIX', 'SCHEDULER_GROUP_NAME', 'SCHEDULED_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN', 'APP_SECRET_ARN']),
    );
  });

  it('scheduled: AwsConfig, with the scheduler (it re-arms schedules that fired early)', () => {
    check('ScheduledFunction', AwsConfig, { ...INTENTIONALLY_UNSET.common, ...INTENTIONALLY_UNSET.scheduled });
    // Its own ARN, built from its fixed name (a GetAtt of itself would be a circular reference).
    expect(render(fn('ScheduledFunction').env.SCHEDULED_FUNCTION_ARN)).toMatch(/:function:purelymanage-prod-scheduled$/);
    // The same one app secret as the api (it needs the PurelyMail token).
    expect(fn('ScheduledFunction').env.APP_SECRET_ARN).toEqual(fn('ApiFunction').env.APP_SECRET_ARN);
  });

  it('dispatch: DispatchConfig (cluster, task definition, container, subnets, security groups, queue)', () => {
    check('DispatchFunction', DispatchConfig, INTENTIONALLY_UNSET.dispatch!);
    const config = parseConfig(DispatchConfig, rendered(fn('DispatchFunction').env));
    expect(config.MIGRATOR_SUBNET_IDS).toHaveLength(2);
    expect(config.MIGRATOR_SECURITY_GROUP_IDS).toHaveLength(1);
    expect(config.MIGRATOR_CONTAINER_NAME).toBe('migrator');
  });

  it('unintentional gaps are listed with a reason that names a real schema variable', () => {
    const all = new Set([...Object.keys(AwsConfig.shape), ...Object.keys(DispatchConfig.shape)]);
    for (const group of Object.values(INTENTIONALLY_UNSET)) for (const key of Object.keys(group)) expect(all.has(key), key).toBe(true);
  });

  it('worker task: only names its WorkerConfig reads, every required one but RUN_ID (a RunTask override), none secret', () => {
    const keys = workerConfigKeys();
    const known = new Set(keys.map((k) => k.key));
    expect(known.has('RUN_ID')).toBe(true);
    expect(workerEnv.filter((k) => !known.has(k))).toEqual([]);
    expect(keys.filter((k) => k.required && k.key !== 'RUN_ID' && !workerEnv.includes(k.key)).map((k) => k.key)).toEqual([]);
    expect(workerEnv).toContain('MIGRATION_KMS_KEY_ID');
    expect(workerEnv).not.toContain('RUN_ID');
    expect(workerEnv.filter((n) => /PASS|SECRET|TOKEN/i.test(n))).toEqual([]);
  });

  it('the worker image sets only variables the worker reads (besides NODE_ENV, LC_ALL, TZ)', () => {
    const dockerfile = readFileSync(resolve(repoPaths.root, repoPaths.migratorDockerfile), 'utf8');
    const envKeys = [...dockerfile.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) => m[1]!.split(/\s+/).map((kv) => kv.split('=')[0]!));
    const known = new Set([...workerConfigKeys().map((k) => k.key), 'NODE_ENV', 'LC_ALL', 'TZ']);
    expect(envKeys.filter((k) => !known.has(k))).toEqual([]);
    expect(envKeys).toContain('WORK_DIR');
  });
});
