import { MAIL_CLIENT_SETTINGS, type DomainMove, type DomainMoveMailbox } from '@app/shared';
import { renderEmail } from '../notifications/render-email.ts';

const STAGE_WORDS: Record<DomainMove['stage'], string> = {
  prepare: 'Prepare',
  copy: 'Copy',
  sync: 'Keep in sync',
  switch: 'Switch',
  final: 'Final pass',
  finished: 'Finished',
  cancelled: 'Cancelled',
};

const moveLink = (panelUrl: string, domain: string) => ({ url: `${panelUrl}/domains/${encodeURIComponent(domain)}/move`, label: 'Open the move' });

/** To the admins at each stage change: what happened, and what the move waits for now. */
export function adminStageEmail(move: DomainMove, what: string, facts: [string, string][], panelUrl: string) {
  return renderEmail({
    subject: `Move of ${move.domain}: ${STAGE_WORDS[move.stage]}`,
    intro: what,
    facts: [['Domain', move.domain], ['Stage', STAGE_WORDS[move.stage]], ['Mailboxes', String(move.mailboxes.length)], ...facts, ['Next', move.next.action], ...(move.next.waitingFor ? ([['Waiting for', move.next.waitingFor]] as [string, string][]) : [])],
    link: moveLink(panelUrl, move.domain),
  });
}

/** To the admins when a mailbox has failed K passes in a row: it is paused, never silently. */
export function mailboxPausedEmail(move: DomainMove, mb: DomainMoveMailbox, panelUrl: string) {
  return renderEmail({
    subject: `Move of ${move.domain}: ${mb.address} paused after ${mb.consecutiveFailures} failed passes`,
    intro: `The last ${mb.consecutiveFailures} passes of ${mb.address} (the copy counts as one) failed, so the move stopped running them for this mailbox. The other mailboxes go on. Fix the cause (the run's log says it), then resume the mailbox on the move's page.`,
    facts: [['Mailbox', mb.address], ['Source login', mb.sourceUser], ['Failed passes in a row', String(mb.consecutiveFailures)], ['Last run', mb.lastRun ? `${mb.lastRun.state} (${mb.lastRun.runId})` : 'none'], ['Why', mb.pausedReason ?? '']],
    link: moveLink(panelUrl, move.domain),
  });
}

/** To each moved user at the end: where their mail is now and how to set up their apps (PurelyMail's documented settings). */
export function movedUserEmail(address: string, domain: string) {
  const { imap, smtp } = MAIL_CLIENT_SETTINGS;
  return renderEmail({
    subject: `Your mail at ${domain} has moved to PurelyMail`,
    intro: `Your mailbox ${address} now lives at PurelyMail, with the mail copied from the old host. New mail arrives there already. Set up your mail apps with the settings below (your user name is your full address); webmail is at https://inbox.purelymail.com.`,
    facts: [
      ['User name', address],
      ['Incoming (IMAP)', `${imap.host}, port ${imap.port}, ${imap.security}`],
      ['Outgoing (SMTP)', `${smtp.host}, port ${smtp.port}, ${smtp.security} (or ${smtp.alternative.port}, ${smtp.alternative.security})`],
      ['Webmail', 'https://inbox.purelymail.com'],
    ],
    outro: 'Phones and desktop apps: remove the old account and add a new IMAP account with these settings (choose “Other” or “IMAP” rather than a provider). Ask your administrator for your password or an app password; nobody will ever ask you for it by email.',
  });
}
