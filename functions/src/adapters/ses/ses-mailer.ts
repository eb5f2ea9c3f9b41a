import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../../modules/notifications/ports.ts';
import { once } from '../../platform/once.ts';

/**
 * The Mailer on AWS: SES v2 SendEmail with a simple (text + HTML) body, one recipient per call so one bad
 * address never blocks the others and each send record maps to exactly one SES message.
 */
export function createSesMailer(opts: { client?: SESv2Client; configurationSetName?: string } = {}): Mailer {
  // The SES SDK is loaded and its client built on the first email, not at every cold start of the API.
  const load = once(() => import('./ses-sdk.ts').then(({ SESv2Client, SendEmailCommand }) => ({ client: opts.client ?? new SESv2Client({}), SendEmailCommand })));
  return {
    async send(email: OutgoingEmail) {
      const { client, SendEmailCommand } = await load();
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [email.to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
              // SES sets its own Message-ID; ours travels as a header so replies and logs can be matched.
              Headers: [{ Name: 'X-PurelyManage-Event', Value: email.messageId }],
            },
          },
          ...(opts.configurationSetName ? { ConfigurationSetName: opts.configurationSetName } : {}),
        }),
      );
    },
  };
}
