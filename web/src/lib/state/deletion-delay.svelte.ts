import { panelSettingsService } from '$lib/services/settings.service.ts';
import { delayText } from '$lib/utils/delay-text.ts';

/**
 * The deletion delay as Settings have it now (any admin may change it), re-read whenever a deletion is
 * about to be confirmed, so a dialog never promises a stale "24 hours".
 */
class DeletionDelay {
  hours = $state<number | null>(null);

  /** Fetches the current setting; on failure keeps the last value (the dialog then speaks generally). */
  async refresh(): Promise<void> {
    try {
      this.hours = (await panelSettingsService.get()).deletionDelayHours;
    } catch {
      // The confirmation still works without the number.
    }
  }

  /** "in 24 hours" when known, else "after the deletion delay set in Settings". */
  get phrase(): string {
    return this.hours === null ? 'after the deletion delay set in Settings' : `in ${delayText(this.hours)}`;
  }
}

export const deletionDelay = new DeletionDelay();
