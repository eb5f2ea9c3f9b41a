import { describe, expect, it } from 'vitest';
import type { ServerList } from '@app/shared';
import { defaultServers } from './default-servers.ts';

const server = (id: string, name: string, host: string) => ({ id, name, host }) as ServerList['servers'][number];
const presets = [{ name: 'PurelyMail', host: 'imap.purelymail.com', port: 993, tls: 'ssl', verifyCert: true }] as ServerList['presets'];

describe('defaultServers', () => {
  it('copies from another server into PurelyMail, found by its preset host', () => {
    const list = { presets, servers: [server('pm', 'Our mail', 'imap.purelymail.com'), server('old', 'Old host', 'mail.old.example')] };
    expect(defaultServers(list)).toEqual({ source: 'old', dest: 'pm' });
  });

  it('finds PurelyMail by name when it is saved under another host (a lab or a proxy)', () => {
    const list = { presets, servers: [server('old', 'Old host', '127.0.0.1'), server('lab', 'PurelyMail lab', '127.0.0.1')] };
    expect(defaultServers(list)).toEqual({ source: 'old', dest: 'lab' });
  });

  it('without PurelyMail takes the first two servers, and with one server uses it for both', () => {
    expect(defaultServers({ presets, servers: [server('a', 'A', 'a.example'), server('b', 'B', 'b.example')] })).toEqual({ source: 'a', dest: 'b' });
    expect(defaultServers({ presets, servers: [server('a', 'A', 'a.example')] })).toEqual({ source: 'a', dest: 'a' });
    expect(defaultServers({ presets, servers: [] })).toEqual({ source: '', dest: '' });
  });
});
