import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * The SES identities this deployment sends from: the configured sender's (the address, or its domain when that is
 * the identity already verified) and any extra ones admins may pick as the sender in Settings. Every function that
 * mails is granted exactly these, and the api refuses a Settings sender none of them covers (MAIL_FROM_IDENTITIES),
 * so an accepted sender never meets an AccessDenied from SES.
 */
export class MailSenders {
  /** The identities a From address may be covered by, as SES names them (an address, or a domain). */
  readonly identities: readonly string[];

  constructor(
    readonly senderEmail: string,
    opts: { existingIdentity?: string; extraIdentities?: readonly string[] } = {},
  ) {
    this.identities = [...new Set([opts.existingIdentity ?? senderEmail, ...(opts.extraIdentities ?? [])].map((i) => i.toLowerCase()))];
  }

  /**
   * The identity ARNs IAM is asked for. SES authorises a send against the identity it matches the From address
   * with, the address's own identity when both it and its domain are verified, so an address identity is granted
   * together with its domain's.
   */
  get grantedIdentities(): string[] {
    return [...new Set(this.identities.flatMap((i) => (i.includes('@') ? [i, i.split('@')[1]!] : [i])))];
  }

  /** `MAIL_FROM_IDENTITIES` for the api: the Settings sender must be one of these addresses or at one of these domains. */
  get environmentValue(): string {
    return this.identities.join(',');
  }

  /** ses:SendEmail (SES v2) and ses:SendRawEmail on those identities only, in the grantee's own account and region. */
  grantSend(grantee: IGrantable & IConstruct): Grant {
    const stack = Stack.of(grantee);
    return Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resourceArns: this.grantedIdentities.map((name) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name })),
    });
  }
}
