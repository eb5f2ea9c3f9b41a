import type { PendingAction } from '@app/shared';
import type { CacheStore } from '../cache/ports.ts';
import { PurelyMailApiError, PurelyMailUnavailableError } from '../purelymail/errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';

/** What running an action came to: done (perhaps because it was already gone) or failed with a reason. */
export type ActionOutcome = { ok: true; note?: string } | { ok: false; reason: string };

interface RunDeps {
  purelymail: PurelyMail;
  cache: CacheStore;
}

/** The cache is a convenience: if writing it fails, the next refresh corrects it; the deletion stands. */
const bestEffort = (p: Promise<unknown>) => p.catch(() => undefined);

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * Calls PurelyMail's delete; when PurelyMail refuses, a fresh list decides: already gone counts as done
 * (a second delivery, or someone deleted it in PurelyMail's console), still there means it failed.
 */
async function deleteOrGone(call: () => Promise<void>, stillThere: () => Promise<boolean>): Promise<ActionOutcome> {
  try {
    await call();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof PurelyMailApiError)) throw err;
    if (!(await stillThere())) return { ok: true, note: 'It was already gone from PurelyMail.' };
    return { ok: false, reason: `PurelyMail refused: ${err.message}` };
  }
}

async function deleteUser(deps: RunDeps, address: string): Promise<ActionOutcome> {
  const outcome = await deleteOrGone(
    () => deps.purelymail.deleteUser({ userName: address }),
    async () => (await deps.purelymail.listUser()).users.some((u) => u.toLowerCase() === address),
  );
  if (outcome.ok) await bestEffort(deps.cache.removeUser(address));
  return outcome;
}

async function deleteDomain(deps: RunDeps, name: string): Promise<ActionOutcome> {
  // deleteDomain would take every user and their mail with it: refuse while any remain.
  const remaining = (await deps.purelymail.listUser()).users.filter((u) => domainOf(u) === name).length;
  if (remaining > 0) {
    return { ok: false, reason: `${name} still has ${remaining} user${remaining === 1 ? '' : 's'}. Delete or move them first, then request the deletion again.` };
  }
  const outcome = await deleteOrGone(
    () => deps.purelymail.deleteDomain({ name }),
    async () => (await deps.purelymail.listDomains({ includeShared: false })).domains.some((d) => d.name.toLowerCase() === name),
  );
  if (outcome.ok) await bestEffort(forgetDomain(deps, name));
  return outcome;
}

async function forgetDomain(deps: RunDeps, name: string): Promise<void> {
  await deps.cache.removeDomain(name);
  // PurelyMail may drop the domain's rules with it ("dependent settings"): mirror what it now has.
  const rules = await deps.purelymail.listRoutingRules();
  for (const cached of (await deps.cache.read()).rules?.rules ?? []) {
    if (cached.domainName.toLowerCase() === name && !rules.rules.some((r) => r.id === cached.id)) await deps.cache.removeRule(cached.id);
  }
}

async function deleteRoutingRule(deps: RunDeps, target: string): Promise<ActionOutcome> {
  const routingRuleId = Number(target);
  if (!Number.isInteger(routingRuleId) || routingRuleId <= 0) return { ok: false, reason: `"${target}" is not a routing rule id.` };
  const outcome = await deleteOrGone(
    () => deps.purelymail.deleteRoutingRule({ routingRuleId }),
    async () => (await deps.purelymail.listRoutingRules()).rules.some((r) => r.id === routingRuleId),
  );
  if (outcome.ok) await bestEffort(deps.cache.removeRule(routingRuleId));
  return outcome;
}

/**
 * Runs one claimed action against PurelyMail and writes the result through to the cache.
 * PurelyMail being unreachable is a failure with a reason (never a silent retry that could double-delete).
 */
export const makeRunAction =
  (deps: RunDeps) =>
  async (action: PendingAction): Promise<ActionOutcome> => {
    try {
      if (action.kind === 'delete-user') return await deleteUser(deps, action.target);
      if (action.kind === 'delete-domain') return await deleteDomain(deps, action.target);
      return await deleteRoutingRule(deps, action.target);
    } catch (err) {
      if (err instanceof PurelyMailUnavailableError) {
        return { ok: false, reason: `PurelyMail could not be reached (${err.reason}). Refresh to see whether it happened, then request it again if needed.` };
      }
      if (err instanceof PurelyMailApiError) return { ok: false, reason: `PurelyMail refused: ${err.message}` };
      throw err;
    }
  };
