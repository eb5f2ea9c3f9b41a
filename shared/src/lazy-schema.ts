/**
 * A schema that is built the first time anything touches it, and is from then on that schema.
 *
 * Building a zod schema is not free (zod 4 sets up every check and wrapper when it is created), and a
 * module-level `export const X = z.object(…)` is built when its module is evaluated. The api Lambda imports
 * every schema of this package at a cold start while one request uses a handful, so the ~170 schemas here
 * were a quarter of its import time. Wrapped, each is built on first use: `X.parse`, `X.extend`, `z.object({ x: X })`
 * and `z.infer<typeof X>` work unchanged (the proxy forwards every operation to the built schema).
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const schema = (): T => (built ??= build());
  // The target is an empty extensible object, so the forwarded answers never break a proxy invariant
  // (descriptors are reported configurable: the real ones live on the built schema, not the target).
  return new Proxy(Object.create(null) as T, {
    get: (_target, key) => Reflect.get(schema(), key),
    set: (_target, key, value) => Reflect.set(schema(), key, value),
    has: (_target, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
}
