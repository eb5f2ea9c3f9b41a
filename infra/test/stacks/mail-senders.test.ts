import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { statementsOfRole } from '../support/iam.ts';
import { buildTestApp } from '../support/synth-app.ts';

/** The SES identity names a role may send from, read off the identity ARNs (`…:identity/<name>`) in its statements. */
function sendableIdentities(template: Template, rolePrefix: string): string[] {
  const ses = statementsOfRole(template, rolePrefix).filter((s) => s.actions.includes('ses:SendEmail'));
  expect(ses.every((s) => s.actions.sort().join() === 'ses:SendEmail,ses:SendRawEmail'), rolePrefix).toBe(true);
  return ses
    .flatMap((s) => s.resources)
    .map((r) => {
      const parts = (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      return String(parts[parts.length - 1]).replace(/^:identity\//, '');
    })
    .sort();
}

describe('SES: every function that mails may send from the identities the deployment uses, and only those', () => {
  it('by default: the sender address the Data stack verifies (and its domain, which SES may match it with)', () => {
    const { stacks } = buildTestApp({ nag: false });
    const api = Template.fromStack(stacks.api);
    Template.fromStack(stacks.data).hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'notify@purelymanage.test' });
    for (const [template, role] of [[api, 'ApiRole'], [api, 'ScheduledRole'], [Template.fromStack(stacks.migrator), 'DispatchRole']] as const) {
      expect(sendableIdentities(template, role), role).toEqual(['notify@purelymanage.test', 'purelymanage.test']);
    }
    const fn = Object.entries(api.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('ApiFunction'))![1];
    expect(fn.Properties.Environment.Variables.MAIL_FROM_IDENTITIES).toBe('notify@purelymanage.test');
  });

  it('with an identity already verified in SES: none is created (the deploy would fail with "already exists"), and it is granted', () => {
    const { stacks } = buildTestApp({ nag: false, context: { existingSenderIdentity: 'purelymanage.test', extraSenderIdentities: 'alerts@other.test' } });
    Template.fromStack(stacks.data).resourceCountIs('AWS::SES::EmailIdentity', 0);
    const api = Template.fromStack(stacks.api);
    expect(sendableIdentities(api, 'ApiRole')).toEqual(['alerts@other.test', 'other.test', 'purelymanage.test']);
    expect(sendableIdentities(Template.fromStack(stacks.migrator), 'DispatchRole')).toEqual(['alerts@other.test', 'other.test', 'purelymanage.test']);
    const fn = Object.entries(api.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('ApiFunction'))![1];
    // The Settings sender may then be any address at purelymanage.test, or alerts@other.test.
    expect(fn.Properties.Environment.Variables.MAIL_FROM_IDENTITIES).toBe('purelymanage.test,alerts@other.test');
  });

  it('grants no other role any SES action', () => {
    const { stacks } = buildTestApp({ nag: false });
    const everywhere = Object.values(stacks).flatMap((s) => {
      const t = Template.fromStack(s);
      return Object.values(t.findResources('AWS::IAM::Policy')).map((p) => JSON.stringify(p));
    });
    const withSes = everywhere.filter((p) => p.includes('"ses:'));
    expect(withSes).toHaveLength(3);
    expect(withSes.every((p) => /ApiRole|ScheduledRole|DispatchRole/.test(p))).toBe(true);
  });
});
