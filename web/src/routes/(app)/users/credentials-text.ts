/** PurelyMail's client settings (reference/purelymail-api.md: IMAP 993 TLS, SMTP 465 implicit TLS or 587 STARTTLS). */
export const PURELYMAIL_CLIENT = {
  imap: 'imap.purelymail.com, port 993, SSL/TLS',
  smtp: 'smtp.purelymail.com, port 465, SSL/TLS (or 587, STARTTLS)',
  webmail: 'https://inbox.purelymail.com',
} as const;

/**
 * Everything a new user needs, as one text to paste into a password manager or a secure message: shown once
 * after the user is created, never stored (issue 17: the password could not be handed over once the dialog closed).
 */
export function credentialsText(address: string, password: string): string {
  return [
    `Email address: ${address}`,
    `User name: ${address}`,
    `Password: ${password}`,
    `Incoming mail (IMAP): ${PURELYMAIL_CLIENT.imap}`,
    `Outgoing mail (SMTP): ${PURELYMAIL_CLIENT.smtp}`,
    `Webmail: ${PURELYMAIL_CLIENT.webmail}`,
  ].join('\n');
}
