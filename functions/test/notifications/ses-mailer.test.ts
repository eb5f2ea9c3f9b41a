import { SendEmailCommand, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../src/adapters/ses/ses-mailer.ts';

const mock = mockClient(SESv2Client);
const email = {
  from: 'panel@example.com',
  to: 'owner@example.com',
  subject: 'DNS problem on shop.test',
  text: 'plain',
  html: '<p>html</p>',
  messageId: '0644c6296f0ff08546e4db667215fd6f@purelymanage',
  date: new Date('2026-11-21T09:00:00Z'),
};

describe('SES v2 mailer', () => {
  beforeEach(() => mock.reset());

  it('sends one simple text + HTML message to one recipient', async () => {
    mock.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await createSesMailer({ client: new SESv2Client({ region: 'eu-west-1' }), configurationSetName: 'purelymanage' }).send(email);
    expect(mock.commandCalls(SendEmailCommand).map((c) => c.args[0].input)).toEqual([
      {
        FromEmailAddress: 'panel@example.com',
        Destination: { ToAddresses: ['owner@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'DNS problem on shop.test', Charset: 'UTF-8' },
            Body: { Text: { Data: 'plain', Charset: 'UTF-8' }, Html: { Data: '<p>html</p>', Charset: 'UTF-8' } },
            Headers: [{ Name: 'X-PurelyManage-Event', Value: email.messageId }],
          },
        },
        ConfigurationSetName: 'purelymanage',
      },
    ]);
  });

  it('throws when SES refuses, so the caller keeps the email in the outbox', async () => {
    mock.on(SendEmailCommand).rejects(new TooManyRequestsException({ $metadata: {}, message: 'Maximum sending rate exceeded.' }));
    await expect(createSesMailer({ client: new SESv2Client({ region: 'eu-west-1' }) }).send(email)).rejects.toThrow(TooManyRequestsException);
  });
});
