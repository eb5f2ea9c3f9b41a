import { handleError } from '../api/handle-error.ts';

/**
 * A page's buttons that do one thing each (sync, re-check, start a run): which one is running, one at a time,
 * and a failure told as a toast through the one error funnel. `run` resolves true when the action finished.
 *
 * @example
 * const actions = new Actions();
 * <Button loading={actions.is('sync')} onclick={() => actions.run('sync', sync, 'Could not sync with PurelyMail.')}>
 */
export class Actions {
  running = $state<string | null>(null);

  is(name: string): boolean {
    return this.running === name;
  }

  async run(name: string, action: () => Promise<unknown>, failure: string): Promise<boolean> {
    if (this.running !== null) return false;
    this.running = name;
    try {
      await action();
      return true;
    } catch (err) {
      handleError(err, failure);
      return false;
    } finally {
      this.running = null;
    }
  }
}
