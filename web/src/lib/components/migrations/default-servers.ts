import type { ServerList } from '@app/shared';

/**
 * The servers a new job, import or campaign starts with: PurelyMail (a saved server at a preset's host, or
 * one named after it) as the destination, another saved server as the source. Empty ids when none is saved.
 */
export function defaultServers(list: ServerList): { source: string; dest: string } {
  const purelymail = list.servers.find((s) => list.presets.some((p) => p.host === s.host)) ?? list.servers.find((s) => /purelymail/i.test(s.name));
  const source = list.servers.find((s) => s.id !== purelymail?.id)?.id ?? list.servers[0]?.id ?? '';
  const dest = purelymail?.id ?? list.servers.find((s) => s.id !== source)?.id ?? source;
  return { source, dest };
}
