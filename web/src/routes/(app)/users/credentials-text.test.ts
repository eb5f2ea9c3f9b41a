import { describe, expect, it } from 'vitest';
import { credentialsText } from './credentials-text.ts';

describe('credentialsText', () => {
  it('holds the address, the password and the client settings, one per line', () => {
    const text = credentialsText('zoe@northwind.example', 'pass word 123!');
    expect(text.split('\n')).toEqual([
      'Email address: zoe@northwind.example',
      'User name: zoe@northwind.example',
      'Password: pass word 123!',
      'Incoming mail (IMAP): imap.purelymail.com, port 993, SSL/TLS',
      'Outgoing mail (SMTP): smtp.purelymail.com, port 465, SSL/TLS (or 587, STARTTLS)',
      'Webmail: https://inbox.purelymail.com',
    ]);
  });
});
