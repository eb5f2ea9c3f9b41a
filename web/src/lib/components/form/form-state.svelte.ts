import { tick, untrack } from 'svelte';
import type * as z from 'zod';
import { ApiError } from '../../api/api-error.ts';
import { errorMessage } from '../../api/handle-error.ts';

/** The API's code for a write refused because the record changed since it was read (a 409). */
export const STALE_VERSION = 'stale_version';

/** The record changed since it was read: the API refused a write made with an old version. */
export const isStaleVersion = (err: unknown): boolean => err instanceof ApiError && err.status === 409 && err.code === STALE_VERSION;

/** What went wrong with a submit, shown in the form above its buttons. */
export type FormProblem = { message: string; title?: string; tone?: 'danger' | 'warning' };

export interface FormOptions {
  /** What failed, for errors the server did not explain: "Could not create the user." */
  failure: string;
  /**
   * Words above the buttons for a known refusal (an error code the form expects), or undefined for the usual
   * ones. Field messages from the server are placed next to their fields either way.
   */
  explain?: (err: unknown) => FormProblem | undefined;
  /**
   * The form field a server field path belongs to (`targetAddresses.1` → `targetAddresses`), or undefined when
   * the form has no such field: its message then shows above the buttons instead of getting lost.
   */
  field?: (path: string) => string | undefined;
  /**
   * The record changed since it was read (409 `stale_version`): load the latest values into the form. The form
   * then says so, and the person reviews and saves again.
   */
  reload?: () => Promise<unknown>;
  /** Also show the server's message above the buttons when it put messages next to fields (it says more). */
  summary?: boolean;
}

export const STALE_MESSAGE = 'Someone else changed this meanwhile. The latest values are loaded: review them and save again.';

/**
 * The state every form shares: pending, a problem above the buttons, and messages next to fields. `submit` runs
 * the action once at a time and turns whatever it throws into words (server field errors next to their
 * fields, a stale version reloaded, anything else above the buttons). Nothing typed is cleared on failure.
 * Rendered by `<Form>` and `<FormDialog>`.
 *
 * @example
 * const form = new FormState({ failure: 'Could not add the admin.' });
 * <FormDialog {form} onsubmit={async () => { if (form.invalid({ email: !email && 'is required' })) return false; await save(); }}>
 */
export class FormState {
  busy = $state(false);
  problem = $state<FormProblem | null>(null);
  fields = $state<Record<string, string>>({});
  /** The <form> (set by `<Form>`), or the part of one this state checks: its first invalid control gets focus. */
  element: HTMLElement | undefined;

  constructor(readonly options: FormOptions) {}

  clear(): void {
    this.problem = null;
    this.fields = {};
  }

  /**
   * Client-side checks: keeps the messages that are set, focuses the first invalid control, and says whether
   * there were any.
   * @example if (form.invalid({ name: !name.trim() && 'is required' })) return false;
   */
  invalid(found: Record<string, string | false | null | undefined>): boolean {
    const fields = Object.fromEntries(Object.entries(found).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    this.fields = fields;
    if (Object.keys(fields).length === 0) return false;
    void this.focusInvalid();
    return true;
  }

  /**
   * Live re-check while the person edits: drops each field error that `found` no longer reports (never adds
   * one, so nothing turns red before a submit). An error fixed is gone at once, not at the next Save.
   * @example $effect(() => form.recheck(problems(draft)));
   */
  recheck(found: Record<string, string | false | null | undefined>): void {
    // Untracked: an effect calling this re-runs on the values it checks, not on the errors it clears.
    const current = untrack(() => this.fields);
    const keep = Object.entries(current).filter(([k]) => typeof found[k] === 'string' && found[k] !== '');
    if (keep.length !== Object.keys(current).length) this.fields = Object.fromEntries(keep);
  }

  /** The messages `schema` finds in `value`, by field (the path's first `depth` parts), without showing them. */
  static problems<S extends z.ZodType>(schema: S, value: unknown, depth = 1): Record<string, string> {
    const parsed = schema.safeParse(value);
    const found: Record<string, string> = {};
    if (!parsed.success) for (const issue of parsed.error.issues) found[issue.path.slice(0, depth).join('.')] ??= issue.message;
    return found;
  }

  /**
   * Checks `value` with the schema the API uses; on failure, each issue goes next to its field (the path's
   * first `depth` parts joined with dots) and undefined is returned.
   */
  parse<S extends z.ZodType>(schema: S, value: unknown, depth = 1): z.output<S> | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const found: Record<string, string> = {};
    for (const issue of parsed.error.issues) found[issue.path.slice(0, depth).join('.')] ??= issue.message;
    this.invalid(found);
    return undefined;
  }

  /**
   * Runs `action` unless one is running. Resolves true when it finished without throwing and did not return
   * false (false: it found a problem itself and keeps the form as it is).
   */
  async submit(action: () => Promise<unknown> | unknown): Promise<boolean> {
    if (this.busy) return false;
    this.clear();
    this.busy = true;
    try {
      return (await action()) !== false;
    } catch (err) {
      await this.fail(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Shows an error from outside `submit` the same way. */
  async fail(err: unknown): Promise<void> {
    const { explain, field = (p: string) => p, reload, failure, summary = false } = this.options;
    if (reload && isStaleVersion(err)) {
      await reload().catch(() => undefined);
      this.problem = { message: STALE_MESSAGE, tone: 'warning' };
      return;
    }
    const fields: Record<string, string> = {};
    let unplaced = false;
    if (err instanceof ApiError) {
      for (const f of err.fields) {
        const name = field(f.path);
        if (name === undefined) unplaced = true;
        else fields[name] ??= f.message;
      }
    }
    this.fields = fields;
    const explained = explain?.(err);
    if (explained) this.problem = explained;
    else if (Object.keys(fields).length === 0 || unplaced || summary) this.problem = { message: errorMessage(err, failure) };
    if (Object.keys(fields).length > 0) void this.focusInvalid();
  }

  private async focusInvalid(): Promise<void> {
    await tick();
    this.element?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }
}
