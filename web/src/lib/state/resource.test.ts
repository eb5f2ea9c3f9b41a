import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api-error.ts';
import { toasts } from './toasts.svelte.ts';
import { Resource, UNCHANGED, polled } from './resource.svelte.ts';

/** A fetcher whose answers the test hands out one by one, in any order. */
function controlled<T>() {
  const pending: { resolve: (v: T | typeof UNCHANGED) => void; reject: (e: unknown) => void }[] = [];
  const fetcher = () => new Promise<T | typeof UNCHANGED>((resolve, reject) => pending.push({ resolve, reject }));
  return { fetcher, pending };
}

const refused = () => new ApiError(503, { code: 'http_503', message: 'PurelyMail is not answering.', requestId: 'r-9' });

afterEach(() => {
  vi.restoreAllMocks();
  for (const t of toasts.items) toasts.dismiss(t.id);
});

describe('Resource', () => {
  it('shows the first failure in place, with the server’s words and a heading without the full stop', async () => {
    // Prepare
    const users = new Resource<string[]>(() => Promise.reject(refused()), 'Could not load the users.');
    // Act
    const applied = await users.load();
    // Assess
    expect(applied).toBe(false);
    expect(users.data).toBeNull();
    expect(users.error).toBe('PurelyMail is not answering.');
    expect(users.failureTitle).toBe('Could not load the users');
    expect(users.notFound).toBe(false);
    expect(users.loading).toBe(false);
  });

  it('tells a 404 on the first load apart (the thing is not there), and forgets it on the next load', async () => {
    let answer: () => Promise<string> = () => Promise.reject(new ApiError(404, { code: 'not_found', message: 'No domain gone.example on this account.' }));
    const domain = new Resource(() => answer(), 'Could not load the domain.');
    await domain.load();
    expect(domain.notFound).toBe(true);
    expect(domain.error).toBe('No domain gone.example on this account.');
    answer = () => Promise.reject(refused());
    await domain.load();
    expect(domain.notFound).toBe(false);
  });

  it('keeps the data on screen when a reload fails, and toasts only when asked', async () => {
    // Prepare
    let fail = false;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const users = new Resource<string[]>(() => (fail ? Promise.reject(refused()) : Promise.resolve(['ann@a.example'])), 'Could not load the users.');
    await users.load();
    fail = true;
    // Act
    await users.load();
    // Assess: quiet background reload
    expect(users.data).toEqual(['ann@a.example']);
    expect(users.error).toBeNull();
    expect(users.refreshError).toBe('PurelyMail is not answering.');
    expect(toasts.items).toHaveLength(0);
    // Act: a person pressed Refresh
    await users.load({ toast: true });
    // Assess
    expect(toasts.items.map((t) => [t.kind, t.message, t.detail])).toEqual([['error', 'PurelyMail is not answering.', 'Request ID: r-9']]);
    expect(errors).toHaveBeenCalledOnce();
    // Act: the next good answer clears the problem
    fail = false;
    await users.load();
    expect(users.refreshError).toBeNull();
  });

  it('keeps only the newest answer when an older request answers last', async () => {
    // Prepare
    const { fetcher, pending } = controlled<string>();
    const audit = new Resource(fetcher, 'Could not load the audit log.');
    const first = audit.load({ reset: true });
    const second = audit.load({ reset: true });
    // Act: the newer request answers first, then the older one
    pending[1]!.resolve('entries for actor=ann');
    await second;
    pending[0]!.resolve('entries without filters');
    // Assess
    expect(await first).toBe(false);
    expect(audit.data).toBe('entries for actor=ann');
    expect(audit.loading).toBe(false);
  });

  it('ignores a failure of a request that was overtaken', async () => {
    const { fetcher, pending } = controlled<string>();
    const job = new Resource(fetcher, 'Could not load the job.');
    const first = job.load();
    const second = job.load();
    pending[1]!.resolve('job 2');
    await second;
    pending[0]!.reject(refused());
    await first;
    expect(job.data).toBe('job 2');
    expect(job.refreshError).toBeNull();
  });

  it('keeps its data on UNCHANGED (a 304) and calls onload only for new data', async () => {
    // Prepare
    const answers: (string | typeof UNCHANGED)[] = ['v1', UNCHANGED, 'v2'];
    const seen: string[] = [];
    const jobs = new Resource(async () => answers.shift()!, 'Could not load the jobs.', { onload: (d) => seen.push(d) });
    // Act
    await jobs.load();
    await jobs.load();
    const afterUnchanged = jobs.data;
    await jobs.load();
    // Assess
    expect(afterUnchanged).toBe('v1');
    expect(jobs.data).toBe('v2');
    expect(seen).toEqual(['v1', 'v2']);
  });

  it('asks for fresh data when it has none, so a conditional fetcher never leaves it empty', async () => {
    const asked: boolean[] = [];
    const log = new Resource(async (fresh) => {
      asked.push(fresh);
      return fresh ? 'lines' : UNCHANGED;
    }, 'Could not load the log.');
    await log.load();
    await log.load();
    await log.load({ reset: true });
    expect(asked).toEqual([true, false, true]);
    expect(log.data).toBe('lines');
  });

  it('reset forgets the previous item while the next one loads', async () => {
    const { fetcher, pending } = controlled<string>();
    const domain = new Resource(fetcher, 'Could not load the domain.');
    const a = domain.load();
    pending[0]!.resolve('a.example');
    await a;
    const b = domain.load({ reset: true });
    expect(domain.data).toBeNull();
    expect(domain.loading).toBe(true);
    pending[1]!.resolve('b.example');
    await b;
    expect(domain.data).toBe('b.example');
  });

  it('set() puts a saved answer in place and wins over a load still in flight', async () => {
    const { fetcher, pending } = controlled<{ version: number }>();
    const seen: number[] = [];
    const settings = new Resource(fetcher, 'Could not load the settings.', { onload: (s) => seen.push(s.version) });
    const inFlight = settings.load();
    settings.set({ version: 3 });
    pending[0]!.resolve({ version: 2 });
    await inFlight;
    expect(settings.data).toEqual({ version: 3 });
    expect(seen).toEqual([3]);
  });
});

describe('polled', () => {
  it('sends the last ETag, keeps the data on a 304, and asks without an ETag for a fresh load', async () => {
    // Prepare: a server whose resource changes once.
    let version = 1;
    const asked: (string | null)[] = [];
    const poll = async (etag: string | null) => {
      asked.push(etag);
      const now = `"v${version}"`;
      return etag === now ? { unchanged: true as const, etag } : { unchanged: false as const, etag: now, data: `jobs v${version}` };
    };
    const jobs = new Resource(polled(poll), 'Could not load the jobs.');
    // Act
    await jobs.load();
    await jobs.load();
    version = 2;
    await jobs.load();
    await jobs.load({ reset: true });
    // Assess
    expect(asked).toEqual([null, '"v1"', '"v1"', null]);
    expect(jobs.data).toBe('jobs v2');
  });
});
