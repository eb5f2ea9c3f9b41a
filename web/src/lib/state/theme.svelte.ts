/**
 * The colour theme: the admin's choice (system, light or dark), remembered in this browser's localStorage,
 * and the theme it resolves to, written to <html data-theme> (app.css turns the palette over for "dark").
 * The inline script in app.html applies the stored choice before the first paint; this keeps it in step
 * afterwards: a new choice, and the system's preference changing while "system" is chosen.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
/** Also read by the inline script in web/src/app.html. */
export const THEME_STORAGE_KEY = 'purelymanage.theme';

const systemDark = (): MediaQueryList | undefined =>
  typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

class ThemeState {
  choice = $state<ThemeChoice>('system');
  #query = systemDark();

  constructor() {
    if (typeof document === 'undefined') return;
    this.choice = stored();
    this.#apply();
    this.#query?.addEventListener('change', () => this.#apply());
    // Another tab changed it: follow, so two tabs never disagree.
    addEventListener('storage', (e) => {
      if (e.key !== THEME_STORAGE_KEY) return;
      this.choice = stored();
      this.#apply();
    });
  }

  /** The theme on screen now. */
  get resolved(): 'light' | 'dark' {
    return this.choice === 'system' ? (this.#query?.matches ? 'dark' : 'light') : this.choice;
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      // Not stored (storage refused): the choice lasts until the page is reloaded.
    }
    this.#apply();
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.resolved;
  }
}

export const theme = new ThemeState();
