import type { DomainMove, DomainMoveMailbox, DomainMoveStage } from '@app/shared';

/** The six steps an admin sees, in order; `sync` is "Keep in sync", `final` the final pass. */
export const STEPS = [
  { stage: 'prepare', title: 'Prepare', explain: 'The domain is at PurelyMail, the mailboxes are known and the old MX record’s TTL is read.' },
  { stage: 'copy', title: 'Copy', explain: 'One batch copies every mailbox in full.' },
  { stage: 'sync', title: 'Keep in sync', explain: 'Scheduled passes copy what arrived since, until the switch.' },
  { stage: 'switch', title: 'Switch', explain: 'The DNS records point mail at PurelyMail; the panel watches public resolvers until they all agree.' },
  { stage: 'final', title: 'Final pass', explain: 'After the switch and the old TTL, one last pass of every mailbox and its verdict.' },
  { stage: 'finished', title: 'Finish', explain: 'Each moved user gets their new settings; the report stays here.' },
] as const satisfies readonly { stage: DomainMoveStage; title: string; explain: string }[];

export type StepState = 'done' | 'current' | 'upcoming' | 'stopped' | 'skipped';
export const STEP_LABEL: Record<StepState, { text: string; tone: 'success' | 'info' | 'neutral' | 'warning' }> = {
  done: { text: 'Done', tone: 'success' },
  current: { text: 'In progress', tone: 'info' },
  upcoming: { text: 'Not yet', tone: 'neutral' },
  stopped: { text: 'Cancelled here', tone: 'warning' },
  skipped: { text: 'Not reached', tone: 'neutral' },
};

/**
 * Where each step stands, from the move's stage (the server's word). A cancelled move says how far it got, from
 * what it left behind: scheduled passes ran or every mailbox's copy run was counted (it was keeping in sync), runs
 * of the copy started (it was copying), or neither (it was still being prepared). The steps before that one are done; it was cancelled there.
 */
export function stepStates(move: Pick<DomainMove, 'stage' | 'passesDone' | 'mailboxes'>): StepState[] {
  if (move.stage === 'finished') return STEPS.map(() => 'done');
  if (move.stage === 'cancelled') {
    const copied = move.mailboxes.length > 0 && move.mailboxes.every((m) => m.lastRun !== null);
    const reached = move.passesDone > 0 || copied ? 2 : move.mailboxes.some((m) => m.passes > 0) ? 1 : 0;
    return STEPS.map((_, i) => (i < reached ? 'done' : i === reached ? 'stopped' : 'skipped'));
  }
  const at = STEPS.findIndex((s) => s.stage === move.stage);
  return STEPS.map((_, i) => (i < at ? 'done' : i === at ? 'current' : 'upcoming'));
}

/** Mailboxes that need a person: paused after failed passes in a row. */
export const pausedOf = (mailboxes: readonly DomainMoveMailbox[]): DomainMoveMailbox[] => mailboxes.filter((m) => m.paused);

export const VERDICT: Record<DomainMoveMailbox['verdict'], { text: string; tone: 'success' | 'danger' | 'neutral' }> = {
  'all-present': { text: 'All source messages present', tone: 'success' },
  missing: { text: 'Messages missing', tone: 'danger' },
  unknown: { text: 'Not checked yet', tone: 'neutral' },
};

/** "every 6 hours", "every hour", "every 5 minutes". */
export function everyText(minutes: number): string {
  if (minutes % 60 === 0) {
    const h = minutes / 60;
    return h === 1 ? 'every hour' : `every ${h} hours`;
  }
  return minutes === 1 ? 'every minute' : `every ${minutes} minutes`;
}

/** "3 days", "1 hour", "5 minutes", "45 seconds": a TTL in words. */
export function ttlText(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** The BIND fragment as a file to download (a data: URL, so no request and no server state). */
export const bindFileHref = (bind: string): string => `data:text/plain;charset=utf-8,${encodeURIComponent(bind)}`;

