import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPendingFixture, type PendingFixture } from './pending-fixture.ts';

const DAY = 24 * 3600_000;
const by = 'owner@example.com';

/** Reads "To" and "Subject" from the .eml files (nodemailer may fold long headers). */
const mails = (before: Map<string, string>, now: Map<string, string>) =>
  [...now].filter(([file]) => !before.has(file)).map(([, eml]) => {
    const headers = eml.slice(0, eml.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1]?.trim() ?? '';
    return { to: header('To'), subject: header('Subject'), eml };
  });

describe('pending actions notify every admin once', () => {
  let f: PendingFixture;
  beforeAll(async () => {
    f = await startPendingFixture();
    await f.refreshCache();
  });
  afterAll(() => f.close());

  it('a duplicate request and a duplicate execution send one email per admin per event', async () => {
    // Prepare
    const before = f.outbox();
    const input = { kind: 'delete-user' as const, target: 'lena@northwind.example', label: 'Delete user lena@northwind.example', requestedBy: by };
    // Act: a double-click, then the timer and the sweeper deliver the execution together.
    const [first, second] = await Promise.all([f.pending.requestOnce(input), f.pending.requestOnce({ ...input, requestedBy: 'second@example.com' })]);
    f.clock.advance(DAY);
    await Promise.all([f.pending.executeDue(first.action.id), f.pending.executeDue(first.action.id), f.pending.sweep()]);
    // Assess
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const sent = mails(before, f.outbox());
    expect(sent.map((m) => `${m.to} ${m.subject}`).sort()).toEqual([
      'owner@example.com Deletion done: Delete user lena@northwind.example',
      'owner@example.com Deletion scheduled: Delete user lena@northwind.example',
      'second@example.com Deletion done: Delete user lena@northwind.example',
      'second@example.com Deletion scheduled: Delete user lena@northwind.example',
    ]);
    const scheduled = sent.find((m) => m.subject.startsWith('Deletion scheduled'))!.eml;
    // The link comes from the configured panel URL, never from a request's Host header.
    expect(scheduled).toContain('https://panel.example/pending');
    expect(scheduled).toContain(first.action.executeAt.slice(0, 16).replace('T', ' '));
  });

  it('a failed execution mails the reason; a cancelled action mails its cancellation once and nothing more', async () => {
    const before = f.outbox();
    const failing = await f.pending.requestOnce({ kind: 'delete-domain', target: 'pinecone.example', label: 'Delete domain pinecone.example', requestedBy: by });
    const cancelled = await f.pending.requestOnce({ kind: 'delete-user', target: 'mateo@northwind.example', label: 'Delete user mateo@northwind.example', requestedBy: by });
    await f.pending.cancel(cancelled.action.id, by);
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(failing.action.id)).toBe('failed');
    expect(await f.pending.executeDue(cancelled.action.id)).toBe('skipped');
    const sent = mails(before, f.outbox());
    expect(sent.filter((m) => m.subject.startsWith('Deletion failed')).map((m) => m.to).sort()).toEqual(['owner@example.com', 'second@example.com']);
    expect(sent.find((m) => m.subject.startsWith('Deletion failed'))!.eml).toMatch(/still has \d+ user/);
    // The request, then its cancellation, to each admin; the skipped execution sends nothing.
    expect(sent.filter((m) => m.subject.includes('mateo')).map((m) => `${m.to} ${m.subject}`).sort()).toEqual([
      'owner@example.com Deletion cancelled: Delete user mateo@northwind.example',
      'owner@example.com Deletion scheduled: Delete user mateo@northwind.example',
      'second@example.com Deletion cancelled: Delete user mateo@northwind.example',
      'second@example.com Deletion scheduled: Delete user mateo@northwind.example',
    ]);
  });

  it('a cancellation mails exactly the admins who were told it was scheduled, with who cancelled it', async () => {
    const before = f.outbox();
    const { action } = await f.pending.requestOnce({ kind: 'delete-user', target: 'nina@northwind.example', label: 'Delete user nina@northwind.example', requestedBy: by });
    // An admin added after the "scheduled" email was never told, so is not told of the cancellation either.
    f.admins.push('later@example.com');
    try {
      await f.pending.cancel(action.id, 'second@example.com');
      // A second cancel is refused and sends nothing more.
      await expect(f.pending.cancel(action.id, by)).rejects.toThrow(/already was cancelled by second@example\.com/);
    } finally {
      f.admins.pop();
    }
    const sent = mails(before, f.outbox()).filter((m) => m.subject.startsWith('Deletion cancelled'));
    expect(sent.map((m) => m.to).sort()).toEqual(['owner@example.com', 'second@example.com']);
    expect(sent[0]!.subject).toBe('Deletion cancelled: Delete user nina@northwind.example');
    const eml = sent[0]!.eml.replace(/=\r\n/g, '').replace(/=3D/g, '='); // quoted-printable soft breaks
    expect(eml).toContain('second@example.com cancelled a scheduled deletion. Nothing was deleted, and it will not run.');
    expect(eml).toContain('Cancelled by: second@example.com');
    expect(eml).toContain('https://panel.example/pending');
  });

  it('a deleted domain leaves DNS health tracking; a refused deletion keeps it', async () => {
    const refused = await f.pending.requestOnce({ kind: 'delete-domain', target: 'northwind.example', label: 'Delete domain northwind.example', requestedBy: by });
    const { action } = await f.pending.requestOnce({ kind: 'delete-domain', target: 'lumen.example', label: 'Delete domain lumen.example', requestedBy: by });
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(refused.action.id)).toBe('failed');
    expect(await f.pending.executeDue(action.id)).toBe('done');
    expect(f.untracked).toEqual(['lumen.example']);
  });
});
