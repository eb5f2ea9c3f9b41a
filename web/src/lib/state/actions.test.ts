import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api-error.ts';
import { toasts } from './toasts.svelte.ts';
import { Actions } from './actions.svelte.ts';

afterEach(() => {
  vi.restoreAllMocks();
  for (const t of toasts.items) toasts.dismiss(t.id);
});

describe('Actions', () => {
  it('says which action runs, runs one at a time, and resolves whether it finished', async () => {
    // Prepare
    const actions = new Actions();
    let release!: () => void;
    // Act
    const sync = actions.run('sync', () => new Promise<void>((r) => (release = r)), 'Could not sync.');
    const other = await actions.run('recheck', async () => undefined, 'Could not re-check.');
    // Assess
    expect(actions.is('sync')).toBe(true);
    expect(actions.is('recheck')).toBe(false);
    expect(other).toBe(false);
    release();
    expect(await sync).toBe(true);
    expect(actions.running).toBeNull();
  });

  it('tells a failure as an error toast with the server’s words and the request id', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const actions = new Actions();
    const done = await actions.run('sync', () => Promise.reject(new ApiError(502, { code: 'http_502', message: 'PurelyMail did not answer.', requestId: 'q-1' })), 'Could not sync.');
    expect(done).toBe(false);
    expect(actions.running).toBeNull();
    expect(toasts.items.map((t) => [t.kind, t.message, t.detail])).toEqual([['error', 'PurelyMail did not answer.', 'Request ID: q-1']]);
  });
});
