/**
 * Plain-words advice for the public form, chosen from the source server's host name. Providers that refuse
 * the normal password over IMAP are named, with what to do instead.
 */
const PROVIDERS: { test: RegExp; hint: string }[] = [
  { test: /(^|\.)(gmail|googlemail|google)\.com$/i, hint: 'Gmail needs an app password (Google Account → Security → 2-Step Verification → App passwords), not your usual password.' },
  { test: /(^|\.)(outlook|office365|hotmail|live)\.com$/i, hint: 'Outlook and Microsoft 365 need an app password (Microsoft account → Security → Advanced security options → App passwords).' },
  { test: /(^|\.)yahoo\.(com|co\.\w+)$/i, hint: 'Yahoo Mail needs an app password (Account security → Generate app password).' },
  { test: /(^|\.)(me|icloud|mac)\.com$/i, hint: 'iCloud Mail needs an app-specific password (appleid.apple.com → Sign-In and Security → App-Specific Passwords).' },
  { test: /(^|\.)(zoho)\.(com|eu|in)$/i, hint: 'Zoho Mail with two-factor sign-in needs an application-specific password.' },
];

const GENERAL = [
  'Use the email address and password you use to read this mailbox today.',
  'Gmail and Outlook need an app password instead of your usual password.',
];

export function hintsFor(host: string): string[] {
  const specific = PROVIDERS.filter((p) => p.test.test(host)).map((p) => p.hint);
  return specific.length ? [GENERAL[0]!, ...specific] : GENERAL;
}
