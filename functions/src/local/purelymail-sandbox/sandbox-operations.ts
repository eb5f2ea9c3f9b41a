import { createAppPassword, deleteAppPassword } from './app-password-operations.ts';
import { addDomain, deleteDomain, getOwnershipCode, listDomains, updateDomainSettings } from './domain-operations.ts';
import { deletePasswordReset, listPasswordReset, upsertPasswordReset } from './password-reset-operations.ts';
import { createRoutingRule, deleteRoutingRule, listRoutingRules } from './routing-operations.ts';
import type { SandboxContext } from './sandbox-context.ts';
import { createUser, deleteUser, getUser, listUser, modifyUser } from './user-operations.ts';
import type { WireOperation, WireRequest } from './wire-requests.ts';

type Handler<Op extends WireOperation> = (ctx: SandboxContext, req: WireRequest<Op>) => object;

/** Each wire operation's handler; `read` handlers never change state (so no save is needed). */
export const SANDBOX_OPERATIONS: { [Op in WireOperation]: { handler: Handler<Op>; read: boolean } } = {
  createUser: { handler: createUser, read: false },
  deleteUser: { handler: deleteUser, read: false },
  listUser: { handler: listUser, read: true },
  modifyUser: { handler: modifyUser, read: false },
  getUser: { handler: getUser, read: true },
  upsertPasswordReset: { handler: upsertPasswordReset, read: false },
  deletePasswordReset: { handler: deletePasswordReset, read: false },
  listPasswordReset: { handler: listPasswordReset, read: true },
  createRoutingRule: { handler: createRoutingRule, read: false },
  deleteRoutingRule: { handler: deleteRoutingRule, read: false },
  listRoutingRules: { handler: listRoutingRules, read: true },
  addDomain: { handler: addDomain, read: false },
  getOwnershipCode: { handler: getOwnershipCode, read: true },
  listDomains: { handler: listDomains, read: true },
  updateDomainSettings: { handler: updateDomainSettings, read: false },
  deleteDomain: { handler: deleteDomain, read: false },
  createAppPassword: { handler: createAppPassword, read: false },
  deleteAppPassword: { handler: deleteAppPassword, read: false },
  checkAccountCredit: { handler: (ctx) => ({ credit: ctx.state.credit }), read: true },
};
