import { untrack } from 'svelte';
import { Resource } from '../../state/resource.svelte.ts';
import { FormState } from './form-state.svelte.ts';

export interface SettingsFormOptions<S, D> {
  load: () => Promise<S>;
  /** The editable copy of the record: what the inputs bind to. */
  toDraft: (record: S) => D;
  /** "Could not load the settings." */
  loadFailure: string;
  /** "Could not save the settings." */
  saveFailure: string;
}

/**
 * A form over a record the panel keeps with a version (panel settings, notification settings, the migration
 * concurrency): it loads the record, keeps an editable draft, knows when the draft differs (Save enabled,
 * Discard shown), and when a save is refused because someone else saved meanwhile (409 stale_version) it
 * loads the latest values into the draft and says so. Rendered with `<Loaded>`, `<Form>` and `<SaveBar>`.
 *
 * @example
 * const settings = new SettingsForm({ load: migrationsService.settings, toDraft: (s) => ({ concurrency: String(s.concurrency) }), … });
 * async function save() { const input = settings.form.parse(Schema, …); if (!input) return false; settings.saved(await update(input)); }
 */
export class SettingsForm<S, D> {
  readonly record: Resource<S>;
  readonly form: FormState;
  draft = $state() as D;

  constructor(private readonly options: SettingsFormOptions<S, D>) {
    this.record = new Resource(options.load, options.loadFailure, { onload: (s) => (this.draft = options.toDraft(s)) });
    this.form = new FormState({ failure: options.saveFailure, reload: () => this.record.load() });
  }

  /** The draft differs from the record as last read or saved. */
  get dirty(): boolean {
    const current = this.record.data;
    return current !== null && JSON.stringify(this.draft) !== JSON.stringify(this.options.toDraft(current));
  }

  /**
   * Field errors that no longer hold go as the draft changes (`check` gives the draft's problems by field),
   * and all of them go when the draft is back to the saved values. Call once from the component that owns
   * this form (it sets up an effect).
   */
  recheckWith(check: (draft: D) => Record<string, string | false | null | undefined>): void {
    $effect(() => {
      // Runs on draft edits only: the errors themselves are read untracked, so a fresh one is not cleared.
      const found = this.dirty ? check(this.draft) : {};
      untrack(() => this.form.recheck(found));
    });
  }

  /** Back to the record's values. */
  discard(): void {
    if (this.record.data !== null) this.draft = this.options.toDraft(this.record.data);
    this.form.clear();
  }

  /** The server's answer to a save: the record and the draft both become it. */
  saved(record: S): void {
    this.record.set(record);
  }
}
