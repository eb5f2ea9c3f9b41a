import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { acknowledgeWildcard } from '../nag.ts';

/** The env variable the functions read the zones from (functions/src/platform/config/aws-config.ts ROUTE53_ZONES). */
export const ROUTE53_ZONES_ENV = 'ROUTE53_ZONES';

/** `arn:<partition>:route53:::hostedzone/<id>`: Route 53 ARNs carry no region and no account. */
export const hostedZoneArn = (zoneId: string): string => `arn:${Aws.PARTITION}:route53:::hostedzone/${zoneId}`;

/**
 * "Apply to Route 53" for a domain move, opted in by ops with the CDK context value `route53Zones`: the function may
 * list and change record sets in exactly those hosted zones, and read the status of its changes (GetChange takes a
 * change id, which exists only after the change, so it cannot be scoped further). The zones reach it as
 * ROUTE53_ZONES. Nothing at all (no statement, no variable) without zones.
 */
export function allowRoute53Zones(fn: IFunction & { addEnvironment(key: string, value: string): unknown }, zones: Readonly<Record<string, string>>, who: string): void {
  const ids = [...new Set(Object.values(zones))].sort();
  if (ids.length === 0) return;
  fn.addEnvironment(ROUTE53_ZONES_ENV, JSON.stringify(zones));
  fn.addToRolePolicy(new PolicyStatement({ actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'], resources: ids.map(hostedZoneArn) }));
  fn.addToRolePolicy(new PolicyStatement({ actions: ['route53:GetChange'], resources: [`arn:${Aws.PARTITION}:route53:::change/*`] }));
  if (fn.role) {
    acknowledgeWildcard(fn.role, 'Resource::arn:<AWS::Partition>:route53:::change/*', `${who} reads the status of the record changes it made (GetChange); change ids exist only after ChangeResourceRecordSets returns them.`);
  }
}
