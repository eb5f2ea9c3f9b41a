// Only what the SES mailer uses, for its dynamic import: importing the package itself dynamically would keep
// every command and schema of SES v2 in the bundle (no tree-shaking through a namespace import).
export { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
