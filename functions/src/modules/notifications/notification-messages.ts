import type { CreditLevel, PendingAction } from '@app/shared';
import { renderEmail } from './render-email.ts';

const WHAT: Record<PendingAction['kind'], string> = {
  'delete-user': 'Delete user',
  'delete-domain': 'Delete domain',
  'delete-routing-rule': 'Delete routing rule',
};

// Labels usually say the verb already ("Delete user bob@example.com"); a routing rule's is only its description.
const whatOf = (a: PendingAction) => (/^delete\b/i.test(a.label) ? a.label : `${WHAT[a.kind]}: ${a.label}`);

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** The email for a newly requested delayed deletion: what, who, when, and where to cancel it. */
export function pendingRequestedEmail(action: PendingAction, panelUrl: string) {
  return renderEmail({
    subject: `Deletion scheduled: ${whatOf(action)}`,
    intro: `${action.requestedBy} scheduled a deletion. It runs at ${utc(action.executeAt)} unless an admin cancels it.`,
    facts: [
      ['What', whatOf(action)],
      ['Requested by', action.requestedBy],
      ['Requested at', utc(action.requestedAt)],
      ['Executes at', utc(action.executeAt)],
    ],
    outro: 'If this was not intended, cancel it on the Pending page before it executes.',
    link: { url: `${panelUrl}/pending`, label: 'Open the Pending page' },
  });
}

/** The email for a scheduled deletion an admin cancelled, to those who were told it was scheduled. */
export function pendingCancelledEmail(action: PendingAction, panelUrl: string) {
  const by = action.cancelledBy ?? 'an admin';
  return renderEmail({
    subject: `Deletion cancelled: ${whatOf(action)}`,
    intro: `${by} cancelled a scheduled deletion. Nothing was deleted, and it will not run.`,
    facts: [
      ['What', whatOf(action)],
      ['Requested by', action.requestedBy],
      ['Cancelled by', by],
      ['Cancelled at', utc(action.finishedAt ?? action.requestedAt)],
    ],
    link: { url: `${panelUrl}/pending`, label: 'Open the Pending page' },
  });
}

/** The email for a delayed deletion that ran (done) or could not (failed, with the reason). */
export function pendingFinishedEmail(action: PendingAction, panelUrl: string) {
  const ok = action.status === 'done';
  return renderEmail({
    subject: `${ok ? 'Deletion done' : 'Deletion failed'}: ${whatOf(action)}`,
    intro: ok ? 'A scheduled deletion has been carried out.' : 'A scheduled deletion could not be carried out.',
    facts: [
      ['What', whatOf(action)],
      ['Requested by', action.requestedBy],
      ['Finished at', utc(action.finishedAt ?? action.executeAt)],
      ...(ok ? [] : ([['Reason', action.reason ?? 'unknown']] as [string, string][])),
    ],
    link: { url: `${panelUrl}/pending`, label: 'Open the Pending page' },
  });
}

export interface DnsChange {
  domain: string;
  to: 'healthy' | 'failing';
  /** PurelyMail's failing checks, e.g. ["MX", "DKIM"]. */
  failing: string[];
  at: string;
}

/** The email for a domain whose DNS broke or recovered. */
export function dnsChangedEmail(change: DnsChange, panelUrl: string) {
  const broke = change.to === 'failing';
  return renderEmail({
    subject: broke ? `DNS problem on ${change.domain}` : `DNS fixed on ${change.domain}`,
    intro: broke
      ? `PurelyMail now reports DNS problems for ${change.domain}: mail to or from it may be rejected or marked as spam.`
      : `PurelyMail reports every DNS check passing again for ${change.domain}.`,
    facts: [['Domain', change.domain], ...(broke ? ([['Failing checks', change.failing.join(', ')]] as [string, string][]) : []), ['Checked at', utc(change.at)]],
    ...(broke ? { outro: 'The Domains page shows which record is wrong and what to publish instead.' } : {}),
    link: { url: `${panelUrl}/domains`, label: 'Open the Domains page' },
  });
}

export interface CreditCrossing {
  level: Exclude<CreditLevel, 'ok'>;
  /** Display form, e.g. "$4.20". */
  credit: string;
  threshold: string;
  at: string;
}

/** The email for account credit falling below the amber or red threshold. */
export function creditCrossedEmail(c: CreditCrossing, panelUrl: string) {
  return renderEmail({
    subject: c.level === 'red' ? `PurelyMail credit critically low: ${c.credit}` : `PurelyMail credit low: ${c.credit}`,
    intro: `Your PurelyMail account credit is ${c.credit}, below the ${c.level} threshold of ${c.threshold}. PurelyMail suspends service when credit runs out.`,
    facts: [['Credit', c.credit], [`${c.level === 'red' ? 'Red' : 'Amber'} threshold`, c.threshold], ['Checked at', utc(c.at)]],
    outro: 'Add credit in your PurelyMail account.',
    link: { url: panelUrl, label: 'Open the dashboard' },
  });
}

export interface CreditForecastAlert {
  daysLeft: number;
  /** Display forms, e.g. "$0.47" and "$19.30". */
  burnPerDay: string;
  credit: string;
  redThreshold: string;
  reachesRedOn: string;
  alertBelowDays: number;
  at: string;
}

/** The email for the credit forecast dropping below the configured number of days. */
export function creditForecastEmail(f: CreditForecastAlert, panelUrl: string) {
  return renderEmail({
    subject: `PurelyMail credit runs low in about ${f.daysLeft} days`,
    intro: `At the spending of the last weeks (${f.burnPerDay} a day), your PurelyMail credit of ${f.credit} reaches the red threshold of ${f.redThreshold} in about ${f.daysLeft} days, around ${f.reachesRedOn}. You asked to be told when fewer than ${f.alertBelowDays} days are left.`,
    facts: [['Credit', f.credit], ['Spending', `${f.burnPerDay} a day`], ['Days left', `about ${f.daysLeft}`], ['Red threshold reached around', f.reachesRedOn], ['Checked at', utc(f.at)]],
    outro: 'Add credit in your PurelyMail account. This email is sent once; the next one only after the forecast has recovered and dropped again.',
    link: { url: panelUrl, label: 'Open the dashboard' },
  });
}

export function testEmail(panelUrl: string, requestedBy: string, at: string) {
  return renderEmail({
    subject: 'PurelyManage test email',
    intro: `This is a test email sent from PurelyManage by ${requestedBy}. If you can read it, notifications reach you.`,
    facts: [['Sent at', utc(at)]],
    link: { url: panelUrl, label: 'Open PurelyManage' },
  });
}
