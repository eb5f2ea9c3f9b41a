import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../../lib/api/api-error.ts';
import { UnsavedRowError, UnsavedRows } from './unsaved-rows.svelte.ts';

describe('UnsavedRows', () => {
  it('saves every typed row before jobs are created', async () => {
    const saved: string[] = [];
    const rows = new UnsavedRows();
    rows.set('a', { label: 'ann@old.example', save: async () => void saved.push('a') });
    rows.set('b', { label: 'ben@old.example', save: async () => void saved.push('b') });
    expect(rows.count).toBe(2);
    expect(await rows.saveAll()).toBe(2);
    expect(saved).toEqual(['a', 'b']);
    expect(rows.count).toBe(0);
  });

  it('stops at a refused row and names it, keeping it unsaved', async () => {
    const rows = new UnsavedRows();
    let laterSaved = false;
    rows.set('a', { label: 'ann@old.example', save: () => Promise.reject(new ApiError(400, { code: 'validation', message: 'destEmail is not a valid email address.' })) });
    rows.set('b', { label: 'ben@old.example', save: async () => void (laterSaved = true) });
    const err = await rows.saveAll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsavedRowError);
    expect((err as Error).message).toBe('Could not save the destination of ann@old.example: destEmail is not a valid email address. No jobs were created.');
    expect(laterSaved).toBe(false);
    expect(rows.labels).toEqual(['ann@old.example', 'ben@old.example']);
  });

  it('forgets a row set back to what is saved', () => {
    const rows = new UnsavedRows();
    rows.set('a', { label: 'ann@old.example', save: async () => {} });
    rows.set('a', null);
    expect(rows.count).toBe(0);
  });
});
