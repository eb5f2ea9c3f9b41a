import { describe, expect, it } from 'vitest';
import { createEventBus } from './events.ts';
import { createJsonLogger } from './logger.ts';

interface Events {
  Rang: { n: number };
  Other: { s: string };
}

describe('the event bus', () => {
  it('runs subscribers in the order they were added, after one another, with the payload', async () => {
    const bus = createEventBus<Events>(createJsonLogger({ level: 'silent' }));
    const log: string[] = [];
    bus.on('Rang', async ({ n }) => {
      await new Promise((r) => setTimeout(r, 20));
      log.push(`first ${n}`);
    });
    bus.on('Rang', async ({ n }) => void log.push(`second ${n}`));
    bus.on('Other', async ({ s }) => void log.push(`other ${s}`));
    await bus.emit('Rang', { n: 1 });
    expect(log).toEqual(['first 1', 'second 1']);
    await bus.emit('Other', { s: 'x' });
    expect(log).toEqual(['first 1', 'second 1', 'other x']);
  });

  it('a failing subscriber is logged and the others still run; emit never rejects', async () => {
    const lines: string[] = [];
    const bus = createEventBus<Events>(createJsonLogger({ level: 'error', write: (l) => lines.push(l) }));
    const ran: string[] = [];
    bus.on('Rang', async () => {
      throw new Error('mail server down');
    });
    bus.on('Rang', async () => void ran.push('after'));
    await expect(bus.emit('Rang', { n: 2 })).resolves.toBeUndefined();
    expect(ran).toEqual(['after']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', message: 'event subscriber failed', event: 'Rang', error: 'mail server down' });
  });

  it('an event nobody subscribed to does nothing', async () => {
    await expect(createEventBus<Events>(createJsonLogger({ level: 'silent' })).emit('Other', { s: 'y' })).resolves.toBeUndefined();
  });
});
