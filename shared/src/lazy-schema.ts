/**
 * A schema that is built the first time anything touches it, and is from then on that schema.
 *
 * Building a zod schema is not free (zod 4 sets up every check and wrapper when it is created), and a
 * module-level `export const X = z.object(…)` is built when its module is evaluated. The api Lambda imports
 * every schema of this package at a cold start while one request uses a handful, so the ~170 schemas here
 * were a quarter of its import time. Wrapped, each is built on first use: `X.parse`, `X.extend`, `z.object({ x: X })`
 * and `z.infer<typeof X>` work unchanged (the proxy forwards every operation to the built schema).
 * Still worth it after issue 16 (measured: importing all of @app/shared bundled, 15 alternating runs, min 43 ms lazy
 * against 111 ms with every schema built at import, on a loaded 2-core machine). builds-no-schema.test.ts checks that
 * importing the package builds none.
 */
export function lazySchema<T extends object>(build: () => T): T {
  const target: LazyTarget = Object.assign(Object.create(null) as object, { [BUILD]: build });
  return new Proxy(target, forward) as T;
}

const BUILD = Symbol('build');
const BUILT = Symbol('built');
interface LazyTarget {
  [BUILD]?: () => object;
  [BUILT]?: object;
}

const schemaOf = (target: LazyTarget): object => (target[BUILT] ??= target[BUILD]!());

// One handler for every lazy schema (a cold start creates ~200 of them). The target is an extensible object
// holding only the builder and the built schema, under symbols nobody else has, so the forwarded answers never
// break a proxy invariant (descriptors are reported configurable: the real ones live on the built schema).
const forward: ProxyHandler<LazyTarget> = {
  get: (target, key) => Reflect.get(schemaOf(target), key),
  set: (target, key, value) => Reflect.set(schemaOf(target), key, value),
  has: (target, key) => Reflect.has(schemaOf(target), key),
  ownKeys: (target) => Reflect.ownKeys(schemaOf(target)),
  getOwnPropertyDescriptor: (target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(schemaOf(target), key);
    return descriptor && { ...descriptor, configurable: true };
  },
  defineProperty: (target, key, descriptor) => Reflect.defineProperty(schemaOf(target), key, descriptor),
  deleteProperty: (target, key) => Reflect.deleteProperty(schemaOf(target), key),
  getPrototypeOf: (target) => Reflect.getPrototypeOf(schemaOf(target)),
};
