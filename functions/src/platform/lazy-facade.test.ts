import { describe, expect, it } from 'vitest';
import { lazyFacade } from './lazy-facade.ts';

class Counter {
  #n = 0;
  async bump() {
    return ++this.#n; // throws when called on anything but this instance
  }
}

const makeModule = (log: string[]) => ({
  jobs: {
    list: async () => (log.push('jobs.list'), ['a', 'b']),
    get: async (id: string) => (log.push(`jobs.get ${id}`), { id }),
  },
  counter: new Counter(),
  fail: async () => {
    throw new Error('boom');
  },
});

describe('lazyFacade', () => {
  it('loads nothing until the first call, then loads once and forwards every call with its arguments', async () => {
    const log: string[] = [];
    let loads = 0;
    const facade = lazyFacade(async () => (loads++, makeModule(log)));
    const list = facade.jobs.list;
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([list(), facade.jobs.get('j1')]);
    expect(a).toEqual(['a', 'b']);
    expect(b).toEqual({ id: 'j1' });
    expect(await facade.jobs.get('j2')).toEqual({ id: 'j2' });
    expect(loads).toBe(1);
    expect(log).toEqual(['jobs.list', 'jobs.get j1', 'jobs.get j2']);
  });

  it('calls a method on its own object (this), and passes errors through', async () => {
    const facade = lazyFacade(async () => makeModule([]));
    expect(await facade.counter.bump()).toBe(1);
    expect(await facade.counter.bump()).toBe(2);
    await expect(facade.fail()).rejects.toThrow('boom');
  });

  it('is not a thenable, and a failed load is tried again by the next call', async () => {
    const facade = lazyFacade(
      (() => {
        let tries = 0;
        return async () => {
          if (++tries === 1) throw new Error('chunk missing');
          return makeModule([]);
        };
      })(),
    );
    expect(await Promise.resolve(facade)).toBe(facade);
    await expect(facade.jobs.list()).rejects.toThrow('chunk missing');
    expect(await facade.jobs.list()).toEqual(['a', 'b']);
  });

  it('refuses a member that is not a function of the loaded object', async () => {
    const facade = lazyFacade(async () => makeModule([])) as unknown as { nothing: { here: () => Promise<unknown> } };
    await expect(facade.nothing.here()).rejects.toThrow(/nothing\.here is not a function/);
  });
});
