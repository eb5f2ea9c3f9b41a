import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error.ts';
import { STALE_MESSAGE } from './form-state.svelte.ts';
import { SettingsForm } from './settings-form.svelte.ts';

type Settings = { concurrency: number; version: number };

/** A stand-in for the server: the stored record, and saves that check the version like the API does. */
function server(initial: Settings) {
  let stored = { ...initial };
  return {
    load: async () => ({ ...stored }),
    save: async (input: Settings): Promise<Settings> => {
      if (input.version !== stored.version) throw new ApiError(409, { code: 'stale_version', message: 'Someone else changed this meanwhile. Reload and try again.' });
      stored = { concurrency: input.concurrency, version: stored.version + 1 };
      return { ...stored };
    },
    elsewhere: (concurrency: number) => (stored = { concurrency, version: stored.version + 1 }),
  };
}

const setup = (api: ReturnType<typeof server>) =>
  new SettingsForm<Settings, { concurrency: string }>({
    load: api.load,
    toDraft: (s) => ({ concurrency: String(s.concurrency) }),
    loadFailure: 'Could not load the migration settings.',
    saveFailure: 'Could not save the migration settings.',
  });

describe('SettingsForm', () => {
  it('copies the loaded record into the draft, knows when it differs, and discards back to it', async () => {
    const settings = setup(server({ concurrency: 4, version: 1 }));
    await settings.record.load();
    expect(settings.draft).toEqual({ concurrency: '4' });
    expect(settings.dirty).toBe(false);
    settings.draft.concurrency = '6';
    expect(settings.dirty).toBe(true);
    settings.discard();
    expect(settings.draft).toEqual({ concurrency: '4' });
    expect(settings.dirty).toBe(false);
  });

  it('saves with the version it read; the answer becomes the record and the draft', async () => {
    const api = server({ concurrency: 4, version: 1 });
    const settings = setup(api);
    await settings.record.load();
    settings.draft.concurrency = '6';
    const ok = await settings.form.submit(async () => settings.saved(await api.save({ concurrency: Number(settings.draft.concurrency), version: settings.record.data!.version })));
    expect(ok).toBe(true);
    expect(settings.record.data).toEqual({ concurrency: 6, version: 2 });
    expect(settings.dirty).toBe(false);
  });

  it('on a stale version loads what someone else saved into the draft and says so', async () => {
    // Prepare
    const api = server({ concurrency: 4, version: 1 });
    const settings = setup(api);
    await settings.record.load();
    settings.draft.concurrency = '6';
    api.elsewhere(10);
    // Act
    const ok = await settings.form.submit(async () => settings.saved(await api.save({ concurrency: Number(settings.draft.concurrency), version: settings.record.data!.version })));
    // Assess
    expect(ok).toBe(false);
    expect(settings.record.data).toEqual({ concurrency: 10, version: 2 });
    expect(settings.draft).toEqual({ concurrency: '10' });
    expect(settings.form.problem).toEqual({ message: STALE_MESSAGE, tone: 'warning' });
    // Act: saving again now works
    settings.draft.concurrency = '6';
    expect(await settings.form.submit(async () => settings.saved(await api.save({ concurrency: 6, version: settings.record.data!.version })))).toBe(true);
  });
});
