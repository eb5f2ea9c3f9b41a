import type { Template } from 'aws-cdk-lib/assertions';

/** One IAM policy statement with the roles its policy is attached to (logical ids, or import tokens). */
export interface AttachedStatement {
  readonly policy: string;
  readonly roles: string[];
  readonly actions: string[];
  readonly resources: unknown[];
  readonly condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every statement of every AWS::IAM::Policy in the template, with the roles it is attached to. */
export function attachedStatements(template: Template): AttachedStatement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { Roles?: unknown[]; PolicyDocument: { Statement: Record<string, unknown>[] } } }>;
  return Object.entries(policies).flatMap(([policy, p]) =>
    p.Properties.PolicyDocument.Statement.map((s) => ({
      policy,
      roles: list(p.Properties.Roles).map((r) => (r as { Ref?: string }).Ref ?? JSON.stringify(r)),
      actions: list(s.Action as string | string[]),
      resources: list(s.Resource),
      condition: s.Condition as AttachedStatement['condition'],
    })),
  );
}

/** The statements attached to roles whose logical id starts with `rolePrefix`. */
export const statementsOfRole = (template: Template, rolePrefix: string): AttachedStatement[] =>
  attachedStatements(template).filter((s) => s.roles.some((r) => r.startsWith(rolePrefix)));
