import { lazyFacade, type AsyncFacade } from '../lazy-facade.ts';
import { once } from '../once.ts';

/**
 * How a composition root provides a feature to buildAppDeps: `build` it now (local runtime, tests), or `load`
 * it on first use, importing its module dynamically (the AWS root: a cold start then neither compiles nor
 * builds it).
 */
export type FeatureSource<Core, Feature> = { build(core: Core): Feature } | { load(core: Core): Promise<Feature> };

/**
 * The feature, built now, or stand-ins for each of its members that load it (once for all of them, a failed
 * load retried by the next call) on their first call. `members` names every member, so none is forgotten.
 */
export function provideFeature<Core, Feature extends { [K in keyof Feature]: AsyncFacade<Feature[K]> }>(
  source: FeatureSource<Core, Feature>,
  core: Core,
  members: { readonly [K in keyof Feature]-?: true },
): Feature {
  if ('build' in source) return source.build(core);
  const load = once(() => source.load(core));
  const standIn = (member: keyof Feature) => lazyFacade(async () => (await load())[member] as AsyncFacade<object>);
  return Object.fromEntries(Object.keys(members).map((m) => [m, standIn(m as keyof Feature)])) as Feature;
}
