import type { CacheStore, TrackedPart } from '../cache/ports.ts';
import { PurelyMailApiError, PurelyMailUnavailableError } from '../purelymail/errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import { domainDeletionBlocker } from '../domains/domain-users.ts';
import { listAllUsers, userExists } from '../users/user-listing.ts';
import type { StoredPendingAction } from './ports.ts';
import { ruleIdentity } from './target-identity.ts';

/**
 * What running an action came to: done (perhaps because it was already gone), failed with a reason, or
 * stale: the target now is a later life of the one the deletion was requested for, so nothing was done.
 */
export type ActionOutcome = { ok: true; note?: string } | { ok: false; reason: string; stale?: false } | { ok: false; reason: string; stale: true };

const ALREADY_GONE: ActionOutcome = { ok: true, note: 'It was already gone from PurelyMail.' };

interface RunDeps {
  purelymail: PurelyMail;
  cache: CacheStore;
}

/** The cache is a convenience: if writing it fails, the next refresh corrects it; the deletion stands. */
const bestEffort = (p: Promise<unknown>) => p.catch(() => undefined);

/**
 * Calls PurelyMail's delete; when PurelyMail refuses, a fresh look decides: already gone counts as done
 * (a second delivery, or someone deleted it in PurelyMail's console), still there means it failed. `stillThere`
 * answers undefined when it cannot tell (a list with items it could not read): that is a failure, not "gone".
 */
async function deleteOrGone(call: () => Promise<void>, stillThere: () => Promise<boolean | undefined>): Promise<ActionOutcome> {
  try {
    await call();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof PurelyMailApiError)) throw err;
    const there = await stillThere();
    if (there === false) return ALREADY_GONE;
    const unsure = there === undefined ? ' (Whether it is still there could not be read from PurelyMail.)' : '';
    return { ok: false, reason: `PurelyMail refused: ${err.message}${unsure}` };
  }
}

/**
 * Is the user or domain PurelyMail has now the life the deletion was requested for? The cache's first-seen
 * time decides; a fresh PurelyMail listing is read only when the cache disagrees, to tell "re-created" (skip)
 * from "gone" (done, nothing to delete). An action without a recorded identity, or a cache that does not
 * track first-seen times yet, cannot tell: it goes ahead, as before identities existed.
 */
async function checkLife(deps: RunDeps, part: TrackedPart, action: StoredPendingAction, listed: () => Promise<boolean | undefined>): Promise<ActionOutcome | undefined> {
  const requested = action.targetGeneration;
  if (!requested) return undefined;
  const now = await deps.cache.firstSeen(part, action.target);
  if (now === undefined || now === requested) return undefined;
  const there = await listed();
  if (there === false) return ALREADY_GONE;
  if (there === undefined) {
    return { ok: false, reason: `Not carried out: PurelyMail returned items it could not read, and the ${part === 'users' ? 'user' : 'domain'} may be one of them, so the panel cannot tell which ${action.target} this is. Nothing was deleted; request it again once the domain list reads cleanly.` };
  }
  // A user the cache no longer lists while its list is capped may be past the cap: the cache cannot tell.
  if (there === true && now === null && part === 'users' && (await deps.cache.read(['users'])).users?.capped) return undefined;
  const what = part === 'users' ? `user ${action.target}` : `domain ${action.target}`;
  return {
    ok: false,
    stale: true,
    reason: `Not carried out: the ${what} was deleted and created again after this deletion was requested (the one meant was first seen ${requested}; the current one ${now ? `was first seen ${now}` : 'appeared since'}). Request a new deletion to delete it.`,
  };
}

async function deleteUser(deps: RunDeps, action: StoredPendingAction): Promise<ActionOutcome> {
  const address = action.target;
  // getUser, never listUser: a user past listUser's 1,000 cap would look already gone.
  const listed = () => userExists(deps.purelymail, address);
  const stale = await checkLife(deps, 'users', action, listed);
  if (stale) return stale;
  const outcome = await deleteOrGone(
    () => deps.purelymail.deleteUser({ userName: address }),
    listed,
  );
  if (outcome.ok) await bestEffort(deps.cache.removeUser(address));
  return outcome;
}

async function deleteDomain(deps: RunDeps, action: StoredPendingAction): Promise<ActionOutcome> {
  const name = action.target;
  const listed = async () => {
    const { domains, unreadable } = await deps.purelymail.listDomains({ includeShared: false });
    return domains.some((d) => d.name.toLowerCase() === name) ? true : unreadable ? undefined : false;
  };
  const stale = await checkLife(deps, 'domains', action, listed);
  if (stale) return stale;
  // deleteDomain would take every user and their mail with it: refuse while any remain, or while the user list
  // is at PurelyMail's cap and cannot show them all.
  const blocker = domainDeletionBlocker(name, await listAllUsers(deps.purelymail));
  if (blocker) return { ok: false, reason: blocker.message };
  const outcome = await deleteOrGone(
    () => deps.purelymail.deleteDomain({ name }),
    listed,
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

/**
 * Deletes by id: a re-created (or edited) rule has a new id, so it can never be deleted by mistake. When the
 * id is gone, a rule matching what the requested one matched means it was re-created: stale, not "done".
 */
async function deleteRoutingRule(deps: RunDeps, action: StoredPendingAction): Promise<ActionOutcome> {
  const target = action.target;
  const routingRuleId = Number(target);
  if (!Number.isInteger(routingRuleId) || routingRuleId <= 0) return { ok: false, reason: `"${target}" is not a routing rule id.` };
  let successor: number | undefined;
  const outcome = await deleteOrGone(
    () => deps.purelymail.deleteRoutingRule({ routingRuleId }),
    async () => {
      const { rules, unreadable } = await deps.purelymail.listRoutingRules();
      successor = action.targetGeneration ? rules.find((r) => r.id !== routingRuleId && ruleIdentity(r) === action.targetGeneration)?.id : undefined;
      return rules.some((r) => r.id === routingRuleId) ? true : unreadable ? undefined : false;
    },
  );
  if (outcome.ok) await bestEffort(deps.cache.removeRule(routingRuleId));
  if (outcome.ok && outcome.note && successor !== undefined) {
    return {
      ok: false,
      stale: true,
      reason: `Not carried out: rule #${routingRuleId} is gone and rule #${successor} now matches the same address (${action.targetGeneration}); it was re-created or edited after this deletion was requested. Request a new deletion to delete it.`,
    };
  }
  return outcome;
}

/**
 * Runs one claimed action against PurelyMail and writes the result through to the cache.
 * PurelyMail being unreachable is a failure with a reason (never a silent retry that could double-delete).
 */
export const makeRunAction =
  (deps: RunDeps) =>
  async (action: StoredPendingAction): Promise<ActionOutcome> => {
    try {
      if (action.kind === 'delete-user') return await deleteUser(deps, action);
      if (action.kind === 'delete-domain') return await deleteDomain(deps, action);
      return await deleteRoutingRule(deps, action);
    } catch (err) {
      if (err instanceof PurelyMailUnavailableError) {
        return { ok: false, reason: `PurelyMail could not be reached (${err.reason}). Refresh to see whether it happened, then request it again if needed.` };
      }
      if (err instanceof PurelyMailApiError) return { ok: false, reason: `PurelyMail refused: ${err.message}` };
      throw err;
    }
  };
