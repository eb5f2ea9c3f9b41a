import type { CreditLevel, Settings } from '@app/shared';
import { formatCredit } from '@app/shared/money';
import type { Clock } from '../../platform/clock.ts';
import { creditLevel } from '../dashboard/get-dashboard.ts';
import type { Notifier } from './notifier.ts';

/** The last credit level we told admins about, so each crossing is notified once, not on every check. */
export interface CreditAlertStore {
  get(): Promise<{ level: CreditLevel; version: number } | undefined>;
  /** Conditional write on `version` (0 = no item yet); false when another check got there first. */
  set(level: CreditLevel, expectedVersion: number): Promise<boolean>;
}

const RANK: Record<CreditLevel, number> = { ok: 0, amber: 1, red: 2 };

/**
 * Compares fresh credit with the thresholds and notifies once per downward crossing.
 *
 * 1. Work out the level (ok / amber / red) from the settings' thresholds.
 * 2. If it differs from the stored level, move the stored level with one conditional write; the loser
 *    of two concurrent checks (or a duplicate trigger) does nothing.
 * 3. Only a worse level notifies (ok → amber, amber → red, ok → red); recovering re-arms the alert.
 */
export const makeCheckCredit =
  (deps: { alerts: CreditAlertStore; settings: { get(): Promise<Settings> }; notify: Pick<Notifier, 'creditCrossed'>; clock: Clock }) =>
  async (credit: string): Promise<CreditLevel> => {
    const settings = await deps.settings.get();
    const level = creditLevel(credit, settings);
    const stored = await deps.alerts.get();
    const previous = stored?.level ?? 'ok';
    if (level === previous && stored) return level;
    const version = stored?.version ?? 0;
    if (!(await deps.alerts.set(level, version))) return level;
    if (level !== 'ok' && RANK[level] > RANK[previous]) {
      const threshold = level === 'red' ? settings.creditRed : settings.creditAmber;
      await deps.notify.creditCrossed({ level, credit: formatCredit(credit), threshold: formatCredit(threshold), at: deps.clock.now().toISOString() }, `v${version + 1}`);
    }
    return level;
  };
