import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../../modules/notifications/ports.ts';

/**
 * The Mailer on AWS: SES v2 SendEmail with a simple (text + HTML) body, one recipient per call so one bad
 * address never blocks the others and each send record maps to exactly one SES message.
 */
export function createSesMailer(opts: { client?: SESv2Client; configurationSetName?: string } = {}): Mailer {
  const client = opts.client ?? new SESv2Client({});
  return {
    async send(email: OutgoingEmail) {
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
