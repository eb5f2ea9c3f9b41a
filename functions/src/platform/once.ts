/**
 * A promise-returning loader that runs once: later calls share its promise. A rejection is not kept, so the
 * next call tries again (a failed SDK import or secret read must not poison a warm container).
 * Used to load rarely needed adapters and AWS SDK clients on first use instead of at cold start.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    if (!value) {
      value = load();
      value.catch(() => (value = undefined));
    }
    return value;
  };
}
