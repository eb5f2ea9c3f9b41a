import type { CreateServerInput, ServerProfile, UpdateServerInput } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { newId } from './ids.ts';
import type { ImapTargetGuard, JobStore, ServerStore } from './ports.ts';

/**
 * IMAP server profiles.
 * Create/update: 1. Check the host and port against the private-address rule  2. Write (update: conditional on version).
 * Delete: 1. Refuse while a job uses the server  2. Delete.
 */
export function makeManageServers(deps: { servers: ServerStore; jobs: JobStore; guard: ImapTargetGuard; clock: Clock }) {
  const checkTarget = async (host: string, port: number) => {
    const verdict = await deps.guard.check(host, port);
    if (!verdict.ok) throw new ValidationError(verdict.message, [{ path: verdict.field ?? 'host', message: verdict.message }]);
  };
  const get = async (id: string): Promise<ServerProfile> => {
    const s = await deps.servers.get(id);
    if (!s) throw new NotFoundError('There is no such server.');
    return s;
  };
  return {
    list: async () => (await deps.servers.list()).sort((a, b) => a.name.localeCompare(b.name)),
    get,
    async create(input: CreateServerInput): Promise<ServerProfile> {
      await checkTarget(input.host, input.port);
      const now = deps.clock.now().toISOString();
      const server: ServerProfile = { id: newId('srv', deps.clock.now()), ...input, createdAt: now, updatedAt: now, version: 1 };
      await deps.servers.create(server);
      return server;
    },
    async update(id: string, input: UpdateServerInput): Promise<ServerProfile> {
      const current = await get(id);
      if (current.version !== input.version) throw new ConflictError('Someone else changed this server meanwhile. Reload and try again.', 'stale_version');
      const { version: _v, ...changes } = input;
      const next: ServerProfile = { ...current, ...changes, updatedAt: deps.clock.now().toISOString(), version: current.version + 1 };
      await checkTarget(next.host, next.port);
      await deps.servers.update(next, current.version);
      return next;
    },
    async delete(id: string): Promise<void> {
      await get(id);
      const users = (await deps.jobs.list()).filter((j) => j.source.serverId === id || j.dest.serverId === id);
      if (users.length) throw new ConflictError(`${users.length} job(s) use this server; delete them first.`, 'server_in_use');
      await deps.servers.delete(id);
    },
  };
}
export type ManageServers = ReturnType<typeof makeManageServers>;
