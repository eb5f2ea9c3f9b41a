/** App-wide toast queue. Success and info toasts fade after a few seconds; errors stay longer. */
export type ToastKind = 'success' | 'error' | 'info';
export type Toast = { id: number; kind: ToastKind; message: string; detail?: string };

const DURATION: Record<ToastKind, number> = { success: 4000, info: 5000, error: 9000 };

class ToastStore {
  items = $state<Toast[]>([]);
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(kind: ToastKind, message: string, detail?: string): number {
    const id = this.#next++;
    this.items = [...this.items.slice(-4), { id, kind, message, detail }];
    this.#timers.set(id, setTimeout(() => this.dismiss(id), DURATION[kind]));
    return id;
  }

  success = (message: string, detail?: string) => this.show('success', message, detail);
  error = (message: string, detail?: string) => this.show('error', message, detail);
  info = (message: string, detail?: string) => this.show('info', message, detail);

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** Keep a toast on screen while the pointer or focus is on it. */
  hold(id: number): void {
    clearTimeout(this.#timers.get(id));
  }

  release(id: number): void {
    const t = this.items.find((x) => x.id === id);
    if (t) this.#timers.set(id, setTimeout(() => this.dismiss(id), DURATION[t.kind]));
  }
}

export const toasts = new ToastStore();
