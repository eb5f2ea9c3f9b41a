import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag v3 acknowledgements. IAM5 findings are acknowledged one by one (granular ids such as
 * `AwsSolutions-IAM5[Resource::<Table.Arn>/index/*]`), each with the reason the wildcard is needed.
 */
export function acknowledgeWildcard(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason });
}

/** How cdk-nag writes a reference to a resource in a finding id: `<LogicalId>` or `<LogicalId.Attr>`. */
export function nagRef(construct: IConstruct, attribute?: string): string {
  const cfn = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(cfn instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return `<${Stack.of(cfn).getLogicalId(cfn)}${attribute ? `.${attribute}` : ''}>`;
}

/** The ARN prefix cdk-nag renders for an ARN built with Stack.formatArn in an environment-agnostic stack. */
export const nagArn = (service: string, resource: string): string => `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
