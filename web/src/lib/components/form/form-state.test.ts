import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ApiError } from '../../api/api-error.ts';
import { FormState, STALE_MESSAGE } from './form-state.svelte.ts';

const invalidInput = (...fields: [string, string][]) =>
  new ApiError(400, { code: 'invalid_input', message: 'Some fields are invalid.', fields: fields.map(([path, message]) => ({ path, message })) });

describe('FormState.submit', () => {
  it('resolves true after the action, false when the action keeps the form (returns false)', async () => {
    const form = new FormState({ failure: 'Could not save.' });
    expect(await form.submit(async () => undefined)).toBe(true);
    expect(await form.submit(() => form.invalid({ name: 'is required' }) && false)).toBe(false);
    expect(form.fields).toEqual({ name: 'is required' });
    expect(form.busy).toBe(false);
  });

  it('runs one action at a time and is busy while it runs', async () => {
    // Prepare
    const form = new FormState({ failure: 'Could not save.' });
    let release!: () => void;
    let runs = 0;
    const action = () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    };
    // Act
    const first = form.submit(action);
    const second = await form.submit(action);
    // Assess
    expect(form.busy).toBe(true);
    expect(second).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(runs).toBe(1);
    expect(form.busy).toBe(false);
  });

  it('puts server field errors next to their fields, and an error without fields above the buttons', async () => {
    // Prepare
    const form = new FormState({ failure: 'Could not add the admin.' });
    // Act
    await form.submit(() => Promise.reject(invalidInput(['email', 'is not a valid email address'])));
    // Assess
    expect(form.fields).toEqual({ email: 'is not a valid email address' });
    expect(form.problem).toBeNull();
    // Act: no fields, a server message
    await form.submit(() => Promise.reject(new ApiError(409, { code: 'domain_exists', message: 'x.example is already on your account.' })));
    expect(form.fields).toEqual({});
    expect(form.problem).toEqual({ message: 'x.example is already on your account.' });
    // Act: not an API error at all
    await form.submit(() => Promise.reject(new TypeError('boom')));
    expect(form.problem).toEqual({ message: 'Could not add the admin.' });
  });

  it('maps field paths to the form’s fields, and shows what has no field above the buttons', async () => {
    const form = new FormState({
      failure: 'Could not save the rule.',
      field: (p) => (p.startsWith('targetAddresses') ? 'targetAddresses' : p === '(body)' ? undefined : p),
    });
    await form.submit(() => Promise.reject(invalidInput(['targetAddresses.1', 'is not an address'], ['targetAddresses.2', 'neither'])));
    expect(form.fields).toEqual({ targetAddresses: 'is not an address' });
    expect(form.problem).toBeNull();
    await form.submit(() => Promise.reject(invalidInput(['(body)', 'is not JSON'])));
    expect(form.problem).toEqual({ message: 'Some fields are invalid.' });
  });

  it('with summary, shows the server’s message above the buttons as well as next to the fields', async () => {
    const form = new FormState({ failure: 'Could not confirm it’s you.', summary: true });
    await form.submit(() => Promise.reject(new ApiError(400, { code: 'invalid_input', message: 'The password is not right.', fields: [{ path: 'password', message: 'is wrong' }] })));
    expect(form.fields).toEqual({ password: 'is wrong' });
    expect(form.problem).toEqual({ message: 'The password is not right.' });
  });

  it('uses the form’s own words for a known refusal', async () => {
    const form = new FormState({
      failure: 'Could not add the domain.',
      explain: (err) => (err instanceof ApiError && err.code === 'ownership_not_verified' ? { title: 'PurelyMail cannot see the ownership record yet', message: err.message, tone: 'warning' } : undefined),
    });
    await form.submit(() => Promise.reject(new ApiError(422, { code: 'ownership_not_verified', message: 'Publish a TXT record.' })));
    expect(form.problem).toEqual({ title: 'PurelyMail cannot see the ownership record yet', message: 'Publish a TXT record.', tone: 'warning' });
  });

  it('still places field messages when the form explains the problem in its own words', async () => {
    const form = new FormState({ failure: 'Could not save the credentials.', explain: (err) => ({ message: `${(err as Error).message} Type the passwords again.` }) });
    await form.submit(() => Promise.reject(invalidInput(['source.user', 'is too long'])));
    expect(form.fields).toEqual({ 'source.user': 'is too long' });
    expect(form.problem).toEqual({ message: 'Some fields are invalid. Type the passwords again.' });
  });

  it('reloads on a stale version (409) and says the latest values are loaded; other 409s are shown as they are', async () => {
    // Prepare
    let reloads = 0;
    const form = new FormState({ failure: 'Could not save the settings.', reload: async () => void reloads++ });
    // Act
    await form.submit(() => Promise.reject(new ApiError(409, { code: 'stale_version', message: 'Someone else changed the mail settings meanwhile. Reload and try again.' })));
    // Assess
    expect(reloads).toBe(1);
    expect(form.problem).toEqual({ message: STALE_MESSAGE, tone: 'warning' });
    // Act: a 409 of another kind
    await form.submit(() => Promise.reject(new ApiError(409, { code: 'mfa_not_enabled', message: 'Turn on two-factor authentication first.' })));
    expect(reloads).toBe(1);
    expect(form.problem).toEqual({ message: 'Turn on two-factor authentication first.' });
  });

  it('clears the previous problem when submitted again', async () => {
    const form = new FormState({ failure: 'Could not save.' });
    await form.submit(() => Promise.reject(new Error('x')));
    expect(form.problem).not.toBeNull();
    await form.submit(async () => undefined);
    expect(form.problem).toBeNull();
  });
});

describe('FormState.parse', () => {
  const Job = z.object({ name: z.string().min(1), source: z.object({ user: z.string().min(1), port: z.number().int() }) });

  it('returns the parsed value, or puts each issue next to its field at the given depth', () => {
    const form = new FormState({ failure: 'Could not create the job.' });
    expect(form.parse(Job, { name: 'a', source: { user: 'u', port: 1 } })).toEqual({ name: 'a', source: { user: 'u', port: 1 } });
    expect(form.parse(Job, { name: '', source: { user: '', port: 1.5 } }, 2)).toBeUndefined();
    expect(Object.keys(form.fields).sort()).toEqual(['name', 'source.port', 'source.user']);
    form.parse(Job, { name: '', source: { user: '', port: 1 } });
    expect(Object.keys(form.fields).sort()).toEqual(['name', 'source']);
  });
});

describe('FormState.recheck', () => {
  it('drops a field error once the value is valid, keeps the others, and never adds one', () => {
    const form = new FormState({ failure: 'Could not save.' });
    form.invalid({ creditAmber: 'is not an amount', creditRed: 'is not an amount' });
    form.recheck({ creditRed: 'is not an amount', deletionDelayHours: 'is too big' });
    expect(form.fields).toEqual({ creditRed: 'is not an amount' });
    form.recheck({});
    expect(form.fields).toEqual({});
  });

  it('finds a schema’s problems by field without showing them', () => {
    const schema = z.object({ amber: z.string().regex(/^\d+$/, 'is not a number'), red: z.string() });
    const form = new FormState({ failure: 'Could not save.' });
    expect(FormState.problems(schema, { amber: 'x', red: '1' })).toEqual({ amber: 'is not a number' });
    expect(form.fields).toEqual({});
  });
});
