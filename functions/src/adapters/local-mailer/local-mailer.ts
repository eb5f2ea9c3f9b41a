import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer, OutgoingEmail } from '../../modules/notifications/ports.ts';

const toMessage = (email: OutgoingEmail) => ({
  from: email.from,
  to: email.to,
  subject: email.subject,
  text: email.text,
  html: email.html,
  messageId: `<${email.messageId}>`,
  date: email.date,
});

/** A file name that sorts by time and never collides for distinct messages. */
export const emlFileName = (email: OutgoingEmail): string =>
  `${email.date.toISOString().replace(/[:.]/g, '-')}-${email.messageId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)}.eml`;

/**
 * The Mailer on one machine: every email becomes one RFC 5322 `.eml` file (multipart/alternative) in
 * `outboxDir`, so a person or a browser test can open it; with `smtpUrl` it is also sent over SMTP.
 */
export function createLocalMailer(opts: { outboxDir: string; smtpUrl?: string }): Mailer {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const smtp = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : undefined;
  return {
    async send(email) {
      const message = toMessage(email);
      const built = (await composer.sendMail(message)) as { message: Buffer };
      await mkdir(opts.outboxDir, { recursive: true });
      const path = join(opts.outboxDir, emlFileName(email));
      // Write then rename, so a reader never sees half a message.
      await writeFile(`${path}.tmp`, built.message, { mode: 0o600 });
      await rename(`${path}.tmp`, path);
      if (smtp) await smtp.sendMail(message);
    },
  };
}
