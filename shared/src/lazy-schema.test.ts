import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { lazySchema } from './lazy-schema.ts';

describe('lazySchema', () => {
  it('builds the schema on first use only, once', () => {
    let builds = 0;
    const Name = lazySchema(() => (builds++, z.string().trim().min(1, 'is required')));
    expect(builds).toBe(0);
    expect(Name.parse('  Ann ')).toBe('Ann');
    expect(Name.safeParse('  ').success).toBe(false);
    expect(builds).toBe(1);
  });

  it('works wherever the schema itself does: composed, extended, wrapped, instanceof, error messages', () => {
    const Email = lazySchema(() => z.email('is not an email'));
    const Person = lazySchema(() => z.strictObject({ name: z.string(), email: Email }));
    const WithAge = lazySchema(() => Person.extend({ age: z.number().int().optional() }));
    expect(WithAge.parse({ name: 'Ann', email: 'ann@example.com', age: 3 })).toEqual({ name: 'Ann', email: 'ann@example.com', age: 3 });
    const bad = WithAge.safeParse({ name: 'Ann', email: 'nope', extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['email', 'is not an email']);
    expect(bad.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
    expect(z.array(Email).optional().parse(undefined)).toBeUndefined();
    expect(Person instanceof z.ZodObject).toBe(true);
    expect(Object.keys(Person.shape)).toEqual(['name', 'email']);
    type Person = z.infer<typeof Person>;
    const typed: Person = { name: 'x', email: 'x@example.com' };
    expect(Person.parse(typed)).toEqual(typed);
  });
});
