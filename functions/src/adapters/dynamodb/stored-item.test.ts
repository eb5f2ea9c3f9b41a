import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { StoredItemInvalidError } from '../../modules/errors.ts';
import { createJsonLogger } from '../../platform/logger.ts';
import { itemReader, jsonText, orNull } from './stored-item.ts';

const SECRET = 'v1:local:CANARY-sealed-blob';
const Server = z.object({ id: z.string(), port: z.number().int(), sealed: z.string(), notes: orNull(z.string()) });
const good = (id: string) => ({ pk: `MIGSERVER#${id}`, sk: 'SERVER', id, port: 993, sealed: SECRET });
const bad = (id: string) => ({ ...good(id), port: SECRET });

function setup(opts: { secretKey?: boolean } = {}) {
  const lines: string[] = [];
  const reader = itemReader({ logger: createJsonLogger({ write: (l) => lines.push(l) }) }, 'IMAP server', Server, opts);
  return { reader, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('items are checked against their schema when read back', () => {
  it('reads a fitting item as the record (keys dropped, an absent nullable attribute as null)', () => {
    const { reader, lines } = setup();
    expect(reader.one(good('srv_1'))).toEqual({ id: 'srv_1', port: 993, sealed: SECRET, notes: null });
    expect(reader.many([good('srv_1'), good('srv_2')])).toHaveLength(2);
    expect(lines).toEqual([]);
  });

  it('read on its own, an item that does not fit is a StoredItemInvalidError that names its kind, logged once with key and field', () => {
    const { reader, parsed } = setup();
    expect(() => reader.one(bad('srv_1'))).toThrow(StoredItemInvalidError);
    expect(() => reader.one(bad('srv_1'))).toThrow(/^The stored IMAP server could not be read/);
    expect(parsed()).toEqual([
      expect.objectContaining({ level: 'warn', message: 'stored item could not be read', kind: 'IMAP server', key: 'MIGSERVER#srv_1 SERVER', field: 'port', problem: expect.stringMatching(/expected number/) }),
    ]);
  });

  it('in a list, items that do not fit are left out and counted; each is logged once, one line per list read', () => {
    const { reader, parsed } = setup();
    expect(reader.many([good('srv_1'), bad('srv_2'), good('srv_3')]).map((s) => s.id)).toEqual(['srv_1', 'srv_3']);
    expect(reader.many([good('srv_1'), bad('srv_2'), good('srv_3')]).map((s) => s.id)).toEqual(['srv_1', 'srv_3']);
    expect(parsed()).toHaveLength(1);
    expect(reader.many([bad('srv_2'), bad('srv_4')])).toEqual([]);
    const lines = parsed();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ message: 'stored items could not be read; they are left out of the list', leftOut: 1, of: 3, items: [{ key: 'MIGSERVER#srv_2 SERVER', field: 'port' }] });
    // The second line counts both, and names only the one not logged before.
    expect(lines[1]).toMatchObject({ leftOut: 2, of: 2, items: [{ key: 'MIGSERVER#srv_4 SERVER', field: 'port' }] });
  });

  it('where absence is safe, an item that does not fit counts as absent (and is logged)', () => {
    const { reader, parsed } = setup();
    expect(reader.oneOrAbsent(undefined)).toBeUndefined();
    expect(reader.oneOrAbsent(bad('srv_1'))).toBeUndefined();
    expect(reader.oneOrAbsent(good('srv_1'))).toMatchObject({ id: 'srv_1' });
    expect(parsed()).toEqual([expect.objectContaining({ message: 'stored item could not be read; it counts as absent', key: 'MIGSERVER#srv_1 SERVER' })]);
  });

  it('never logs a value, and only the beginning of a key derived from a secret', () => {
    const hash = 'a3f1c9'.repeat(10);
    const { reader, lines } = setup({ secretKey: true });
    reader.oneOrAbsent({ ...bad('x'), pk: `SESSION#${hash}`, sk: 'SESSION' });
    reader.many([{ ...bad('y'), sealed: 42, pk: `SESSION#${hash}x`, sk: 'SESSION' }]);
    expect(lines).toHaveLength(2);
    const text = lines.join('\n');
    expect(text).not.toContain('CANARY');
    expect(text).not.toContain(hash.slice(0, 12));
    expect(text).toContain('SESSION#a3f1c9… SESSION');
  });

  it('reads JSON text attributes through their schema; text that is not JSON is a problem, never logged', () => {
    const Listed = z.object({ json: jsonText.pipe(z.array(z.string())) });
    const lines: string[] = [];
    const reader = itemReader({ logger: createJsonLogger({ write: (l) => lines.push(l) }) }, 'cached user list', Listed);
    expect(reader.one({ json: '["ann@a.example"]' })).toEqual({ json: ['ann@a.example'] });
    expect(() => reader.one({ pk: 'CACHE', sk: 'USERS', json: `{"${SECRET}` })).toThrow(StoredItemInvalidError);
    expect(() => reader.one({ pk: 'CACHE', sk: 'USERS2', json: '[1]' })).toThrow(StoredItemInvalidError);
    expect(lines.map((l) => JSON.parse(l) as { field: string; problem: string })).toEqual([
      expect.objectContaining({ field: 'json', problem: 'is not valid JSON' }),
      expect.objectContaining({ field: 'json.0', problem: expect.stringMatching(/expected string/) }),
    ]);
    expect(lines.join('\n')).not.toContain('CANARY');
  });
});
