import { once } from './once.ts';

/** `T` when every member, at any depth, is a function returning a promise; members that are not become `never`. */
export type AsyncFacade<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => infer R ? (R extends Promise<unknown> ? T[K] : never) : T[K] extends object ? AsyncFacade<T[K]> : never;
};

/**
 * Stands in for an object that is loaded (and built) on its first call: `facade.jobs.list()` loads it, then
 * calls `jobs.list()` on it; later calls go straight through. Used by the AWS root for the migration
 * feature, so an api cold start neither compiles nor builds it (most requests never touch migrations).
 *
 * Only objects whose every method returns a promise qualify (checked by the type), since a call has to
 * wait for the load. Nothing but calls is forwarded: reading a value, or awaiting the facade itself, gives
 * undefined. A failed load is not kept (see `once`).
 */
export function lazyFacade<T extends AsyncFacade<T>>(load: () => Promise<T>): T {
  return member(once(load), []) as T;
}

function member(load: () => Promise<unknown>, path: readonly string[]): unknown {
  const children = new Map<string, unknown>();
  // A function target, so the proxy can be called; its own properties are never exposed.
  return new Proxy(() => {}, {
    get(_target, key) {
      // Not a thenable (`await facade` must not call a `then` that does not exist), nor anything else.
      if (typeof key !== 'string' || key === 'then') return undefined;
      let child = children.get(key);
      if (!child) children.set(key, (child = member(load, [...path, key])));
      return child;
    },
    async apply(_target, _this, args: unknown[]) {
      let owner: unknown = await load();
      for (const key of path.slice(0, -1)) owner = (owner as Record<string, unknown> | undefined)?.[key];
      const method = (owner as Record<string, unknown> | undefined)?.[path[path.length - 1]!];
      if (typeof method !== 'function') throw new TypeError(`${path.join('.')} is not a function of the loaded object`);
      return method.apply(owner, args) as unknown;
    },
  });
}
