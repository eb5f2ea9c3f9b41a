import { SvelteMap } from 'svelte/reactivity';
import { errorMessage } from '../../../../../lib/api/handle-error.ts';

/** What a mapping row has on screen but not saved: who it is for, and how to save it. */
export interface UnsavedRow {
  label: string;
  save: () => Promise<void>;
}

/** A row whose typed destination could not be saved: names the row, so the admin knows which to fix. */
export class UnsavedRowError extends Error {
  constructor(
    readonly label: string,
    cause: unknown,
  ) {
    super(`Could not save the destination of ${label}: ${errorMessage(cause, 'the server refused it').replace(/\.+$/, '')}. No jobs were created.`);
    this.name = 'UnsavedRowError';
  }
}

/**
 * The campaign mapping rows with typed but unsaved values (issue 17: "Create jobs" ignored a typed
 * destination password). Rows register themselves while they differ from what is saved; "Create jobs" saves
 * them all first, in table order, and stops at the first refusal, naming its row.
 */
export class UnsavedRows {
  readonly #rows = new SvelteMap<string, UnsavedRow>();

  set(id: string, row: UnsavedRow | null): void {
    if (row) this.#rows.set(id, row);
    else this.#rows.delete(id);
  }

  get count(): number {
    return this.#rows.size;
  }

  get labels(): string[] {
    return [...this.#rows.values()].map((r) => r.label);
  }

  /** Saves every unsaved row; throws `UnsavedRowError` naming the first row that could not be saved. */
  async saveAll(): Promise<number> {
    const rows = [...this.#rows.entries()];
    for (const [id, row] of rows) {
      try {
        await row.save();
      } catch (err) {
        throw new UnsavedRowError(row.label, err);
      }
      this.#rows.delete(id);
    }
    return rows.length;
  }
}
